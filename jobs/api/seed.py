"""The seed's HTTP API (docs/api.md, "The seed's API"), kept working over the new core.

Same paths, JSON shapes and field names as the seed's Flask app; authenticated
like v1. Task ids are job UUIDs. Seed status words: ``queued`` (waiting for
speech), ``processing`` (synthesizing, waiting for a video slot, rendering),
``completed``, ``failed``, ``canceled``; our own status is in ``job_status``.
"""

import re
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from heygem_site.api import seed_exception_handler
from heygem_site.throttles import SubmitRateThrottle, UserThrottle

from .. import selectors, services
from ..models import Job
from ..serializers import JobCreateInput
from .jobs import job_file_response

SEED_STATUS = {
    Job.Status.QUEUED: "queued",
    Job.Status.SYNTHESIZING: "processing",
    # A seed client knows no "waiting for you" word: it keeps polling until approved.
    Job.Status.SPEECH_REVIEW: "processing",
    Job.Status.AUDIO_READY: "processing",
    Job.Status.RENDERING: "processing",
    Job.Status.SEGMENTED: "processing",
    Job.Status.SUCCEEDED: "completed",
    Job.Status.FAILED: "failed",
    Job.Status.CANCELED: "canceled",
}


def gpu_number(label: str) -> int | None:
    match = re.search(r"(\d+)$", label or "")
    return int(match.group(1)) if match else None


def port_of(url: str) -> int | None:
    try:
        return urlsplit(url).port if url else None
    except ValueError:
        return None


def first_message(data) -> str:
    """The first human message in a DRF error body, prefixed by its field."""
    if isinstance(data, dict):
        if "detail" in data:
            return str(data["detail"])
        field, errors = next(iter(data.items()))
        return f"{field}: {first_message(errors)}"
    if isinstance(data, list) and data:
        return first_message(data[0])
    return str(data)


class SeedErrorOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    errors = serializers.JSONField(help_text="DRF's error body: field -> messages, or detail.")


# The errors any seed endpoint can answer (authentication, access, input, rate).
SEED_ERROR_CODES = ("400", "401", "403", "404", "405", "406", "415", "429")


class SeedSchema(AutoSchema):
    def get_tags(self):
        return ["seed"]

    def get_operation_id(self):
        return "seed_" + self.view.seed_name

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code in SEED_ERROR_CODES:
            bodies.setdefault(code, self._get_response_for_code(SeedErrorOutput, code))
        return bodies


class SeedApiView(APIView):
    """Errors in the seed's shape: ``{"success": false, "message": …, "errors": …}``."""

    schema = SeedSchema()
    seed_name = ""

    def get_exception_handler(self):
        return seed_exception_handler

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        response.data = {
            "success": False,
            "message": first_message(response.data),
            "errors": response.data,
        }
        return response


def seed_job(request, task_id: str) -> Job:
    try:
        pk = uuid.UUID(task_id)
    except ValueError:
        raise NotFound("Task not found") from None
    job = selectors.jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise NotFound("Task not found")
    return job


class GenerateApi(SeedApiView):
    seed_name = "generate"
    throttle_classes = [UserThrottle, SubmitRateThrottle]

    @extend_schema(
        summary="The seed's submit: text (and a speaker video) to a task id",
        request={"multipart/form-data": JobCreateInput},
        responses={200: dict},
    )
    def post(self, request):
        data = JobCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        job = services.job_create(owner=request.user, **data.validated_data)
        return Response(
            {
                "success": True,
                "task_id": str(job.pk),
                "message": "Task submitted successfully",
                "status_url": reverse("seed-status", args=[job.pk]),
            }
        )


def status_payload(job: Job, details) -> dict:
    slot = job.video_slot or job.tts_slot
    done = job.status == Job.Status.SUCCEEDED
    return {
        "task_id": str(job.pk),
        "status": SEED_STATUS[job.status],
        "job_status": job.status,
        "progress": job.progress,
        "gpu_id": gpu_number(slot.gpu) if slot else None,
        "stage": details.stage,
        "queue_position": details.queue_position,
        "eta_seconds": details.eta_seconds,
        "timing": {
            "tts_time": job.tts_seconds,
            "video_time": job.render_seconds,
            "total_time": job.total_seconds,
        },
        "error": job.error or None,
        "download_url": reverse("seed-download", args=[job.pk]) if done else None,
    }


class StatusApi(SeedApiView):
    seed_name = "status"

    @extend_schema(
        summary="The seed's task status, progress, GPU and timing", responses={200: dict}
    )
    def get(self, request, task_id):
        job = seed_job(request, task_id)
        return Response(status_payload(job, selectors.job_details(job)))


def gpu_entries(user) -> list[dict]:
    """The seed's ``gpus[]``: slots grouped by GPU label, one entry per GPU."""
    gpus: dict[str, dict] = {}
    for slot in selectors.slots_with_current_job():
        label = slot.gpu or "embedded"
        entry = gpus.setdefault(
            label,
            {
                "gpu_id": gpu_number(slot.gpu),
                "name": label,
                "busy": False,
                "current_task": None,
                "queue_size": 0,
                "port": None,
                "tts_port": None,
                "healthy": True,
                "enabled": False,
                "slots": [],
            },
        )
        job = slot.current_job
        entry["busy"] |= job is not None
        entry["queue_size"] += job is not None
        if job is not None and (user.is_staff or job.owner_id == user.pk):
            # A segment is shown as the task it belongs to.
            entry["current_task"] = str(job.parent_id or job.pk)
        entry["port" if slot.stage == "video" else "tts_port"] = port_of(slot.base_url)
        entry["healthy"] &= slot.healthy
        entry["enabled"] |= slot.enabled
        entry["slots"].append(
            {"name": slot.name, "stage": slot.stage, "backend": slot.backend, "state": slot.state}
        )
    return list(gpus.values())


class QueueApi(SeedApiView):
    seed_name = "queue"

    @extend_schema(
        summary="The seed's queue: waiting and running tasks per GPU", responses={200: dict}
    )
    def get(self, request):
        summary = selectors.queue_summary()
        return Response(
            {
                "queue_size": summary["waiting"],
                "processing": summary["running"],
                "gpus": gpu_entries(request.user),
                "by_status": summary["by_status"],
            }
        )


class DownloadApi(SeedApiView):
    seed_name = "download"

    @extend_schema(
        summary="The seed's download of a finished video", responses={(200, "video/mp4"): bytes}
    )
    def get(self, request, task_id):
        return job_file_response(request, seed_job(request, task_id), "result")


class InfoApi(SeedApiView):
    seed_name = "info"

    @extend_schema(summary="The service, its slots, limits and links", responses={200: dict})
    def get(self, request):
        summary = selectors.queue_summary()
        return Response(
            {
                "service": "HeyGem Studio",
                "version": settings.SPECTACULAR_SETTINGS["VERSION"],
                "gpus": len(gpu_entries(request.user)),
                "slots": summary["slots"],
                "queue_size": summary["waiting"],
                "notices": selectors.embedded_notices(),
                "limits": {
                    "max_upload_bytes": settings.HEYGEM["MAX_UPLOAD_BYTES"],
                    "max_text_chars": settings.HEYGEM["MAX_TEXT_CHARS"],
                    "priority": {"min": Job.PRIORITY_MIN, "max": Job.PRIORITY_MAX},
                },
                "api": {"v1": "/api/v1/", "docs": "/api/docs/", "schema": "/api/schema/"},
            }
        )
