"""Non-trivial reads of jobs and slots: visibility, filters, queue position, ETAs."""

import datetime
import hashlib
import math
import pathlib
import shutil
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Length
from django.utils import timezone

from . import eta, storage, subtitles
from .models import Batch, BatchItem, GpuSlot, Host, Job, JobEvent, OwnerLimits, Pause

# Engine seconds per second of speech for slots not measured yet (measured
# speeds replace these after the first job on a slot).
DEFAULT_SPEED = {"espeak": 0.05, "dub": 0.4, "fish_speech": 1.0, "heygem": 2.5}
# Fixed cost of starting a stage (process start, file copies).
STAGE_OVERHEAD_SECONDS = 1.0


def jobs_visible_to(user) -> QuerySet[Job]:
    """The jobs ``user`` may see. A segment is part of its job, never a job of its own:
    it is shown only nested under its parent (``job_segments``)."""
    jobs = Job.objects.filter(parent__isnull=True).select_related("owner", "tts_slot", "video_slot")
    return jobs if user.is_staff else jobs.filter(owner=user)


def job_segments(job: Job) -> list[Job]:
    return list(job.segments.select_related("tts_slot", "video_slot").order_by("segment_index"))


def video_slots_enabled() -> int:
    """How many renders can run at once: the enabled, healthy video slots."""
    return GpuSlot.objects.filter(stage=GpuSlot.Stage.VIDEO, enabled=True, healthy=True).count()


def segment_events(job: Job) -> dict:
    """Every event of the job's segments, by segment id, in order (one query)."""
    events: dict = {}
    for event in JobEvent.objects.filter(job__parent=job).select_related("slot"):
        events.setdefault(event.job_id, []).append(event)
    return events


def job_subtitles(job: Job, fmt: str) -> str | None:
    """The job's subtitles as SRT or WebVTT; None until its speech is timed."""
    if not job.speech_timing:
        return None
    cues = subtitles.cues(job.speech_timing)
    return subtitles.to_srt(cues) if fmt == "srt" else subtitles.to_vtt(cues)


def jobs_filtered(
    *,
    user,
    statuses: list[str] | None = None,
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
    search: str = "",
) -> QuerySet[Job]:
    """History: the jobs ``user`` may see, newest first (served by job_owner_recent_idx)."""
    jobs = jobs_visible_to(user)
    if statuses:
        jobs = jobs.filter(status__in=statuses)
    if created_from:
        jobs = jobs.filter(created_at__date__gte=created_from)
    if created_to:
        jobs = jobs.filter(created_at__date__lte=created_to)
    if search:
        jobs = jobs.filter(Q(text__icontains=search) | Q(spoken_text__icontains=search))
    return jobs.order_by("-created_at")


# Raw SQL on purpose: this runs on every poll of a job, and building the same
# query through the ORM costs more than running it.
VERSION_SQL = f"""
    SELECT j.status, j.progress, j.progress_detail, j.fence, j.attempt, j.priority,
           (SELECT max(e.id) FROM {JobEvent._meta.db_table} e WHERE e.job_id = j.id)
    FROM {Job._meta.db_table} j
    WHERE j.id = %s AND (%s OR j.owner_id = %s)
"""


def job_version(*, user, pk) -> tuple | None:
    """A cheap fingerprint of a visible job's state; None when ``user`` may not see it.

    Changes whenever anything the detail view shows changes, except the figures
    derived from the clock and other jobs (ETA, queue position).
    """
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [pk, user.is_staff, user.pk])
        return cursor.fetchone()


def job_stage(job: Job) -> str | None:
    """The stage a live job is in or waiting for: 'tts', 'video', or None when it ended."""
    if job.status in (Job.Status.QUEUED, Job.Status.SYNTHESIZING):
        return GpuSlot.Stage.TTS
    if job.status in (Job.Status.AUDIO_READY, Job.Status.RENDERING):
        return GpuSlot.Stage.VIDEO
    return None


def in_queue_order(jobs: QuerySet[Job], now: datetime.datetime | None = None) -> QuerySet[Job]:
    """The dispatcher's order, the one rule for it: priority first; within a priority,
    owners who used the GPUs least lately (fair share by GPU-seconds, so a 40-minute
    lecture counts for what it costs and a batch of 100 does not hold back someone's
    single job); then age."""
    if not settings.HEYGEM["FAIR_SHARE"]:
        return jobs.order_by("-priority", "created_at")
    return jobs.annotate(owner_gpu_seconds=_recent_gpu_seconds(now or timezone.now())).order_by(
        "-priority", "owner_gpu_seconds", "created_at"
    )


