"""What watchers cost the web server: idle long polls against gunicorn, measured.

    .venv/bin/python bench/watch.py [--watchers 0,6,12] [--seconds 15]

Starts gunicorn as shipped (deploy/gunicorn.conf.py: cores+1 workers × 2
threads) on a free port in its own database (heygem_bench_watch, dropped
afterwards). ``N`` watchers each follow a job the way the job page does
(If-None-Match + Prefer: wait=25, asked again at once). Meanwhile one client
asks for the history page's API (GET /api/v1/jobs/) once every 0.2 s; its
latency is the cost. Then the same with the watchers on a second gunicorn
(1 worker × 64 threads, as deploy/nginx routes ``Prefer: wait``), and the time
from a change in the database to a held watcher's answer.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "heygem_bench_watch"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "heygem_site.wsgi"],
        cwd=ROOT, env={**os.environ, "GUNICORN_ACCESSLOG": "", **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def watcher(url: str, token: str, stop: threading.Event) -> None:
    session = requests.Session()
    headers = {"Authorization": f"Token {token}"}
    etag = None
    while not stop.is_set():
        try:
            held = {"If-None-Match": etag, "Prefer": "wait=25"} if etag else {}
            response = session.get(url, headers={**headers, **held}, timeout=60)
            etag = response.headers.get("ETag", etag)
            if etag and held and "Preference-Applied" not in response.headers:
                stop.wait(5)  # not held: the page's script asks again in 5 s
        except requests.RequestException:
            time.sleep(0.2)


def measure(
    main_url: str, watch_url: str, token: str, watchers: int, seconds: float
) -> list[float]:
    stop = threading.Event()
    threads = [threading.Thread(target=watcher, args=(watch_url, token, stop), daemon=True)
               for _ in range(watchers)]  # fmt: skip
    for thread in threads:
        thread.start()
    time.sleep(1.5)  # every watcher is now held
    session = requests.Session()
    headers = {"Authorization": f"Token {token}"}
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        session.get(f"{main_url}/api/v1/jobs/", headers=headers, timeout=120)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.2)
    stop.set()
    for thread in threads:  # a held poll ends within its 25 s: the next phase starts clean
        thread.join(timeout=60)
    return latencies


def notify_latency(watch_url: str, token: str, job_id, rounds: int = 10) -> list[float]:
    from jobs.models import Job

    latencies = []
    for n in range(rounds):
        held = HeldWatch(watch_url, token)
        time.sleep(0.5)
        changed = time.perf_counter()
        Job.objects.filter(pk=job_id).update(progress=n + 1)
        latencies.append(held.answered_at() - changed)
    return latencies


class HeldWatch:
    """One long poll on a job, started now in a thread."""

    def __init__(self, url: str, token: str):
        self.headers = {"Authorization": f"Token {token}"}
        self.etag = requests.get(url, headers=self.headers, timeout=30).headers["ETag"]
        self.url, self.at = url, None
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self) -> None:
        requests.get(self.url, headers={**self.headers, "If-None-Match": self.etag,
                                        "Prefer": "wait=25"}, timeout=40)  # fmt: skip
        self.at = time.perf_counter()

    def answered_at(self) -> float:
        self.thread.join()
        return self.at


def ms(values, q=None) -> str:
    values = sorted(values)
    if q is None:
        return f"{1000 * statistics.median(values):.1f}"
    return f"{1000 * values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watchers", default="0,3,6,12")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    env = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
           "MEDIA_ROOT": tempfile.mkdtemp(prefix="heygem-bench-watch-"),
           "HEYGEM_API_RATE_USER": "100000/min",
           "DJANGO_SETTINGS_MODULE": "heygem_site.settings"}  # fmt: skip
    os.environ.update(env)
    subprocess.run([sys.executable, "deploy/ensure_database.py"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    # Imported here: the app loads only after django.setup().
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from jobs.models import Job

    user = get_user_model().objects.create_user("bench-watch")
    token = Token.objects.create(user=user).key
    for n in range(20):
        Job.objects.create(owner=user, text=f"Job {n}", spoken_text=f"Job {n}")
    job = Job.objects.filter(owner=user).first()
    main_port, watch_port = free_port(), free_port()
    servers = [start_gunicorn(main_port, {})]
    try:
        main_url = f"http://127.0.0.1:{main_port}"
        print(
            f"gunicorn as shipped: {os.cpu_count() + 1} workers x 2 threads, "
            f"{os.cpu_count()} cores; history API polled every 0.2 s for {args.seconds:.0f} s"
        )
        for count in [int(n) for n in args.watchers.split(",")]:
            lat = measure(main_url, f"{main_url}/api/v1/jobs/{job.pk}/", token, count, args.seconds)
            print(f"  {count:3d} watchers on the same server:   history p50 {ms(lat)} ms, "
                  f"p95 {ms(lat, 95)} ms, max {ms(lat, 100)} ms")  # fmt: skip
        servers.append(start_gunicorn(watch_port, {"GUNICORN_WORKERS": "1",
                                                   "GUNICORN_THREADS": "64"}))  # fmt: skip
        watch_url = f"http://127.0.0.1:{watch_port}/api/v1/jobs/{job.pk}/"
        for count in [int(n) for n in args.watchers.split(",")][1:]:
            lat = measure(main_url, watch_url, token, count, args.seconds)
            print(f"  {count:3d} watchers on a watch server:    history p50 {ms(lat)} ms, "
                  f"p95 {ms(lat, 95)} ms, max {ms(lat, 100)} ms")  # fmt: skip
        lat = notify_latency(watch_url, token, job.pk)
        print(
            f"change in the database -> held watcher answered: median {ms(lat)} ms, "
            f"max {ms(lat, 100)} ms (10 changes)"
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {BENCH_DB}"], check=False)  # fmt: skip


if __name__ == "__main__":
    main()
