"""Webhooks: tell a job's ``callback_url`` that the job ended.

Sent by a django-q2 task that the services queue (by name) after the final
transition commits, never inside a transaction. Failed deliveries are retried
from a one-off schedule (django-q2 has no delayed tasks), so a slow receiver
never holds a stage worker.
"""

import ipaddress
import logging
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import schedule

from .models import Job
from .services.events import CALLBACK_TASK, Kind, event_record

logger = logging.getLogger(__name__)
RETRY_AFTER = (30, 120, 600)  # seconds before the 2nd, 3rd and 4th attempt


def _schedule_retry(job_id: str, attempt: int) -> None:
    schedule(CALLBACK_TASK, job_id, attempt, schedule_type=Schedule.ONCE,
             next_run=timezone.now() + timedelta(seconds=RETRY_AFTER[attempt - 1]))  # fmt: skip


def callback_payload(job: Job) -> dict[str, object]:
    base = settings.SITE_URL.rstrip("/")
    return {
        "id": str(job.pk),
        "status": job.status,
        "error": job.error,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "url": base + reverse("api-job-detail", args=[job.pk]),
        "result_url": (
            base + reverse("api-job-result", args=[job.pk]) if job.result_video else None
        ),
    }


def callback_send(job_id: str, attempt: int = 0) -> str:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.callback_url:
        return "nothing to send"
    try:
        _check_destination(job.callback_url)
        response = requests.post(job.callback_url, json=callback_payload(job), timeout=(5, 15),
                                 allow_redirects=False)  # fmt: skip
        response.raise_for_status()
    except (requests.RequestException, ValueError) as exc:
        final = attempt >= len(RETRY_AFTER) or isinstance(exc, ValueError)
        event_record(job_id=job.pk, kind=Kind.CALLBACK_FAILED,
                     message=f"Callback to {job.callback_url} failed: {exc}"
                     + ("" if final else " Will retry."))  # fmt: skip
        if not final:
            _schedule_retry(job_id, attempt + 1)
        return "failed"
    event_record(job_id=job.pk, kind=Kind.CALLBACK_SENT,
                 message=f"Callback delivered ({response.status_code}).")  # fmt: skip
    return "sent"


def _check_destination(url: str) -> None:
    """Refuse private and loopback targets unless the operator allows them (SSRF)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the callback URL must be http(s)")
    if settings.HEYGEM["CALLBACK_ALLOW_PRIVATE"]:
        return
    for info in socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValueError(f"the callback URL resolves to a non-public address ({address})")
