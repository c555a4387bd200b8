"""Job-detail polling through gunicorn: requests per second and latency percentiles.

    .venv/bin/python bench/api.py [--clients 50] [--seconds 15] [--warmup 3]

Creates a throwaway database (``heygem_bench_api``), migrates it, fills it with
users, tokens and jobs in every state (each with a realistic timeline of events),
starts gunicorn with deploy/gunicorn.conf.py on a free loopback port, then runs
``--clients`` concurrent keep-alive clients, each polling its own job's
``GET /api/v1/jobs/<id>/`` with its token, as fast as the server answers (a
closed loop, no think time). The same clients then hit ``/healthz`` (a plain
Django view with one query) as a baseline for the stack's fixed cost. The
database is dropped at the end.

The client is a small asyncio HTTP/1.1 client (stdlib only) in this process; it
shares the machine's cores with gunicorn and Postgres, as a real load generator
on the same box would.
"""

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "heygem_bench_api"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(extra: dict | None = None) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP straight to gunicorn, as behind nginx; no redirect to https.
        "SECURE_SSL_REDIRECT": "false",
        # The throttle still runs on every request; the rate only keeps it from refusing.
        "HEYGEM_API_RATE_USER": "100000/min",
        "GUNICORN_ACCESSLOG": "",
        "PYTHONPATH": str(ROOT),
        **(extra or {}),
    }


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(statement)


def create_database() -> None:
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(),
        check=True,
    )


def seed(clients: int) -> list[tuple[str, str]]:
    """One user, token and polled job per client, jobs spread over every state."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from jobs.models import GpuSlot, Job, JobEvent

    now = timezone.now()
    slots = {
        (gpu, stage): GpuSlot.objects.create(
            name=f"gpu{gpu}-{stage}", gpu=f"gpu{gpu}", stage=stage, backend=backend,
            seconds_per_audio_second=0.8,
        )
        # A slot runs one job at a time: one GPU per cycle of the statuses.
        for gpu in range(max(3, -(-clients // len(PROGRESS))))
        for stage, backend in (("tts", "espeak"), ("video", "dub"))
    }  # fmt: skip
    text = "The area of a circle is pi r squared. " * 8
    pairs = []
    for index in range(clients):
        user = get_user_model().objects.create_user(f"bench{index}")
        for _ in range(9):  # older history rows of the same owner
            Job.objects.create(owner=user, text="Old.", spoken_text="Old.", status="succeeded")
        status = list(PROGRESS)[index % len(PROGRESS)]
        job = Job.objects.create(owner=user, text=text, spoken_text=text, status=status,
                                 progress=PROGRESS[status])  # fmt: skip
        kinds = ["created", "voice"]
        if status != "queued":
            job.tts_slot, job.tts_started_at = slots[(index // len(PROGRESS), "tts")], now
            kinds.append("tts_started")
        if status in ("audio_ready", "rendering", "succeeded"):
            job.tts_finished_at, job.audio_seconds = now, 14.0
            kinds.append("tts_finished")
        if status in ("rendering", "succeeded"):
            job.video_slot, job.render_started_at = slots[(index // len(PROGRESS), "video")], now
            kinds.append("video_started")
        if status == "succeeded":
            job.render_finished_at = job.finished_at = now + timedelta(seconds=12)
            kinds += ["render_finished", "succeeded"]
        job.save()
        for kind in kinds:
            JobEvent.objects.create(job=job, kind=kind, message=f"{kind} (benchmark)")
        pairs.append((Token.objects.create(user=user).key, str(job.pk)))
    return pairs


# Polled jobs cycle through these statuses (with their progress figure).
PROGRESS = {"queued": 0, "synthesizing": 20, "audio_ready": 40, "rendering": 70, "succeeded": 100}


def start_gunicorn(port: int, workers: int | None, threads: int | None):
    extra = {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        extra["GUNICORN_WORKERS"] = str(workers)
    if threads:
        extra["GUNICORN_THREADS"] = str(threads)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "heygem_site.wsgi:application"],
        cwd=ROOT, env=server_env(extra), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn did not start: {proc.stderr.read().decode()[-2000:]}")


def stop(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


# --- the client ----------------------------------------------------------------


async def client(port: int, request: bytes, until: float, measure_from: float, latencies: list):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {head!r}")
            if started >= measure_from:
                latencies.append(time.perf_counter() - started)
            if b"connection: close" in head.lower():
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def http_get(path: str, token: str | None) -> bytes:
    auth = f"Authorization: Token {token}\r\n" if token else ""
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Accept: application/json\r\n\r\n".encode()
    )


async def run_load(port, requests: list[bytes], seconds: float, warmup: float) -> dict:
    latencies: list[float] = []
    start = time.perf_counter()
    measure_from, until = start + warmup, start + warmup + seconds
    await asyncio.gather(*(client(port, r, until, measure_from, latencies) for r in requests))
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99) - 1],
        "max_ms": 1000 * latencies[-1],
    }


def report(name: str, result: dict) -> None:
    print(f"{name:<28} {result['rps']:>8.0f} req/s   p50 {result['p50_ms']:6.1f} ms   "
          f"p99 {result['p99_ms']:6.1f} ms   max {result['max_ms']:6.1f} ms   "
          f"({result['requests']} requests)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: config file)")
    parser.add_argument("--threads", type=int, help="gunicorn threads (default: config file)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()

    create_database()
    os.environ.update(server_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heygem_site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    proc = None
    try:
        pairs = seed(args.clients)
        from django.db import connections

        connections.close_all()
        port = free_port()
        proc = start_gunicorn(port, args.workers, args.threads)
        detail = [http_get(f"/api/v1/jobs/{job_id}/", token) for token, job_id in pairs]
        health = [http_get("/healthz", None) for _ in pairs]
        print(f"{args.clients} clients, {args.seconds:.0f} s measured after {args.warmup:.0f} s "
              f"warm-up, {os.cpu_count()} cores, gunicorn {gunicorn_shape(args)}")  # fmt: skip
        report("GET /api/v1/jobs/<id>/", asyncio.run(run_load(port, detail, args.seconds,
                                                            args.warmup)))  # fmt: skip
        report("GET /healthz (baseline)", asyncio.run(run_load(port, health, args.seconds,
                                                             args.warmup)))  # fmt: skip
    finally:
        if proc is not None:
            stop(proc)
        if not args.keep_db:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def gunicorn_shape(args) -> str:
    env = server_env({k: str(v) for k, v in (("GUNICORN_WORKERS", args.workers),
                                             ("GUNICORN_THREADS", args.threads)) if v})  # fmt: skip
    code = "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); "
    code += "print(c['workers'], c['threads'], c['worker_class'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    return f"{out[0]} workers × {out[1]} threads ({out[2]})"


if __name__ == "__main__":
    main()
