"""gunicorn settings for the web process (compose, systemd and `make serve-prod`).

Everything comes from the environment so one file serves every host:
  GUNICORN_BIND (default 0.0.0.0:8000; serve-prod uses 127.0.0.1:$PORT), WEB_CONCURRENCY,
  GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS, FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# CPU-bound Django (DESIGN.md: a bare view 3.4-4.5k req/s on 2 cores): 2 x cores + 1 workers
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# a few threads per worker absorb requests waiting on PostgreSQL, Redis or Elasticsearch
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# recycle workers now and then (slow leaks in long-lived processes); jitter avoids a stampede
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# load the app once in the master, fork workers from it: faster start, shared memory
preload_app = True


def pre_fork(server, worker):
    # a database connection opened while loading the app must not be shared by the workers
    from django.db import connections

    connections.close_all()


# nginx sits on the same host or network; only it may set X-Forwarded-* headers
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# uploads are buffered by nginx first (client_max_body_size there); keep request lines sane
limit_request_line = 8190

# Logs: JSON lines on stdout/stderr (collected by journald or docker).
# Privacy: the access log deliberately has no client address (%(h)s), no query string
# (%(q)s: search terms), no user agent (%(a)s) and no referrer (%(f)s). An access log that
# puts the address next to the time and path of an anonymous complaint would identify the
# complainant; the public site promises not to record IP addresses. The format below is what
# gunicorn would print without our logger class; portal.core.logging.GunicornJsonLogger writes the
# same fields JSON-escaped.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '{"method":"%(m)s","path":"%(U)s","status":"%(s)s","bytes":"%(B)s",'
    '"duration_ms":"%(M)s","request_id":"%({x-request-id}o)s"}'
)
logger_class = "portal.core.logging.GunicornJsonLogger"
proc_name = "portal-web"
