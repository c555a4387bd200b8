"""Prometheus metrics for operators: queue depth, job outcomes, slot health and speed.

Scraped with ``Authorization: Bearer $HEYGEM_METRICS_TOKEN``; without a token
configured only staff sessions may read it.
"""

import hmac
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Min
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import GpuSlot, Job


@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("metrics need the bearer token or a staff login\n")
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4")


def _allowed(request) -> bool:
    token = settings.HEYGEM["METRICS_TOKEN"]
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header, f"Bearer {token}"):
        return True
    return request.user.is_authenticated and request.user.is_staff


def render_metrics() -> str:
    lines: list[str] = []
    now = timezone.now()

    def family(name, kind, help_text, samples):
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}")

    by_status = dict(Job.objects.values_list("status").annotate(n=Count("pk")))
    family("heygem_jobs", "gauge", "Jobs by status.",
           [({"status": s}, by_status.get(s, 0)) for s in Job.Status.values])  # fmt: skip
    waiting = []
    oldest = []
    for stage, status in Job.WAITING_FOR.items():
        row = Job.objects.filter(status=status).aggregate(n=Count("pk"), first=Min("created_at"))
        waiting.append(({"stage": stage}, row["n"]))
        age = (now - row["first"]).total_seconds() if row["first"] else 0
        oldest.append(({"stage": stage}, round(age, 3)))
    family("heygem_queue_depth", "gauge", "Jobs waiting for a slot of a stage.", waiting)
    family("heygem_queue_oldest_seconds", "gauge", "Age of the oldest waiting job.", oldest)

    hour = Job.objects.filter(
        status=Job.Status.SUCCEEDED, finished_at__gte=now - timedelta(hours=1)
    )
    timing = hour.aggregate(
        n=Count("pk"),
        tts=Avg(F("tts_finished_at") - F("tts_started_at")),
        render=Avg(F("render_finished_at") - F("render_started_at")),
        total=Avg(F("finished_at") - F("created_at")),
    )
    family("heygem_jobs_succeeded_last_hour", "gauge", "Jobs finished in the last hour.",
           [({}, timing["n"])])  # fmt: skip
    family("heygem_stage_seconds_last_hour", "gauge",
           "Mean seconds per stage of the jobs finished in the last hour.",
           [({"stage": k}, round(timing[k].total_seconds(), 3))
            for k in ("tts", "render", "total") if timing[k] is not None])  # fmt: skip

    slots = list(GpuSlot.objects.all())

    def slot_labels(s):
        return {"slot": s.name, "stage": s.stage, "backend": s.backend, "gpu": s.gpu}

    family("heygem_slot_up", "gauge", "1 when the slot is enabled and healthy.",
           [(slot_labels(s), int(s.enabled and s.healthy)) for s in slots])  # fmt: skip
    family("heygem_slot_busy", "gauge", "1 while the slot runs a stage.",
           [(slot_labels(s), int(s.lease_until is not None)) for s in slots])  # fmt: skip
    family("heygem_slot_engine_busy", "gauge", "1 while the engine is kept out as busy.",
           [(slot_labels(s), int(s.engine_busy)) for s in slots])  # fmt: skip
    family("heygem_slot_consecutive_failures", "gauge", "Engine failures in a row.",
           [(slot_labels(s), s.consecutive_failures) for s in slots])  # fmt: skip
    family("heygem_slot_seconds_per_audio_second", "gauge",
           "Measured engine seconds per second of speech (smoothed).",
           [(slot_labels(s), round(s.seconds_per_audio_second, 4)) for s in slots
            if s.seconds_per_audio_second is not None])  # fmt: skip
    return "\n".join(lines) + "\n"


def _escape(value) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