def _recent_gpu_seconds(now: datetime.datetime) -> Coalesce:
    """Seconds of TTS and render stages the job's owner held slots for in the window."""
    since = now - datetime.timedelta(hours=settings.HEYGEM["FAIR_SHARE_HOURS"])
    held = Value(datetime.timedelta(0))
    for start, end in (("tts_started_at", "tts_finished_at"),
                       ("render_started_at", "render_finished_at")):  # fmt: skip
        span = Coalesce(F(end), Value(now)) - Greatest(F(start), Value(since))
        held = held + Coalesce(
            Case(When(**{f"{start}__isnull": False}, then=span)),
            Value(datetime.timedelta(0)),
        )
    used = (
        Job.objects.filter(owner=OuterRef("owner"))
        .filter(
            Q(render_finished_at__gte=since)
            | Q(tts_finished_at__gte=since)
            | Q(status__in=Job.RUNNING_IN.values())
        )  # fmt: skip
        .values("owner")
        .annotate(total=Sum(ExpressionWrapper(held, output_field=DurationField())))
        .values("total")
    )
    return Coalesce(Subquery(used, output_field=DurationField()), Value(datetime.timedelta(0)))


def job_queue_position(job: Job) -> int | None:
    """1 for the next job a free slot takes, 0 while running, None once ended.

    The job's place among those waiting for the same stage, in the dispatcher's order.
    """
    if job.status in Job.RUNNING_IN.values():
        return 0
    if job.status not in Job.WAITING_FOR.values():
        return None
    waiting = Job.objects.filter(status=job.status).exclude(pk=job.pk)
    first = Q(priority__gt=job.priority)
    same = Q(priority=job.priority)
    if settings.HEYGEM["FAIR_SHARE"]:
        now = timezone.now()
        used = (
            Job.objects.filter(pk=job.pk)
            .annotate(used=_recent_gpu_seconds(now))
            .values_list("used", flat=True)
            .first()
        ) or datetime.timedelta(0)
        waiting = waiting.annotate(used=_recent_gpu_seconds(now))
        first |= same & Q(used__lt=used)
        same &= Q(used=used)
    ahead = waiting.filter(first | (same & Q(created_at__lt=job.created_at)))
    return ahead.count() + 1


@dataclass(frozen=True)
class StageSpeed:
    seconds_per_audio_second: float
    slots: int
    # Seconds a stage costs whatever its length (start-up, file copies).
    fixed: float = STAGE_OVERHEAD_SECONDS


# Recent finished jobs the ETA model is fitted to.
ETA_HISTORY = 40


def stage_speeds() -> dict[str, StageSpeed]:
    """Per stage: the usable slots, and a time model fitted to recent jobs.

    With five or more recent jobs, ``fixed + per audio second`` is fitted to how
    long their stages really took (queue hand-overs included); before that, the
    slots' measured speeds (or the backends' defaults) and a fixed overhead.
    """
    rows = GpuSlot.objects.filter(enabled=True, healthy=True).values_list(
        "stage", "backend", "seconds_per_audio_second"
    )
    speeds: dict[str, list[float]] = {GpuSlot.Stage.TTS: [], GpuSlot.Stage.VIDEO: []}
    for stage, backend, measured in rows:
        speeds[stage].append(measured if measured is not None else DEFAULT_SPEED[backend])
    history = _recent_stage_samples()
    result = {}
    for stage, values in speeds.items():
        fitted = eta.fit(history[stage])
        if fitted is not None and values:
            result[stage] = StageSpeed(fitted[0], len(values), fitted[1])
        else:
            result[stage] = StageSpeed(sum(values) / len(values) if values else 0.0, len(values))
    return result


