"""Binding waiting jobs to free slots, and taking back slots whose worker vanished.

Each binding is one short transaction: lock a free slot and a waiting job with
``SELECT … FOR UPDATE SKIP LOCKED`` (so racing dispatchers pick different rows
instead of queueing behind each other), set the lease, bump the fence, commit,
and only then enqueue the stage task. Nothing slow happens under the locks.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import GpuSlot, Job
from .services import event_record, job_ended_record

logger = logging.getLogger(__name__)

SWEEP_SCHEDULE = "heygem-sweep"
STAGE_START_FIELD = {GpuSlot.Stage.TTS: "tts_started_at", GpuSlot.Stage.VIDEO: "render_started_at"}
SLOT_FIELD = {GpuSlot.Stage.TTS: "tts_slot", GpuSlot.Stage.VIDEO: "video_slot"}


def free_slots(stage: str):
    return GpuSlot.objects.filter(
        stage=stage,
        enabled=True,
        draining=False,
        healthy=True,
        engine_busy=False,
        lease_until__isnull=True,
    )


def waiting_jobs(stage: str, now):
    return Job.objects.filter(status=Job.WAITING_FOR[stage]).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def dispatch() -> int:
    """Bind as many waiting jobs as there are free slots; returns how many."""
    bound = 0
    # Video first: finishing a job that has its speech beats starting a new one.
    for stage in (GpuSlot.Stage.VIDEO, GpuSlot.Stage.TTS):
        while _bind_one(stage):
            bound += 1
    return bound


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
        if pairing:
            slots = slots.filter(gpu=job.tts_slot.gpu)
        # The least-used free slot first, so work spreads over the GPUs.
        slots = slots.order_by("fence", "pk").select_for_update(skip_locked=True)
        # A retry prefers any slot but the one it failed on; it still takes that
        # one rather than leave it idle.
        slot = slots.exclude(pk=job.avoid_slot_id).first() or slots.first()
        if slot is None:
            return False
        _bind(job, slot, now, resume=False)
    return True


def _bind(job: Job, slot: GpuSlot, now, *, resume: bool) -> None:
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
    verb = {GpuSlot.Stage.TTS: "Speech", GpuSlot.Stage.VIDEO: "Render"}[stage]
    event_record(
        job_id=job.pk,
        kind=f"{stage}_resumed" if resume else f"{stage}_started",
        message=f"{verb} {'resumed' if resume else 'started'} on {slot.name}.",
        slot_id=slot.pk,
        fence=slot.fence,
    )
    args = (stage, str(job.pk), slot.pk, slot.fence, resume)
    transaction.on_commit(lambda: _enqueue(*args))


def _enqueue(stage, job_id, slot_id, fence, resume) -> None:
    from django_q.tasks import async_task

    async_task(
        "jobs.tasks.run_stage",
        stage,
        job_id,
        slot_id,
        fence,
        resume,
        task_name=f"{stage}-{job_id}-{fence}",
        group=f"stage-{stage}",
    )


def sweep() -> dict:
    """Reclaim expired leases, re-admit quarantined slots, and dispatch.

    A render whose worker died is resumed on the same slot when its engine keeps
    working without us (HeyGem); any other stage is run again.
    """
    from .services import slot_probe

    reclaimed = 0
    now = timezone.now()
    for slot_id in GpuSlot.objects.filter(lease_until__lt=now).values_list("pk", flat=True):
        reclaimed += _reclaim(slot_id)
    probed = 0
    quiet = now - timedelta(seconds=settings.HEYGEM["SWEEP_SECONDS"])
    stale_probe = Q(last_probe_at__isnull=True) | Q(last_probe_at__lt=quiet)
    for slot in (
        GpuSlot.objects.filter(enabled=True, lease_until__isnull=True)
        .filter(Q(healthy=False) | Q(engine_busy=True))
        .filter(stale_probe)
    ):
        slot_probe(slot=slot)
        probed += 1
    bound = dispatch()
    _rearm_sweep()
    return {"reclaimed": reclaimed, "probed": probed, "bound": bound}


def _reclaim(slot_id: int) -> int:
    from .engines import ENGINES

    now = timezone.now()
    with transaction.atomic():
        slot = (
            GpuSlot.objects.select_for_update(skip_locked=True)
            .filter(pk=slot_id, lease_until__lt=now)
            .first()
        )
        if slot is None:  # renewed meanwhile, or another sweeper has it
            return 0
        job = (
            Job.objects.select_for_update()
            .filter(
                status=Job.RUNNING_IN[slot.stage],
                fence=slot.fence,
                **{SLOT_FIELD[slot.stage]: slot},
            )
            .first()
        )
        engine = ENGINES.get(slot.backend)
        if job is not None and job.engine_code and getattr(engine, "resumable", False):
            _bind(job, slot, now, resume=True)
            return 1
        slot.lease_until = None
        slot.save(update_fields=["lease_until"])
        if job is None:
            return 1
        attempt = job.attempt + 1
        message = f"The worker running this stage on {slot.name} stopped answering."
        if attempt >= job.max_attempts:
            job.status, job.finished_at = Job.Status.FAILED, now
            job.error = message
        else:
            job.status = Job.WAITING_FOR[slot.stage]
            job.engine_code = ""
        job.attempt = attempt
        job.save(update_fields=["status", "finished_at", "error", "attempt", "engine_code"])
        event_record(job_id=job.pk, kind="reclaimed", message=message, slot_id=slot.pk)
        if job.status == Job.Status.FAILED:
            job_ended_record(job_id=job.pk, kind="failed", message=message, slot_id=slot.pk)
    return 1


def _rearm_sweep() -> None:
    """A schedule's period is at least a minute; a shorter sweep re-arms itself.

    django-q2 looks at schedules every 30 s, which is the floor either way.
    """
    from django_q.models import Schedule

    seconds = settings.HEYGEM["SWEEP_SECONDS"]
    if seconds < 60:
        Schedule.objects.filter(name=SWEEP_SCHEDULE).update(
            next_run=timezone.now() + timedelta(seconds=seconds)
        )
