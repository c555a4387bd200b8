"""Binding waiting jobs to free slots.

Each binding is one short transaction: lock a waiting job and a free slot with
``SELECT … FOR UPDATE SKIP LOCKED`` (so racing dispatchers pick different rows
instead of queueing behind each other), set the lease, bump the fence, commit,
and only then enqueue the stage task. Nothing slow happens under the locks.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django_q.tasks import async_task

from ..models import GpuSlot, Host, Job
from ..selectors import (
    in_queue_order,
    owners_at_running_cap,
    paused_owner_ids,
    paused_slot_ids,
    queue_paused,
)
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


# Expected engine seconds per unit of work (an audio second for video, a character
# of spoken text for TTS) on a slot that has not measured its own yet. HeyGem's is the
# setting its render clock uses too (HEYGEM_RENDER_DEFAULT_SPEED): one guess, not two.
DEFAULT_COST = {"espeak": 0.004, "fish_speech": 0.08, "dub": 0.4}
COST_FIELD: dict[str, str] = {
    GpuSlot.Stage.VIDEO: "seconds_per_audio_second",
    GpuSlot.Stage.TTS: "seconds_per_char",
}
# How many waiting jobs per slot the placement looks ahead at.
LOOKAHEAD_PER_SLOT = 2
# Speed estimates are noisy: slots whose finish times are within this factor are equals.
# At the tail a job waits for a busy slot only if it would end there this much sooner (a
# free slot left idle for nothing is lost time), and among free equals the one that has
# taken the fewest stages goes first, so one bad sample does not starve a slot for good.
TAIL_MARGIN = 1.25
# Statuses of jobs that still need a stage (waiting for it or in an earlier one).
WORK_AHEAD: dict[str, tuple[str, ...]] = {
    GpuSlot.Stage.TTS: (Job.Status.QUEUED,),
    GpuSlot.Stage.VIDEO: (Job.Status.QUEUED, Job.Status.SYNTHESIZING, Job.Status.AUDIO_READY),
}


def stage_queue(host: str) -> str:
    """The django-q2 queue whose workers (on that host) run stages of its slots."""
    return f"{settings.Q_CLUSTER['name']}-stages-{host}"


def usable_slots(stage: str) -> QuerySet[GpuSlot]:
    """Slots that may take work now or when their current stage ends (a paused slot
    finishes its stage and takes no other)."""
    return (
        GpuSlot.objects.filter(
            stage=stage, enabled=True, draining=False, healthy=True, engine_busy=False
        )
        .exclude(host__in=Host.objects.not_working().values("name"))
        .exclude(pk__in=paused_slot_ids())
    )


def free_slots(stage: str) -> QuerySet[GpuSlot]:
    return usable_slots(stage).filter(lease_until__isnull=True)


def waiting_jobs(stage: str, now: datetime) -> QuerySet[Job]:
    """Jobs a free slot of ``stage`` may take now. A paused queue or owner only drops out
    here: the order (``in_queue_order``) and so every job's place stay as they were."""
    jobs = (
        Job.objects.filter(status=Job.WAITING_FOR[stage])
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(owner__in=owners_at_running_cap())  # HEYGEM_CAP_RUNNING, per owner
        .exclude(owner__in=paused_owner_ids())
        .exclude(Exists(queue_paused()))
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
    """Bind as many waiting jobs as placement gives free slots; returns how many."""
    # Video first: finishing a job that has its speech beats starting a new one.
    return sum(_bind_placed(stage) for stage in (GpuSlot.Stage.VIDEO, GpuSlot.Stage.TTS))


def dispatch_on_commit() -> None:
    """Dispatch once the caller's transaction commits (at once outside one)."""
    transaction.on_commit(dispatch)


@dataclass
class _Slot:
    pk: int
    gpu: str
    fence: int
    free: bool
    unit_cost: float  # expected engine seconds per unit of work
    available: float  # seconds from now until it can start another stage


@dataclass(frozen=True)
class _Waiting:
    pk: Any
    units: float
    avoid: int | None
    gpu: str | None  # the GPU that made its speech (same-GPU pairing)


def placement(stage: str, now: datetime) -> list[tuple[Any, int]]:
    """(job, free slot) pairs to bind now: no free slot idles while work waits, and at
    the tail of the queue each job goes where it would finish first.

    A list schedule over the waiting jobs in queue order (priority, then age), using
    each slot's measured speed. While the stage has more work ahead (waiting here or
    still in an earlier stage) than slots, every free slot takes a job: the job goes to
    the free slot where it ends first (free slots within ``TAIL_MARGIN`` of that are
    equals, and the one that has taken fewest stages goes first). At the tail a job may
    instead wait for a busy slot that would end it clearly sooner (by ``TAIL_MARGIN``): a
    long lecture waits a moment for a fast GPU rather than start on a slow one. A retry
    avoids the slot it failed on when another free one can take it.
    """
    slots = _slot_states(stage, now)
    if not any(slot.free for slot in slots):
        return []
    pairing = stage == GpuSlot.Stage.VIDEO and settings.HEYGEM["PAIR_SAME_GPU"]
    ahead = Job.objects.filter(status__in=WORK_AHEAD[stage]).exclude(owner__in=paused_owner_ids())
    tail = ahead.count() <= len(slots)
    plan: list[tuple[Any, int]] = []
    for job in _waiting(stage, now, limit=LOOKAHEAD_PER_SLOT * len(slots) + 1):
        candidates = [s for s in slots if not pairing or s.gpu == job.gpu]
        if job.avoid and any(s.free and s.pk != job.avoid for s in candidates):
            candidates = [s for s in candidates if s.pk != job.avoid]
        free = [s for s in candidates if s.free]
        if not candidates:
            continue

        def finish(slot: _Slot, units: float = job.units) -> tuple[float, int, int]:
            return (slot.available + slot.unit_cost * units, slot.fence, slot.pk)

        best = min(free or candidates, key=finish)
        sooner = min(candidates, key=finish)
        if tail and free and TAIL_MARGIN * finish(sooner)[0] < finish(best)[0]:
            best = sooner
        elif free:
            soonest = finish(best)[0]
            equals = [s for s in free if finish(s)[0] <= TAIL_MARGIN * soonest]
            best = min(equals, key=lambda s: (s.fence, finish(s)))
        if best.free:
            plan.append((job.pk, best.pk))
            best.free = False
        best.available += best.unit_cost * job.units
    return plan


def unit_cost_estimate(slot: GpuSlot) -> float:
    """A slot's cost per unit before it measured its own (see ``_cost``)."""
    field = COST_FIELD[slot.stage]
    peers = GpuSlot.objects.filter(stage=slot.stage, backend=slot.backend, **{
        f"{field}__isnull": False}).exclude(pk=slot.pk).values_list(field, flat=True)  # fmt: skip
    return _cost(None, list(peers), slot.backend)


def _cost(measured: float | None, peers: list[float], backend: str) -> float:
    """Its own measurement; else its measured peers' mean (a new GPU is taken to be like
    the others of its backend); else the backend's default."""
    if measured is not None:
        return measured
    if peers:
        return sum(peers) / len(peers)
    if backend == "heygem":
        return float(settings.HEYGEM["RENDER_DEFAULT_SPEED"])
    return DEFAULT_COST[backend]


def _slot_states(stage: str, now: datetime) -> list[_Slot]:
    rows = list(
        usable_slots(stage).values_list(
            "pk", "gpu", "fence", "backend", "lease_until", COST_FIELD[stage],
            "consecutive_failures", "speed_samples",
        )
    )  # fmt: skip
    running = _running_remaining(stage, {row[0] for row in rows if row[4] is not None}, now)
    measured_by_backend: dict[str, list[float]] = {}
    well_measured: dict[str, list[float]] = {}
    for row in rows:
        if row[5] is not None:
            measured_by_backend.setdefault(row[3], []).append(row[5])
            if row[7] >= 1:
                well_measured.setdefault(row[3], []).append(row[5])
    states = []
    for pk, gpu, fence, backend, lease, measured, failures, samples in rows:
        if samples < 1 and well_measured.get(backend):
            # Measured on small stages only: mostly its starting guess. Taken to be like its
            # peers until a full-sized stage measures it: a guess that made it look slow
            # would otherwise keep it from ever being measured again.
            measured = None
        peers = well_measured.get(backend) or measured_by_backend.get(backend, [])
        cost = _cost(measured, peers, backend)
        # A flaky slot gets less work, never none: its failures make it look slower.
        cost *= 1 + 0.5 * failures
        remaining = running.get(pk, (0.0, 0.0))
        available = 0.0 if lease is None else max(remaining[0] * cost - remaining[1], 0.0)
        states.append(_Slot(pk, gpu, fence, lease is None, cost, available))
    return states


def _running_remaining(stage: str, busy: set[int], now: datetime) -> dict[int, tuple[float, float]]:
    """For each busy slot: (units of its running stage, seconds it has run)."""
    if not busy:
        return {}
    started = STAGE_START_FIELD[stage]
    rows = (
        Job.objects.filter(status=Job.RUNNING_IN[stage], **{f"{SLOT_FIELD[stage]}__in": busy})
        .annotate(chars=Length("spoken_text"))
        .values_list(SLOT_FIELD[stage], "audio_seconds", "chars", started)
    )
    result = {}
    for slot_id, audio, chars, since in rows:
        units = _units(stage, audio, chars)
        result[slot_id] = (units, (now - since).total_seconds() if since else 0.0)
    return result


def _units(stage: str, audio_seconds: float | None, chars: int) -> float:
    """A job's work for a stage: seconds of speech to render, or characters to speak."""
    return (audio_seconds or 0.0) if stage == GpuSlot.Stage.VIDEO else float(chars)


def _waiting(stage: str, now: datetime, *, limit: int) -> list[_Waiting]:
    rows = (
        in_queue_order(waiting_jobs(stage, now), now)
        .annotate(chars=Length("spoken_text"))
        .values_list("pk", "audio_seconds", "chars", "avoid_slot_id", "tts_slot__gpu")[:limit]
    )
    return [
        _Waiting(pk, _units(stage, audio, chars), avoid, gpu)
        for pk, audio, chars, avoid, gpu in rows
    ]


# One PostgreSQL advisory lock orders pauses against bindings: every binding holds it
# shared (bindings never wait for one another), a pause takes it exclusively
# (jobs.services.pauses). A binding that checked the pauses before a pause committed has
# committed before that pause does, and one that checks after sees it: once `queue
# pause` returns, whatever is not running by then does not start.
PAUSE_LOCK_KEY = 0x48475041  # "HGPA"


def lock_against_pauses(*, exclusive: bool) -> None:
    """Take the pause lock until the transaction ends (see ``PAUSE_LOCK_KEY``)."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [PAUSE_LOCK_KEY])


def _bind_placed(stage: str) -> int:
    """Bind every pair of one placement (it fills all free slots at once); place again
    only when a racing dispatcher took a row of a pair while this one bound others."""
    bound = 0
    while True:
        now = timezone.now()
        plan = placement(stage, now)
        taken = sum(_bind_pair(stage, job_id, slot_id, now) for job_id, slot_id in plan)
        bound += taken
        if taken in (0, len(plan)):
            return bound


def _bind_pair(stage: str, job_id: Any, slot_id: int, now: datetime) -> bool:
    """Bind the pair if both rows are still waiting and free, and not locked by another."""
    with transaction.atomic():
        lock_against_pauses(exclusive=False)
        job = (
            waiting_jobs(stage, now)
            .filter(pk=job_id)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        slot = (
            free_slots(stage).filter(pk=slot_id).select_for_update(skip_locked=True).first()
            if job is not None
            else None
        )
        if job is None or slot is None:
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
    queue = stage_queue(slot.host)
    transaction.on_commit(lambda: _enqueue(*args, queue=queue))


def _enqueue(
    stage: str, job_id: str, slot_id: int, fence: int, resume: bool, *, queue: str
) -> None:
    async_task(
        STAGE_TASK,
        stage,
        job_id,
        slot_id,
        fence,
        resume,
        task_name=f"{stage}-{job_id}-{fence}",
        group=f"stage-{stage}",
        cluster=queue,
    )
