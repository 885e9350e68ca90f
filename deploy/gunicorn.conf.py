"""gunicorn settings for the web process (compose, systemd and `make serve-prod`).

Everything comes from the environment so one file serves every host:
  GUNICORN_BIND (default 0.0.0.0:8000; serve-prod uses 127.0.0.1:$PORT), WEB_CONCURRENCY,
  GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS, FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Workers and class chosen by measurement (bench/pages_bench.py, deploy/SIZING.md "gunicorn";
# 2 cores shared with other jobs, load average 8-14, wrk -t2 -c32, page cache on):
#   through nginx (keep-alive upstream), bare view / cached profile, req/s:
#     sync 2: 234 / 186 and 372 / 189     sync 3: 208 / 149     sync 5: 151 / 110
#     gthread 2x4: 841 / 351 and 1185 / 491    3x4: 556 / 666    4x4: 898 / 465
#     5x4: 786 / 456 and 586 / 324
#   direct: sync 2: 222 / 145, sync 5: 362 / 203; gthread 2x4: 677 / 560, 3x4: 796 / 397,
#     5x4: 1067 / 439
# So gthread, 2-4x sync in every run (sync answers one request per connection: nginx's
# keep-alive to it is closed after each answer). Between 2 and 5 gthread workers the
# difference was within the run-to-run noise; cores + 1 is kept because with exactly one
# worker per core one of them often takes all 32 keep-alive connections (CPU seconds per
# worker measured 20.9 / 16.9 with 2, and 14.2 / 8.7 / 7.2 / 6.8 with 4), and the spare worker
# keeps the second core busy; fewer than 2 x cores + 1 also means fewer database connections
# (workers x threads, each persistent with CONN_MAX_AGE).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# threads absorb requests waiting on PostgreSQL, Redis or Elasticsearch; GUNICORN_THREADS=1
# gives sync workers
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycling a worker (slow leaks in long-lived processes) costs its boot and cold caches. The
# old 2000 restarted 3 workers in 20 s of bench load and cut the cached profile from 397 to
# 117 req/s (p99 0.65 s -> 7.5 s; pages_bench --max-requests 2000, same session); a million
# requests is hours at the expected peak (SIZING.md: ~90 req/s per host in Wuhan). The jitter
# (20 %) keeps the workers from restarting together. GUNICORN_MAX_REQUESTS=0: never.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000000"))
max_requests_jitter = max_requests // 5
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
