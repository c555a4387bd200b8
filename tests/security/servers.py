"""Real servers for the security tests: gunicorn on the test database, the shipped nginx, Redis."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, child_process_env

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc, timeout: float = 30.0, **urlopen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{proc.args[0]} exited: {proc.stderr.read()[-3000:]!r}")
        try:
            urllib.request.urlopen(url, timeout=1, **urlopen)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


class Process:
    """One child process (and its session) that does not outlive the test."""

    def __init__(self, args, **popen):
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, **popen)  # fmt: skip

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc.stderr.close()


def gunicorn(media_root, tmp_path: Path, *, app: str = "heygem_site.wsgi", **env) -> tuple:
    """gunicorn with the shipped config, one worker, on a free port: (process, port, log)."""
    port = free_port()
    log = tmp_path / f"access-{port}.log"
    environment = child_process_env(media_root, GUNICORN_ACCESSLOG=log, GUNICORN_WORKERS=1, **env)
    server = Process(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    wait_until_up(f"http://127.0.0.1:{port}/healthz", server.proc)
    return server, port, log


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def shipped_nginx(folder: Path, upstream_port: int) -> tuple:
    """deploy/nginx/heygem.conf on free ports in ``folder``: (process, https port, seed port)."""
    cert, key = self_signed_certificate(folder)
    https, http, seed = free_port(), free_port(), free_port()
    site = (ROOT / "deploy" / "nginx" / "heygem.conf").read_text()
    for old, new in [
        ("127.0.0.1:8000", f"127.0.0.1:{upstream_port}"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 5003;", f"listen 127.0.0.1:{seed};"),
        ("/etc/letsencrypt/live/heygem.example.com/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/heygem.example.com/privkey.pem", str(key)),
    ]:
        assert old in site, f"the shipped nginx config no longer has {old!r}"
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (folder / "heygem.conf").write_text(site)
    temp = folder / "temp"
    temp.mkdir()
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log info;\nevents {{}}\n"
        f"http {{\n access_log {folder}/access.log;\n client_body_temp_path {temp}/body;\n"
        f" proxy_temp_path {temp}/proxy;\n fastcgi_temp_path {temp}/fastcgi;\n"
        f" uwsgi_temp_path {temp}/uwsgi;\n scgi_temp_path {temp}/scgi;\n"
        f" include {folder}/heygem.conf;\n}}\n"
    )
    server = Process([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                      "-g", "daemon off;"])  # fmt: skip
    return server, https, seed


def redis_server(folder: Path) -> tuple:
    port = free_port()
    server = Process(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no", "--dir", str(folder)])  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server, port
        time.sleep(0.05)
    raise AssertionError("redis-server did not start")
