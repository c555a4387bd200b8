"""A job's timeline: every event is written here, and the end of a job queues its webhook."""

from typing import Any

from django.db import transaction
from django_q.tasks import async_task

from ..models import Job, JobEvent

Kind = JobEvent.Kind
# Queued by name: the sender is a worker above this layer.
CALLBACK_TASK = "jobs.callbacks.callback_send"


def event_record(
    *, job_id: Any, kind: str, message: str = "", slot_id: int | None = None, **data: Any
) -> None:
    JobEvent.objects.create(
        job_id=job_id, kind=Kind(kind), message=message, slot_id=slot_id, data=data
    )


def job_ended_record(
    *, job_id: Any, kind: str, message: str, slot_id: int | None = None, **data: Any
) -> None:
    """The last event of a job (succeeded, failed, canceled); its webhook follows the commit."""
    if kind not in JobEvent.ENDINGS:
        raise ValueError(f"{kind!r} does not end a job")
    event_record(job_id=job_id, kind=kind, message=message, slot_id=slot_id, **data)
    if Job.objects.filter(pk=job_id).exclude(callback_url="").exists():
        transaction.on_commit(lambda: async_task(CALLBACK_TASK, str(job_id), 0, group="callbacks"))