def _recent_stage_samples() -> dict[str, list[tuple[float, float]]]:
    recent = (
        Job.objects.filter(status=Job.Status.SUCCEEDED, audio_seconds__gt=0)
        .order_by("-finished_at")
        .values_list("audio_seconds", "tts_started_at", "tts_finished_at",
                     "render_started_at", "render_finished_at")[:ETA_HISTORY]
    )  # fmt: skip
    samples: dict[str, list[tuple[float, float]]] = {GpuSlot.Stage.TTS: [], GpuSlot.Stage.VIDEO: []}
    for audio, tts_start, tts_end, render_start, render_end in recent:
        if tts_start and tts_end:
            samples[GpuSlot.Stage.TTS].append((audio, (tts_end - tts_start).total_seconds()))
        if render_start and render_end:
            samples[GpuSlot.Stage.VIDEO].append(
                (audio, (render_end - render_start).total_seconds())
            )
    return samples


def speaking_rate() -> float:
    """Characters of spoken text per second of speech, measured on recent jobs."""
    rows = list(
        Job.objects.filter(status=Job.Status.SUCCEEDED, audio_seconds__gt=0)
        .order_by("-finished_at")
        .values_list("spoken_text", "audio_seconds")[:ETA_HISTORY]
    )
    chars, seconds = sum(len(text) for text, _ in rows), sum(a for _, a in rows)
    if len(rows) >= 5 and seconds > 0:
        return chars / seconds
    # Until then the documented figure (HEYGEM_SPEECH_CHARS_PER_SECOND).
    return settings.HEYGEM["SPEECH_CHARS_PER_SECOND"]


def live_jobs_in_order(rate: float) -> list[eta.LiveJob]:
    """Every live job as the ETA model sees it, in the dispatcher's order."""
    rows = in_queue_order(Job.objects.filter(status__in=Job.LIVE_STATUSES))
    return [
        eta.LiveJob(key=job_id, status=status,
                    audio_seconds=audio or len(spoken) / rate,
                    tts_started_at=tts_started, render_started_at=render_started,
                    not_before=not_before)
        for job_id, status, audio, spoken, tts_started, render_started, not_before
        in rows.values_list("pk", "status", "audio_seconds", "spoken_text", "tts_started_at",
                            "render_started_at", "not_before")
    ]  # fmt: skip


def eta_table(speeds: dict[str, StageSpeed], now=None) -> dict:
    """Seconds until each live job is done (jobs.eta), keyed by job id."""
    now = now or timezone.now()

    def model(stage: str) -> eta.StageModel:
        speed = speeds[stage]
        return eta.StageModel(speed.seconds_per_audio_second, speed.fixed, speed.slots)

    return eta.finish_in(live_jobs_in_order(speaking_rate()), tts=model(GpuSlot.Stage.TTS),
                         video=model(GpuSlot.Stage.VIDEO), now=now)  # fmt: skip


def job_eta_seconds(
    job: Job, *, position: int | None, speeds: dict[str, StageSpeed], now=None, table=None
) -> int | None:
    """Seconds until the job should be done; None once ended or with no slot to run it.

    ``table`` is an ``eta_table`` already worked out (pollers share one a second);
    ``position`` is kept for callers, the queue model counts the jobs ahead itself.
    """
    if not job.is_live:
        return None
    table = eta_table(speeds, now) if table is None else table
    seconds = (
        _segmented_eta(job, table) if job.status == Job.Status.SEGMENTED else table.get(job.pk)
    )
    return None if seconds is None else max(1, math.ceil(seconds))


# The join re-encodes the whole picture once; measured by bench/lecture.py (docs/benchmarks.md).
JOIN_SECONDS_PER_AUDIO_SECOND = 0.05


def _segmented_eta(job: Job, table: dict) -> float | None:
    """A segmented job is done when its last segment is, plus the join."""
    live = list(job.segments.filter(status__in=Job.LIVE_STATUSES).values_list("pk", flat=True))
    if any(pk not in table for pk in live):
        return None  # a segment has no slot to run on
    audio = job.audio_seconds or len(job.spoken_text) / speaking_rate()
    return max((table[pk] for pk in live), default=0.0) + JOIN_SECONDS_PER_AUDIO_SECOND * audio


def segment_speaker_offset(job: Job) -> float:
    """Where a segment's picture starts in the looped speaker video: the earlier
    segments' speech, end to end (the dispatcher binds it only once all have theirs)."""
    earlier = Job.objects.filter(parent_id=job.parent_id, segment_index__lt=job.segment_index)
    return sum(earlier.values_list("audio_seconds", flat=True).exclude(audio_seconds=None))


