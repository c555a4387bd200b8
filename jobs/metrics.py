"""Prometheus metrics (prometheus_client) for operators.

Read at scrape time from the database: jobs by status, queue depth and age,
stage-duration and queue-wait histograms, slot gauges, the engines' answers by
code (counted by the stage and probe workers of every host); from NVML where present:
GPU memory, utilization and temperature, labelled with the slots on each GPU.
HTTP request metrics come from every web process (heygem_site.http_metrics).

The histograms count every finished stage still in the database, so they only
grow while jobs are kept (deleting old jobs reads as a counter reset, which
``rate()`` handles).

Scraped with ``Authorization: Bearer $HEYGEM_METRICS_TOKEN``; without a token
configured only staff sessions may read it.
"""

import hmac
import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from heygem_site import http_metrics

from . import selectors
from .gpus import gpu_readings
from .models import EngineAnswerCount, GpuSlot, Host, Job, Pause

BUCKETS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
# (stage label, start field, end field) of each measured span of a job.
STAGE_SPANS = (("tts", "tts_started_at", "tts_finished_at"),
               ("render", "render_started_at", "render_finished_at"),
               ("total", "created_at", "finished_at"))  # fmt: skip
WAIT_SPANS = (("tts", "created_at", "tts_started_at"),
              ("video", "tts_finished_at", "render_started_at"))  # fmt: skip


@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("metrics need the bearer token or a staff login\n")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def _allowed(request) -> bool:
    token = settings.HEYGEM["METRICS_TOKEN"]
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header, f"Bearer {token}"):
        return True
    return request.user.is_authenticated and request.user.is_staff


def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(http_metrics.REQUESTS)
        registry.register(http_metrics.DURATION)
    return registry


def _histogram(name: str, help_text: str, spans) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, help_text, labels=["stage"])
    for stage, start, end in spans:
        span = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
        counts = {f"le{b}": Count("pk", filter=Q(span__lte=timedelta(seconds=b))) for b in BUCKETS}
        row = (
            Job.objects.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
            .annotate(span=span)
            .aggregate(n=Count("pk"), total=Sum("span"), **counts)
        )
        buckets = [(str(float(b)), row[f"le{b}"]) for b in BUCKETS] + [("+Inf", row["n"])]
        total = row["total"].total_seconds() if row["total"] else 0.0
        family.add_metric([stage], buckets, total)
    return family


def _gauge(name: str, help_text: str, labels: list[str], samples) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help_text, labels=labels)
    for values, value in samples:
        family.add_metric(values, value)
    return family


