"""The real deploy/nginx.conf in front of a local gunicorn, unprivileged, on free ports.

Used by tests/faults/test_behind_nginx.py and `bench/load_bench.py --through-nginx`.
The deployed file is rendered by replacing only what cannot be the same on a test machine:
the upstream address, the listen ports (loopback, no IPv6, above 1024), the certificate
paths (a self-signed certificate made here) and the static/media directories. Every
proxy_set_header, location and limit is the deployed text. Each replaced string must occur
exactly once, so an edit of nginx.conf that these no longer match stops the caller instead of
silently testing something else.

The file is an http-context include (compose mounts it as conf.d/default.conf), so a small main
configuration wraps it: pid, temp paths and error log in the run directory, nothing that needs
root. When started as root (CI runs `make test` as root) nginx is run as `nobody`, so the
master is unprivileged there too.

Clients choose their address with `connection(..., source=...)`: the whole of 127/8 is
loopback on Linux, so 127.0.1.2 and 127.0.2.3 arrive at nginx as two different clients and
nginx writes that address into X-Forwarded-For.
"""

import http.client
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str:
    """The nginx executable ('' when not installed: nginx-light, Makefile SYSTEM_PACKAGES)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), ""
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render(text: str, *, upstream: str, http_port: int, https_port: int, run_dir: Path) -> str:
    replacements = [
        ("server web:8000;", f"server {upstream};"),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/nginx/certs/fullchain.pem;", f"{run_dir}/certs/fullchain.pem;"),
        ("/etc/nginx/certs/privkey.pem;", f"{run_dir}/certs/privkey.pem;"),
        ("alias /srv/portal/static/;", f"alias {run_dir}/static/;"),
        ("alias /srv/portal/media/;", f"alias {run_dir}/media/;"),
    ]
    for old, new in replacements:
        count = text.count(old)
        if count != 1:
            raise ValueError(f"deploy/nginx.conf: {old!r} occurs {count} times, expected once")
        text = text.replace(old, new)
    return text


MAIN_CONF = """\
# written by bench/nginx_front.py: the wrapper of the deployed http-context file
worker_processes {workers};
pid {run_dir}/nginx.pid;
error_log {run_dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    default_type application/octet-stream;
    client_body_temp_path {run_dir}/tmp/body;
    proxy_temp_path {run_dir}/tmp/proxy;
    fastcgi_temp_path {run_dir}/tmp/fastcgi;
    uwsgi_temp_path {run_dir}/tmp/uwsgi;
    scgi_temp_path {run_dir}/tmp/scgi;
    include {run_dir}/portal.conf;
}}
"""


def _self_signed(cert_dir: Path):
    """A throwaway certificate for 127.0.0.1 (clients here do not verify it)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_dir.mkdir(parents=True, exist_ok=True)
    (cert_dir / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (cert_dir / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class Nginx:
    """One nginx master (foreground) with the rendered config; stop() ends it and removes its
    directory. `https_port` is the server with the proxy rules; `http_port` the redirect one."""

    def __init__(
        self, upstream_port: int, *, https_port: int = 0, workers: int = 1, start_wait: float = 30
    ):
        binary = nginx_binary()
        if not binary:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
        self.run_dir = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
        self.http_port, self.https_port = free_port(), https_port or free_port()
        for sub in ("tmp", "static", "media", "certs"):
            (self.run_dir / sub).mkdir()
        _self_signed(self.run_dir / "certs")
        (self.run_dir / "portal.conf").write_text(
            render(
                CONF.read_text(),
                upstream=f"127.0.0.1:{upstream_port}",
                http_port=self.http_port,
                https_port=self.https_port,
                run_dir=self.run_dir,
            )
        )
        mime = "/etc/nginx/mime.types"
        (self.run_dir / "nginx.conf").write_text(
            MAIN_CONF.format(
                workers=workers,
                run_dir=self.run_dir,
                mime=f"include {mime};" if os.path.exists(mime) else "",
            )
        )
        self.stdout = open(self.run_dir / "stdout.log", "w")  # closed in stop()
        self.stderr = open(self.run_dir / "stderr.log", "w")
        drop = {}
        if os.geteuid() == 0:
            # the master itself unprivileged, as on a developer's machine (no `user` directive)
            nobody = pwd.getpwnam("nobody")
            os.chmod(self.run_dir, 0o755)
            for path in [self.run_dir, *self.run_dir.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            drop = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        self.proc = subprocess.Popen(
            [
                binary,
                "-p",
                str(self.run_dir),
                "-c",
                str(self.run_dir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=self.stdout,
            stderr=self.stderr,
            start_new_session=True,
            **drop,
        )
        deadline = time.monotonic() + start_wait
        while True:
            if self.proc.poll() is not None:
                log = self.log()
                self.stop()
                raise RuntimeError(f"nginx exited ({self.proc.returncode}):\n{log}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    log = self.log()
                    self.stop()
                    raise RuntimeError(f"nginx not listening in {start_wait} s:\n{log}") from None
                time.sleep(0.1)

    def log(self) -> str:
        text = ""
        for name in ("stderr.log", "error.log"):
            path = self.run_dir / name
            if path.exists():
                text += f"--- nginx {name}\n" + path.read_text(errors="replace")[-3000:]
        return text

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # fast shutdown of master and workers
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)
        self.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def connection(port: int, *, source: str = "127.0.0.1", tls: bool = True, timeout: float = 30):
    """A keep-alive HTTP(S) connection to 127.0.0.1:port whose packets come from `source` (any
    127/8 address): nginx, or gunicorn when connected directly, sees that client address."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate
        return http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, source_address=(source, 0), context=context
        )
    return http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