def segment_is_last(job: Job) -> bool:
    return not Job.objects.filter(
        parent_id=job.parent_id, segment_index__gt=job.segment_index
    ).exists()


def job_events(job: Job) -> QuerySet[JobEvent]:
    return job.events.select_related("slot")


NO_VOICE_CLONING = "Speech by the embedded espeak engine: no voice cloning."
NO_LIP_SYNC = "Video by the embedded dub engine: the speaker video is looped, no lip-sync."


def embedded_notices(job: Job | None = None) -> list[str]:
    """Plain words for stages a job ran (or, before it ran, will run) on embedded engines.

    A stage not bound yet is judged by the enabled slots: all embedded means it will be.
    """
    bound = {GpuSlot.Stage.TTS: job and job.tts_slot, GpuSlot.Stage.VIDEO: job and job.video_slot}
    embedded = {stage: slot.is_embedded for stage, slot in bound.items() if slot}
    if len(embedded) < 2:
        backends: dict[str, set] = {}
        for stage, backend in GpuSlot.objects.filter(enabled=True).values_list("stage", "backend"):
            backends.setdefault(stage, set()).add(backend)
        for stage, names in backends.items():
            embedded.setdefault(stage, names <= set(GpuSlot.EMBEDDED_BACKENDS))
    notices = []
    if embedded.get(GpuSlot.Stage.TTS):
        notices.append(NO_VOICE_CLONING)
    if embedded.get(GpuSlot.Stage.VIDEO):
        notices.append(NO_LIP_SYNC)
    return notices


@dataclass(frozen=True)
class JobDetails:
    stage: str | None
    queue_position: int | None
    eta_seconds: int | None
    notices: list[str]
    events: list[JobEvent]
    waiting: dict | None = None
    segments: list[Job] | None = None


def job_details(job: Job) -> JobDetails:
    """What the detail views add to a job: queue position, ETA, notices, its events."""
    position = job_queue_position(job)
    eta_seconds = (
        job_eta_seconds(job, position=position, speeds=stage_speeds()) if job.is_live else None
    )
    return JobDetails(
        stage=job_stage(job),
        queue_position=position,
        eta_seconds=eta_seconds,
        notices=embedded_notices(job),
        events=list(job_events(job)),
        waiting=job_waiting(job, position=position, usable=usable_stages()),
        segments=job_segments(job),
    )


_MISSING = object()


def _remembered(key: str, seconds: float, compute):
    """A value this process computed less than ``seconds`` ago, or a fresh one."""
    cache = caches["local"]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, seconds)
    return value


def usable_stages() -> set[str]:
    """Stages with at least one enabled, healthy slot."""
    return set(GpuSlot.objects.filter(enabled=True, healthy=True).values_list("stage", flat=True))


def owners_at_running_cap() -> QuerySet:
    """Owners whose jobs hold as many slots as their cap (HEYGEM_CAP_RUNNING, or their own).

    The dispatcher passes their waiting jobs over. A correlated count per user;
    the users table is small next to the jobs.
    """
    running = (
        Job.objects.filter(owner=OuterRef("pk"), status__in=Job.RUNNING_IN.values())
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        get_user_model()
        .objects.annotate(
            cap=Coalesce("limits__max_running", Value(settings.HEYGEM["CAP_RUNNING"])),
            running=Coalesce(Subquery(running), Value(0)),
        )
        .filter(cap__gt=0, running__gte=F("cap"))
        .values("pk")
    )


