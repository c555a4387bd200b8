"""Binding waiting jobs to free slots.

Each binding is one short transaction: lock a waiting job and a free slot with
``SELECT … FOR UPDATE SKIP LOCKED`` (so racing dispatchers pick different rows
instead of queueing behind each other), set the lease, bump the fence, commit,
and only then enqueue the stage task. Nothing slow happens under the locks.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from ..models import GpuSlot, Job
from .events import Kind, event_record

STAGE_TASK = "jobs.tasks.run_stage"
STAGE_START_FIELD: dict[str, str] = {
    GpuSlot.Stage.TTS: "tts_started_at",
    GpuSlot.Stage.VIDEO: "render_started_at",
}
SLOT_FIELD: dict[str, str] = {GpuSlot.Stage.TTS: "tts_slot", GpuSlot.Stage.VIDEO: "video_slot"}
START_KIND: dict[str, str] = {
    GpuSlot.Stage.TTS: Kind.TTS_STARTED,
    GpuSlot.Stage.VIDEO: Kind.VIDEO_STARTED,
}
RESUME_KIND: dict[str, str] = {
    GpuSlot.Stage.TTS: Kind.TTS_RESUMED,
    GpuSlot.Stage.VIDEO: Kind.VIDEO_RESUMED,
}


def free_slots(stage: str) -> QuerySet[GpuSlot]:
    return GpuSlot.objects.filter(
        stage=stage,
        enabled=True,
        draining=False,
        healthy=True,
        engine_busy=False,
        lease_until__isnull=True,
    )


def waiting_jobs(stage: str, now: datetime) -> QuerySet[Job]:
    jobs = Job.objects.filter(status=Job.WAITING_FOR[stage]).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )
    if stage == GpuSlot.Stage.VIDEO:
        # A segment renders from where the earlier segments' speech ends: it waits
        # until all of them have theirs (jobs/services/segments.py).
        jobs = jobs.exclude(Exists(_earlier_segments_without_speech()))
    return jobs


def _earlier_segments_without_speech() -> QuerySet[Job]:
    return Job.objects.filter(
        parent_id=OuterRef("parent_id"),
        segment_index__lt=OuterRef("segment_index"),
        audio_seconds__isnull=True,
    )


def dispatch() -> int:
    """Bind as many waiting jobs as there are free slots; returns how many."""
    bound = 0
    # Video first: finishing a job that has its speech beats starting a new one.
    for stage in (GpuSlot.Stage.VIDEO, GpuSlot.Stage.TTS):
        while _bind_one(stage):
            bound += 1
    return bound


def dispatch_on_commit() -> None:
    """Dispatch once the caller's transaction commits (at once outside one)."""
    transaction.on_commit(dispatch)


def _bind_one(stage: str) -> bool:
    now = timezone.now()
    slots = free_slots(stage)
    jobs = waiting_jobs(stage, now)
    pairing = stage == GpuSlot.Stage.VIDEO and settings.HEYGEM["PAIR_SAME_GPU"]
    if pairing:
        jobs = jobs.filter(tts_slot__gpu__in=slots.values("gpu"))
    with transaction.atomic():
        job = (
            jobs.order_by("-priority", "created_at")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("tts_slot")
            .first()
        )
        if job is None:
            return False
        if pairing and job.tts_slot is not None:
            slots = slots.filter(gpu=job.tts_slot.gpu)
        # The least-used free slot first, so work spreads over the GPUs.
        slots = slots.order_by("fence", "pk").select_for_update(skip_locked=True)
        # A retry prefers any slot but the one it failed on; it still takes that
        # one rather than leave it idle.
        preferred = slots.exclude(pk=job.avoid_slot_id) if job.avoid_slot_id else slots
        slot = preferred.first() or slots.first()
        if slot is None:
            return False
        bind(job=job, slot=slot, now=now, resume=False)
    return True


def bind(*, job: Job, slot: GpuSlot, now: datetime, resume: bool) -> None:
    """Lease ``slot`` to ``job`` under a new fence; the stage starts after the commit.

    The caller holds both rows locked. ``resume`` hands an unfinished render to a
    new worker (the engine may still be at it): same engine code, same start time.
    """
    lease = timedelta(seconds=settings.HEYGEM["LEASE_SECONDS"])
    slot.fence += 1
    slot.lease_until = now + lease
    slot.save(update_fields=["fence", "lease_until"])

    stage = slot.stage
    job.status = Job.RUNNING_IN[stage]
    job.fence = slot.fence
    setattr(job, SLOT_FIELD[stage], slot)
    fields = ["status", "fence", SLOT_FIELD[stage]]
    if not resume:
        setattr(job, STAGE_START_FIELD[stage], now)
        fields.append(STAGE_START_FIELD[stage])
        if stage == GpuSlot.Stage.VIDEO:
            # A fresh engine task id every attempt: HeyGem may hand back an old
            # cached result for a reused code.
            job.engine_code = uuid.uuid4().hex
            fields.append("engine_code")
    job.save(update_fields=fields)
    verb = "Speech" if stage == GpuSlot.Stage.TTS else "Render"
    event_record(
        job_id=job.pk,
        kind=RESUME_KIND[stage] if resume else START_KIND[stage],
        message=f"{verb} {'resumed' if resume else 'started'} on {slot.name}.",
        slot_id=slot.pk,
        fence=slot.fence,
    )
    args = (stage, str(job.pk), slot.pk, slot.fence, resume)
    transaction.on_commit(lambda: _enqueue(*args))


def _enqueue(stage: str, job_id: str, slot_id: int, fence: int, resume: bool) -> None:
    async_task(
        STAGE_TASK,
        stage,
        job_id,
        slot_id,
        fence,
        resume,
        task_name=f"{stage}-{job_id}-{fence}",
        group=f"stage-{stage}",
    )
