"""Retention: finished jobs' media is kept for a while, then purged; pinned jobs keep theirs.

A job's media (its folder: speaker video, voice reference, speech, result,
thumbnails) goes ``HEYGEM_RETENTION_DAYS`` after it ended, or after its owner's
own ``retention_days`` (0: kept for good). The row and its timeline stay, marked
``media_purged_at``; such a job cannot be retried (jobs.services.jobs.job_retry).

A purge never touches a live job: each job is locked and re-checked (ended,
not pinned, due) in the transaction that marks it purged, so a retry or a pin
racing the purge either happens first (and the job is skipped) or finds the job
purged. Files go only after that commit, through the storage API.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_q.models import Schedule

from .. import storage
from ..models import Job
from .events import Kind, event_record

PURGE_SCHEDULE = "heygem-purge"
PURGE_TASK = "jobs.tasks.purge"
ENDED = (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELED)


def purge_due(now: datetime) -> QuerySet[Job]:
    """Ended, unpinned jobs with media whose owner's retention has run out at ``now``."""
    days = Coalesce(
        "owner__limits__retention_days",
        Value(float(settings.HEYGEM["RETENTION_DAYS"])),
        output_field=FloatField(),
    )
    keep_until = ExpressionWrapper(
        F("finished_at") + Value(timedelta(days=1)) * F("retention_days"),
        output_field=DateTimeField(),
    )
    return (
        Job.objects.filter(
            status__in=ENDED, pinned=False, media_purged_at__isnull=True, finished_at__isnull=False
        )  # fmt: skip
        .annotate(retention_days=days)
        .filter(retention_days__gt=0)
        .annotate(keep_until=keep_until)
        .filter(keep_until__lt=now)
    )


def media_purge(*, dry_run: bool = False, now: datetime | None = None) -> list[tuple[Any, int]]:
    """Purge every job that is due; returns (job id, bytes) of each purged (or due, dry run)."""
    now = now or timezone.now()
    done = []
    for job_id in list(purge_due(now).order_by("finished_at").values_list("pk", flat=True)):
        size = storage.folder_size(storage.job_folder(job_id))
        if dry_run or job_media_purge(job_id=job_id, now=now, size=size):
            done.append((job_id, size))
    return done


def job_media_purge(*, job_id: Any, now: datetime, size: int) -> bool:
    """Purge one job if it is still due; False when it was pinned, retried or purged meanwhile."""
    with transaction.atomic():
        job = (
            purge_due(now)
            .filter(pk=job_id)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if job is None:
            return False
        Job.objects.filter(pk=job_id).update(
            media_purged_at=now, speaker_video="", speech_audio="", result_video=""
        )
        days = job.retention_days  # type: ignore[attr-defined]
        event_record(
            job_id=job_id, kind=Kind.PURGED, bytes=size,
            message=f"Media purged {days:g} days after the job ended: {size / 1e6:.1f} MB freed.",
        )  # fmt: skip
    storage.delete_folder(storage.job_folder(job_id))
    return True


def job_pin(*, job: Job, pinned: bool) -> bool:
    """Keep (or stop keeping) a job's media for good; False when nothing changed or it is gone."""
    with transaction.atomic():
        done = (
            Job.objects.filter(pk=job.pk, media_purged_at__isnull=True)
            .exclude(pinned=pinned)
            .update(pinned=pinned)
        )
        if done:
            kind, verb = (Kind.PINNED, "kept for good") if pinned else (Kind.UNPINNED, "purged")
            event_record(job_id=job.pk, kind=kind, message=f"Media will be {verb}"
                         + ("." if pinned else " once the retention time has passed."))  # fmt: skip
    job.refresh_from_db()
    return bool(done)


def purge_schedule_ensure() -> None:
    """The periodic purge, made (or its period updated) after every migrate."""
    minutes = settings.HEYGEM["PURGE_EVERY_MINUTES"]
    schedule, created = Schedule.objects.get_or_create(
        name=PURGE_SCHEDULE,
        defaults={
            "func": PURGE_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
        },  # fmt: skip
    )
    if not created and schedule.minutes != minutes:
        Schedule.objects.filter(pk=schedule.pk).update(minutes=minutes)
