"""gunicorn settings for HeyGem Studio; every value can be overridden from the environment."""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are short (pages, API, polling); uploads stream to disk; media is streamed.
# Requests are CPU-bound Python: processes scale, threads mostly share one GIL.
# Measured with bench/api.py on 2 cores: 3 workers x 2 threads polled ~10 % faster
# with a shorter tail than 5 x 4 (docs/benchmarks.md). nginx buffers uploads, so
# a slow client does not hold a thread.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
# A watcher's long poll (jobs.live) keeps its thread while it waits: each worker
# holds at most threads - 1 of them, so a page always finds a thread (bench/watch.py).
os.environ.setdefault("HEYGEM_WATCH_MAX_HELD", str(max(1, threads - 1)))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
# Workers are recycled now and then as a guard against slow leaks. Each restart
# drops the worker's keep-alive connections and costs a Django start-up, which
# pollers feel as a latency spike: keep it rare (at 1,000 req/s over 5 workers,
# 50,000 requests is about every four minutes per worker).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 10

# Prometheus (heygem_site.http_metrics): each worker writes its counters to files in
# this folder and /metrics adds every worker's up. A fresh folder per server start.
prometheus_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
    tempfile.gettempdir(), f"heygem-prometheus-{os.getpid()}"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = prometheus_dir


def on_starting(server):
    shutil.rmtree(prometheus_dir, ignore_errors=True)
    os.makedirs(prometheus_dir, exist_ok=True)


def child_exit(server, worker):
    # Imported here: prometheus_client picks its value store when first imported, and
    # it must see PROMETHEUS_MULTIPROC_DIR (set above) by then.
    from prometheus_client import multiprocess

    # A dead worker's gauges are dropped; its counters stay in the sums.
    multiprocess.mark_process_dead(worker.pid)