def job_waiting(job: Job, *, position: int | None, usable: set[str], now=None) -> dict | None:
    """Why a live job is not running now, in words and fields; None while it runs or ended.

    The one place a waiting reason is made (the API, the pages and the CLI show it).
    reason ``queue_paused`` / ``owner_paused``: an operator's (or the owner's) pause;
    ``retry``: a failed attempt's backoff; ``no_slot``: no healthy slot for its stage,
    so it waits for an operator; ``cap``: its owner's running-jobs cap; ``slot_paused``:
    every healthy slot of its stage is paused; ``slot``: every slot of its stage is busy.
    A pause comes first: while it holds, no countdown or free slot starts the job.
    """
    if job.status not in Job.WAITING_FOR.values():
        return None
    now = now or timezone.now()
    stage = job_stage(job) or ""
    stage_name = "speech" if stage == GpuSlot.Stage.TTS else "video"
    common = {"stage": stage, "attempt": job.attempt + 1, "max_attempts": job.max_attempts,
              "retry_at": None, "position": position, "paused_by": None,
              "paused_at": None}  # fmt: skip
    pauses = _pauses_over(job, stage)
    held = pauses.get(Pause.Scope.QUEUE) or pauses.get(Pause.Scope.OWNER)
    if held is not None:
        return {**common, **_paused(held, owner_id=job.owner_id)}
    if job.not_before is not None and job.not_before > now:
        seconds = math.ceil((job.not_before - now).total_seconds())
        text = f"attempt {job.attempt + 1} of {job.max_attempts} in {seconds} s"
        return {**common, "reason": "retry", "text": text, "retry_at": job.not_before}
    if stage not in usable:
        text = f"waiting: no healthy {stage_name} slot (an operator must enable or fix one)"
        return {**common, "reason": "no_slot", "text": text}
    if owners_at_running_cap().filter(pk=job.owner_id).exists():
        text = "waiting: as many of this owner's jobs run as their cap allows"
        return {**common, "reason": "cap", "text": text}
    slot_pause = pauses.get(Pause.Scope.SLOT)
    if slot_pause is not None and not _unpaused_slots(stage).exists():
        by = slot_pause.paused_by_name
        text = f"waiting: every {stage_name} slot is paused by {by}" + _because(slot_pause)
        return {**common, "reason": "slot_paused", "text": text, "paused_by": by,
                "paused_at": slot_pause.paused_at}  # fmt: skip
    ahead = max(0, (position or 1) - 1)
    text = f"waiting for a free {stage_name} slot" + (f", {ahead} ahead" if ahead else ", next")
    return {**common, "reason": "slot", "text": text}


def _pauses_over(job: Job, stage: str) -> dict[str, Pause]:
    """The active pauses that can hold this job, by scope (one query; a slot pause: the
    latest of its stage's)."""
    over = Pause.objects.active().filter(
        Q(scope=Pause.Scope.QUEUE)
        | Q(scope=Pause.Scope.OWNER, owner_id=job.owner_id)
        | Q(scope=Pause.Scope.SLOT, slot__stage=stage)
    )
    return {pause.scope: pause for pause in reversed(list(over))}


def _paused(pause: Pause, *, owner_id) -> dict:
    if pause.scope == Pause.Scope.QUEUE:
        reason, text = "queue_paused", f"waiting: queue paused by {pause.paused_by_name}"
    elif pause.paused_by_id == owner_id:
        reason, text = "owner_paused", "waiting: your jobs are paused by you"
    else:
        reason, text = "owner_paused", f"waiting: your jobs are paused by {pause.paused_by_name}"
    return {"reason": reason, "text": text + _because(pause), "paused_by": pause.paused_by_name,
            "paused_at": pause.paused_at}  # fmt: skip


def _because(pause: Pause) -> str:
    return f" ({pause.reason})" if pause.reason else ""


def _unpaused_slots(stage: str) -> QuerySet[GpuSlot]:
    return GpuSlot.objects.filter(stage=stage, enabled=True, healthy=True).exclude(
        pk__in=paused_slot_ids()
    )


# --- Pauses ----------------------------------------------------------------------


def queue_paused() -> QuerySet[Pause]:
    """The whole queue's pause while it holds (a query for ``Exists``; at most one row)."""
    return Pause.objects.active().filter(scope=Pause.Scope.QUEUE)


def paused_owner_ids() -> QuerySet:
    """Owners whose jobs are paused: the dispatcher passes their waiting jobs over."""
    return Pause.objects.active().filter(scope=Pause.Scope.OWNER).values("owner_id")


def paused_slot_ids() -> QuerySet:
    """Slots an operator paused: they take no new stage."""
    return Pause.objects.active().filter(scope=Pause.Scope.SLOT).values("slot_id")


def pauses_active() -> list[Pause]:
    """Every pause that holds now, queue first, then owners, then slots."""
    order = {Pause.Scope.QUEUE: 0, Pause.Scope.OWNER: 1, Pause.Scope.SLOT: 2}
    pauses = Pause.objects.active().select_related("owner", "slot", "paused_by")
    return sorted(pauses, key=lambda pause: (order[Pause.Scope(pause.scope)], pause.paused_at))