class DatabaseCollector:
    def collect(self):
        now = timezone.now()
        by_status = dict(Job.objects.values_list("status").annotate(n=Count("pk")))
        yield _gauge("heygem_jobs", "Jobs by status.", ["status"],
                     [([s], by_status.get(s, 0)) for s in Job.Status.values])  # fmt: skip
        depth, oldest = [], []
        for stage, status in Job.WAITING_FOR.items():
            row = Job.objects.filter(status=status).aggregate(
                n=Count("pk"), first=Min("created_at")
            )
            depth.append(([stage], row["n"]))
            oldest.append(([stage], (now - row["first"]).total_seconds() if row["first"] else 0))
        yield _gauge("heygem_queue_depth", "Jobs waiting for a slot of a stage.", ["stage"], depth)
        yield _gauge("heygem_queue_oldest_seconds", "Age of the oldest waiting job.", ["stage"],
                     oldest)  # fmt: skip
        active = Pause.objects.active().order_by()
        pauses = dict(active.values_list("scope").annotate(n=Count("pk")))
        yield _gauge("heygem_pauses", "Pauses that hold now: the queue (0 or 1), owners, slots.",
                     ["scope"], [([s], pauses.get(s, 0)) for s in Pause.Scope.values])  # fmt: skip
        yield _histogram("heygem_stage_duration_seconds",
                         "Seconds a stage ran (total: submit to finish).", STAGE_SPANS)  # fmt: skip
        yield _histogram("heygem_queue_wait_seconds",
                         "Seconds a job waited for a slot of a stage.", WAIT_SPANS)  # fmt: skip
        yield from self.hosts()
        yield from self.slots()
        yield self.engine_answers()
        yield from self.gpus()
        yield from self.disks()

    def disks(self):
        volumes = selectors.disk_volumes()
        labels = ["volume", "path"]
        yield _gauge("heygem_disk_free_bytes",
                     "Free bytes on the media volume (or, with a bucket, this host's scratch disk) "
                     "and each engine data dir on this host.",
                     labels, [([v.label, v.path], v.free_bytes) for v in volumes])  # fmt: skip
        yield _gauge("heygem_disk_total_bytes", "Size of each of those volumes.", labels,
                     [([v.label, v.path], v.total_bytes) for v in volumes])  # fmt: skip

    def hosts(self):
        """Each box's `manage.py workers`: up while it reports and is not stopping."""
        hosts = list(Host.objects.values_list("name", "stage_workers"))
        gone = set(Host.objects.not_working().values_list("name", flat=True))
        yield _gauge("heygem_host_up", "1 while the host's `manage.py workers` reports in.",
                     ["host"], [([name], int(name not in gone)) for name, _ in hosts])  # fmt: skip
        yield _gauge("heygem_host_stage_workers", "Stage workers the host runs.", ["host"],
                     [([name], workers) for name, workers in hosts])  # fmt: skip

    def slots(self):
        slots = list(GpuSlot.objects.with_pause())
        names = ["slot", "stage", "backend", "gpu"]

        def each(value):
            return [([s.name, s.stage, s.backend, s.gpu], value(s)) for s in slots]

        yield _gauge("heygem_slot_up", "1 when the slot is enabled and healthy.", names,
                     each(lambda s: int(s.enabled and s.healthy)))  # fmt: skip
        yield _gauge("heygem_slot_busy", "1 while the slot runs a stage.", names,
                     each(lambda s: int(s.lease_until is not None)))  # fmt: skip
        yield _gauge("heygem_slot_paused", "1 while an operator holds the slot paused.", names,
                     each(lambda s: int(s.active_pause is not None)))  # fmt: skip
        yield _gauge("heygem_slot_engine_busy", "1 while the engine is kept out as busy.", names,
                     each(lambda s: int(s.engine_busy)))  # fmt: skip
        yield _gauge("heygem_slot_consecutive_failures", "Engine failures in a row.", names,
                     each(lambda s: s.consecutive_failures))  # fmt: skip
        measured = [s for s in slots if s.seconds_per_audio_second is not None]
        yield _gauge("heygem_slot_seconds_per_audio_second",
                     "Measured engine seconds per second of speech (smoothed).", names,
                     [([s.name, s.stage, s.backend, s.gpu], s.seconds_per_audio_second)
                      for s in measured])  # fmt: skip

    def engine_answers(self) -> CounterMetricFamily:
        labels = ["slot", "engine", "caller", "path", "status", "code"]
        family = CounterMetricFamily(
            "heygem_engine_answers",
            "Answers the GPU engines gave (status: HTTP status or transport failure; "
            "code: the engine's own code).",
            labels=labels,
        )
        rows = EngineAnswerCount.objects.values_list(
            "slot__name", "slot__backend", "caller", "path", "status", "code", "count"
        )
        for *values, count in rows:
            family.add_metric(values, count)
        return family

    def gpus(self):
        readings = gpu_readings()
        if readings is None:
            return
        slots: dict[str, list[str]] = {}
        for name, gpu in GpuSlot.objects.values_list("name", "gpu"):
            slots.setdefault(gpu, []).append(name)
        labels = ["gpu", "name", "slots"]

        def each(value):
            return [([g.label, g.name, ",".join(sorted(slots.get(g.label, [])))], value(g))
                    for g in readings]  # fmt: skip

        yield _gauge("heygem_gpu_memory_used_bytes", "GPU memory in use.", labels,
                     each(lambda g: g.memory_used_bytes))  # fmt: skip
        yield _gauge("heygem_gpu_memory_free_bytes", "GPU memory free.", labels,
                     each(lambda g: g.memory_free_bytes))  # fmt: skip
        yield _gauge("heygem_gpu_utilization_percent", "GPU busy time, last sample.", labels,
                     each(lambda g: g.utilization_percent))  # fmt: skip
        yield _gauge("heygem_gpu_temperature_celsius", "GPU core temperature.", labels,
                     each(lambda g: g.temperature_celsius))  # fmt: skip
