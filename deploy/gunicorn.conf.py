"""gunicorn settings for HeyGem Studio; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are short (pages, API, polling); uploads stream to disk; media is streamed.
# Requests are CPU-bound Python: processes scale, threads mostly share one GIL.
# Measured with bench/api.py on 2 cores: 3 workers x 2 threads polled ~10 % faster
# with a shorter tail than 5 x 4 (docs/benchmarks.md). nginx buffers uploads, so
# a slow client does not hold a thread.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
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