def job_watch_tag(*, user, pk) -> str | None:
    """A tag that changes whenever a watcher of this job should see something new.

    The job's version, and for a waiting job also its place in the queue and
    whether its stage has a slot (those change through other rows). None when
    ``user`` may not see the job.
    """
    version = job_version(user=user, pk=pk)
    if version is None:
        return None
    extra: tuple = ()
    if version[0] in Job.WAITING_FOR.values():
        job = Job.objects.get(pk=pk)
        position = job_queue_position(job)
        waiting = job_waiting(job, position=position, usable=usable_stages())
        extra = (position, waiting and waiting["reason"])
    return hashlib.sha1(repr((version, extra)).encode()).hexdigest()[:20]


def job_live_figures(job: Job) -> dict:
    """Queue position (counted at most 2 s ago) and the ETA from this moment.

    For pollers: the ETA is worked out on every answer, from slot speeds this
    process read at most 5 s ago.
    """
    if not job.is_live:
        return {"queue_position": None, "eta_seconds": None, "waiting": None}
    position = _remembered(
        f"queue-position:{job.pk}:{job.status}:{job.priority}", 2, lambda: job_queue_position(job)
    )
    speeds = _remembered("stage-speeds", 5, stage_speeds)
    # The queue model covers every live job: one table a second serves every poller.
    table = _remembered("eta-table", 1, lambda: eta_table(speeds))
    eta_seconds = job_eta_seconds(job, position=position, speeds=speeds, table=table)
    # Read afresh: a watcher woken because its stage lost its last slot must hear why.
    waiting = job_waiting(job, position=position, usable=usable_stages())
    return {"queue_position": position, "eta_seconds": eta_seconds, "waiting": waiting}


