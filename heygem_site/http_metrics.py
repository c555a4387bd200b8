"""HTTP request metrics for Prometheus, counted in every web process.

Under gunicorn each worker is its own process: with ``PROMETHEUS_MULTIPROC_DIR``
set (deploy/gunicorn.conf.py sets it) prometheus_client writes the values to
files there and /metrics adds up every worker's, dead ones included.
Routes are labelled by their URL pattern (``jobs/<uuid:pk>/``), never the raw path,
so a scanner cannot grow the number of series.
"""

import time

from prometheus_client import Counter, Histogram

REQUESTS = Counter("heygem_http_requests", "HTTP requests answered.", ["method", "route", "status"])
DURATION = Histogram(
    "heygem_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)  # fmt: skip
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


class HttpMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        route = route_of(request)
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        DURATION.labels(method, route).observe(time.perf_counter() - started)
        return response
