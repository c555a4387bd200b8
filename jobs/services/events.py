"""A job's timeline: every event is written here; the ones integrators hear of queue a webhook."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django_q.tasks import async_task

from ..models import Job, JobEvent

Kind = JobEvent.Kind
# Job events that go out as webhooks (webhooks.models.EventType), and the task
# that fans one out to its targets. Queued by name: the sender is a worker above
# this layer.
WEBHOOK_EVENTS = {
    Kind.CREATED: "job.queued",
    Kind.RETRIED: "job.queued",
    Kind.TTS_FINISHED: "job.speech_ready",
    Kind.SPEECH_REVIEW: "job.speech_review",
    Kind.RESPOKEN: "job.queued",
    Kind.SUCCEEDED: "job.succeeded",
    Kind.FAILED: "job.failed",
    Kind.CANCELED: "job.canceled",
}
WEBHOOK_TASK = "webhooks.tasks.job_event"


def event_record(
    *, job_id: Any, kind: str, message: str = "", slot_id: int | None = None, **data: Any
) -> None:
    JobEvent.objects.create(
        job_id=job_id, kind=Kind(kind), message=message, slot_id=slot_id, data=data
    )
    event_type = WEBHOOK_EVENTS.get(Kind(kind))
    if event_type is not None and _has_webhook_target(job_id):
        transaction.on_commit(
            lambda: async_task(WEBHOOK_TASK, str(job_id), event_type, group="webhooks")
        )


def _has_webhook_target(job_id: Any) -> bool:
    """A callback URL on the job, or an enabled endpoint of its owner. A segment has
    none: integrators hear of the job it belongs to, as one job."""
    endpoints = Q(
        owner__webhook_endpoints__enabled=True,
        owner__webhook_endpoints__for_job_callbacks=False,
    )
    return Job.objects.filter(
        Q(pk=job_id, parent__isnull=True) & (~Q(callback_url="") | endpoints)
    ).exists()


def job_ended_record(
    *, job_id: Any, kind: str, message: str, slot_id: int | None = None, **data: Any
) -> None:
    """The last event of a job (succeeded, failed, canceled); its webhook follows the commit."""
    if kind not in JobEvent.ENDINGS:
        raise ValueError(f"{kind!r} does not end a job")
    event_record(job_id=job_id, kind=kind, message=message, slot_id=slot_id, **data)