def queue_summary() -> dict:
    """Live jobs per status and slots per stage, for the API and the dashboard."""
    by_status = dict(
        Job.objects.filter(status__in=Job.LIVE_STATUSES)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    slots = {}
    for stage in GpuSlot.Stage.values:
        stage_slots = GpuSlot.objects.filter(stage=stage)
        slots[stage] = stage_slots.aggregate(
            total=Count("id"),
            enabled=Count("id", filter=Q(enabled=True)),
            busy=Count("id", filter=Q(lease_until__isnull=False)),
            unhealthy=Count("id", filter=Q(healthy=False)),
            paused=Count("id", filter=Q(pk__in=paused_slot_ids())),
        )
    statuses = {status: by_status.get(status, 0) for status in Job.LIVE_STATUSES}
    waiting = statuses[Job.Status.QUEUED] + statuses[Job.Status.AUDIO_READY]
    return {
        "waiting": waiting,
        # A job under review holds no slot and waits for its owner, not for the queue.
        "running": statuses[Job.Status.SYNTHESIZING] + statuses[Job.Status.RENDERING],
        "by_status": statuses,
        "slots": slots,
        "paused": queue_paused().first(),
        "owners_paused": Pause.objects.active().filter(scope=Pause.Scope.OWNER).count(),
    }


def slots_with_current_job() -> list[GpuSlot]:
    """Every slot, each with ``current_job`` set to the job bound to it now (or None)."""
    slots = list(GpuSlot.objects.with_pause())
    running = Job.objects.filter(status__in=Job.RUNNING_IN.values()).select_related("owner")
    by_slot = {}
    for job in running:
        slot_id = job.tts_slot_id if job.status == Job.Status.SYNTHESIZING else job.video_slot_id
        by_slot[slot_id] = job
    for slot in slots:
        job = by_slot.get(slot.pk)
        slot.current_job = job if job is not None and job.fence == slot.fence else None
    return slots


# Renders can outlast the chart's window; look back this far for their start.
LOOKBACK = datetime.timedelta(hours=1)


def slot_busy_intervals(*, since, until) -> dict[int, list[tuple]]:
    """Per slot id, the (start, end) spans it held a job between ``since`` and ``until``.

    Drawn from the job events: a stage start opens a span on its slot, the
    job's next stage-ending event (or next start) closes it; a span still open
    counts up to ``until`` while its slot is leased.
    """
    events = JobEvent.objects.filter(
        at__gte=since - LOOKBACK,
        at__lte=until,
        kind__in=JobEvent.STAGE_STARTS + JobEvent.STAGE_ENDS,
    ).values_list("job_id", "kind", "slot_id", "at")
    open_spans: dict = {}
    spans: dict[int, list[tuple]] = {}
    for job_id, kind, slot_id, at in events.order_by("at", "id"):
        if job_id in open_spans:
            start_slot, start = open_spans.pop(job_id)
            spans.setdefault(start_slot, []).append((start, at))
        if kind in JobEvent.STAGE_STARTS and slot_id is not None:
            open_spans[job_id] = (slot_id, at)
    leased = set(GpuSlot.objects.filter(lease_until__isnull=False).values_list("pk", flat=True))
    for slot_id, start in open_spans.values():
        if slot_id in leased:
            spans.setdefault(slot_id, []).append((start, until))
    return {
        slot_id: [(max(start, since), end) for start, end in slot_spans if end > since]
        for slot_id, slot_spans in spans.items()
    }


def readiness() -> dict[str, str | None]:
    """What /readyz checks, each with None when fine or the reason it is not."""
    checks: dict[str, str | None] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    checks["database"] = None
    checks["media"] = storage.problem()
    working = Host.objects.filter(seen_at__isnull=False).exclude(
        pk__in=Host.objects.not_working().values("pk")
    )
    checks["workers"] = (
        None if working.exists()
        else f"no `manage.py workers` has reported in {Host.SILENT_SECONDS} s"
    )  # fmt: skip
    # A paused slot still counts: a pause is an operator holding work on purpose for a
    # while, and a load balancer that took the site out then would hide the page that
    # tells users why their jobs wait. Disabled or unhealthy slots do not count.
    usable = set(GpuSlot.objects.filter(enabled=True, healthy=True).values_list("stage", flat=True))
    for stage in GpuSlot.Stage.values:
        checks[f"{stage}_slot"] = None if stage in usable else f"no healthy {stage} slot"
    return checks


@dataclass(frozen=True)
class Alert:
    level: str  # "error" or "warning"
    text: str


def dashboard_alerts(
    slots: list[GpuSlot], *, disk_free_bytes: int, disk_low_bytes: int
) -> list[Alert]:
    """What an operator must act on: a stage with no healthy slot, benched slots, low disk,
    and pauses (nothing new starts under one: easy to forget after a service)."""
    alerts = [Alert("warning", _pause_alert(pause)) for pause in pauses_active()
              if pause.scope != Pause.Scope.SLOT]  # fmt: skip
    for stage, label in GpuSlot.Stage.choices:
        if not any(s.stage == stage and s.enabled and s.healthy for s in slots):
            waiting = Job.objects.filter(status=Job.WAITING_FOR[stage]).count()
            who = f"{waiting} job{'s' if waiting != 1 else ''}" if waiting else "new jobs"
            verb = "waits" if waiting == 1 else "wait"
            alerts.append(Alert("error", f"No healthy {label.lower()} slot: {who} {verb} "
                                         "for an operator."))  # fmt: skip
    for slot in slots:
        if slot.enabled and not slot.healthy:
            alerts.append(
                Alert("error", f"{slot.name} is unhealthy: {slot.last_error or 'no answer'}")
            )
        elif slot.engine_busy or slot.orphan_code:
            reason = slot.last_error or "the engine is still busy with an abandoned task"
            alerts.append(Alert("warning", f"{slot.name} is quarantined: {reason}"))
    if disk_free_bytes < disk_low_bytes:
        alerts.append(Alert("error", f"Disk low: {disk_free_bytes / 1e9:.1f} GB free for media."))
    return alerts


def _pause_alert(pause: Pause) -> str:
    since = timezone.localtime(pause.paused_at)
    held = "The queue is" if pause.scope == Pause.Scope.QUEUE else f"{pause.owner}'s jobs are"
    return (f"{held} paused by {pause.paused_by_name} since {since:%Y-%m-%d %H:%M}"
            f"{_because(pause)}: nothing new of it starts.")  # fmt: skip


# --- Batches -----------------------------------------------------------------

# What a batch's status can be: its jobs' statuses taken together.
BATCH_STATUSES = ("queued", "running", "succeeded", "failed", "canceled")


def batches_visible_to(user) -> QuerySet[Batch]:
    batches = Batch.objects.select_related("owner")
    return batches if user.is_staff else batches.filter(owner=user)


def batch_items(batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.select_related("job").order_by("row")


@dataclass(frozen=True)
class BatchSummary:
    status: str
    total: int
    by_status: dict[str, int]
    progress: int  # ended jobs count as done
    eta_seconds: int | None  # until its last live job should be done
    finished_at: datetime.datetime | None


def batch_summary(batch: Batch) -> BatchSummary:
    """A batch's status, progress and ETA, from its jobs (the ETA from the queue model)."""
    rows = list(
        Job.objects.filter(batch_item__batch=batch).values_list(
            "pk", "status", "progress", "finished_at"
        )
    )
    by_status = {status: 0 for status in Job.Status.values}
    for _, status, _, _ in rows:
        by_status[status] += 1
    live = [pk for pk, status, _, _ in rows if status in Job.LIVE_STATUSES]
    ended = len(rows) - len(live)
    progress = sum(100 if status not in Job.LIVE_STATUSES else p for _, status, p, _ in rows)
    eta_seconds = None
    if live:
        speeds = _remembered("stage-speeds", 5, stage_speeds)
        table = _remembered("eta-table", 1, lambda: eta_table(speeds))
        seconds = [table.get(pk) for pk in live]
        if all(s is not None for s in seconds):
            eta_seconds = max(1, math.ceil(max(s for s in seconds if s is not None)))
    if live:
        status = "queued" if by_status[Job.Status.QUEUED] == len(rows) else "running"
    elif by_status[Job.Status.SUCCEEDED] == len(rows):
        status = "succeeded"
    else:
        status = "failed" if by_status[Job.Status.FAILED] else "canceled"
    finished = [f for _, _, _, f in rows if f is not None]
    return BatchSummary(
        status=status,
        total=len(rows),
        by_status=by_status,
        progress=round(progress / len(rows)) if rows else 0,
        eta_seconds=eta_seconds,
        finished_at=max(finished) if finished and not live and ended else None,
    )


# --- Disks -------------------------------------------------------------------


@dataclass(frozen=True)
class Volume:
    label: str  # "media", or the slot whose engine data dir it is
    path: str
    free_bytes: int
    total_bytes: int


def disk_volumes() -> list[Volume]:
    """Free space of the media store and of every engine data dir found on this host.

    A bucket has no free space to measure: this host's scratch disk, where its
    local copies are made, stands in for it. A slot's data dir on another host
    (or not made yet) is left out: only that host can measure it.
    """
    volumes = []
    media_usage = storage.disk_usage()
    if media_usage is not None:
        volumes.append(Volume("media", *media_usage))
    scratch_usage = storage.scratch_usage()
    if scratch_usage is not None:
        volumes.append(Volume("scratch", *scratch_usage))
    for name, data_dir in GpuSlot.objects.exclude(data_dir="").values_list("name", "data_dir"):
        path = pathlib.Path(data_dir).expanduser()
        if path.is_dir():
            usage = shutil.disk_usage(path)
            volumes.append(Volume(name, str(path), usage.free, usage.total))
    return volumes


# --- Caps ----------------------------------------------------------------------


@dataclass(frozen=True)
class Caps:
    running: int  # 0: no cap
    queued: int
    chars_per_day: int
    retention_days: float  # 0: kept for good


def owner_caps(owner) -> Caps:
    """The owner's caps: their own limits (admin › Owner limits) where set, else the settings."""
    hg = settings.HEYGEM
    own = OwnerLimits.objects.filter(owner_id=owner.pk).first()

    def pick(field: str, default):
        value = getattr(own, field, None)
        return default if value is None else value

    return Caps(
        running=pick("max_running", hg["CAP_RUNNING"]),
        queued=pick("max_queued", hg["CAP_QUEUED"]),
        chars_per_day=pick("max_chars_per_day", hg["CAP_CHARS_PER_DAY"]),
        retention_days=pick("retention_days", hg["RETENTION_DAYS"]),
    )


def owner_usage(owner) -> dict[str, int]:
    """What the owner uses of each cap now (running, waiting, characters in 24 h)."""
    since = timezone.now() - datetime.timedelta(hours=24)
    jobs = Job.objects.filter(owner_id=owner.pk)
    return {
        "running": jobs.filter(status__in=Job.RUNNING_IN.values()).count(),
        "queued": jobs.filter(status__in=Job.WAITING_FOR.values()).count(),
        "chars_per_day": jobs.filter(created_at__gt=since).aggregate(
            n=Coalesce(Sum(Length("text")), 0)
        )["n"],
    }
