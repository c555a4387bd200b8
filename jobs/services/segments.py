"""One long job as segments: child jobs that go through the ordinary stages, then a join.

A job whose speech would last longer than ``HEYGEM_SEGMENT_SECONDS`` becomes a parent in
status ``segmented`` (never bound: the dispatcher only binds ``queued`` and
``audio_ready``) with one child job per segment. Children carry the parent's priority
and its place in the queue (``created_at`` just after the parent's, in segment order),
so they run together, TTS on as many TTS slots as are free, each with the binding,
retry, cancel and lease machinery of any job.

A segment's render starts its speaker video where the segments before it end (their
speech, summed: ``selectors.segment_speaker_offset``), so the picture continues across
joins; the dispatcher leaves a segment waiting until all earlier segments have their
speech. When the last segment's render is in, the join task makes the parent's one
video (``jobs.joining``).

Lock order: a child row, then its parent, and never one child while holding another
(two segments finishing together would deadlock); canceling a parent cancels its
children before the parent.
"""

from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, IntegerField, Sum
from django.db.models.functions import Cast, Length
from django.utils import timezone
from django_q.tasks import async_task

from ..models import Job
from .events import Kind, event_record, job_ended_record

Status = Job.Status
JOIN_TASK = "jobs.tasks.join_segments"
ABORT_TASK = "jobs.tasks.segment_failed"
SPEAKER_TASK = "jobs.tasks.segment_speaker"
SOUND_TASK = "jobs.tasks.segments_sound"
# The share of the parent's progress bar its segments fill; the join fills the rest.
SEGMENTS_SHARE = 0.95


def segments_create(*, parent: Job, texts: list[str], message: str) -> list[Job]:
    """The parent's children, one per text, queued right behind it. In the caller's
    transaction (job_create's): the parent and its segments exist together or not at all."""
    fields = ("owner_id", "voice_id", "speaker_video", "priority", "max_attempts")
    children = Job.objects.bulk_create(
        Job(
            parent=parent,
            segment_index=index,
            text=text,
            spoken_text=text,
            **{field: getattr(parent, field) for field in fields},
        )
        for index, text in enumerate(texts)
    )
    # The dispatcher takes waiting jobs by (priority, created_at): the parent's time,
    # one microsecond apart, keeps the segments together and in order in the queue.
    for child in children:
        child.created_at = parent.created_at + timedelta(
            microseconds=(child.segment_index or 0) + 1
        )
    Job.objects.bulk_update(children, ["created_at"])
    Job.objects.filter(pk=parent.pk).update(status=Status.SEGMENTED)
    parent.status = Status.SEGMENTED
    event_record(job_id=parent.pk, kind=Kind.SEGMENTED, message=message, segments=len(texts))
    return children


def segment_spoken(*, parent_id: Any, segment_index: int) -> None:
    """A segment's speech is in: what it completes is made ahead, on the site's queue,
    while renders hold the GPUs. Each later segment whose speaker offset this makes known gets
    its speaker video cut (its render then starts on a ready picture, not with the GPU
    waiting on our ffmpeg), and once every segment has speech the joined sound is encoded
    (the join then only copies). Both are shortcuts: a render or join that finds nothing
    made ahead makes it itself.

    Under the parent's row lock, so of segments finishing together exactly one sees a
    segment's offset become known, and exactly one sees the last speech come in."""
    if not Job.objects.select_for_update().filter(pk=parent_id, status=Status.SEGMENTED).exists():
        return
    spoken = list(
        Job.objects.filter(parent_id=parent_id)
        .order_by("segment_index")
        .values_list("pk", "speech_audio")
    )
    known = next((index for index, (_, name) in enumerate(spoken) if not name), len(spoken))
    # The first segment needs no cut: its picture is the speaker video from the start.
    for pk, _ in spoken[max(segment_index, 1) : known]:
        transaction.on_commit(partial(async_task, SPEAKER_TASK, str(pk), group="prepare"))
    if known == len(spoken):
        transaction.on_commit(partial(async_task, SOUND_TASK, str(parent_id), group="prepare"))


def segment_rendered(*, parent_id: Any) -> None:
    """A segment's video is in; after the last one the join is queued (once: the parent's
    row lock orders the segments that finish together, and only the last sees all in)."""
    parent = Job.objects.select_for_update().filter(pk=parent_id, status=Status.SEGMENTED).first()
    if parent is None:
        return
    segments_progress(parent_id=parent_id)
    if Job.objects.filter(parent_id=parent_id).exclude(status=Status.SUCCEEDED).exists():
        return
    event_record(job_id=parent_id, kind=Kind.JOIN_STARTED, message="Joining the segments.")
    transaction.on_commit(lambda: async_task(JOIN_TASK, str(parent_id), group="join"))


def segment_failed(*, parent_id: Any, error: str) -> None:
    """A segment failed for good: the parent fails and its other segments stop. Queued
    after the commit, so the siblings are canceled outside the failing stage's locks."""
    transaction.on_commit(lambda: async_task(ABORT_TASK, str(parent_id), error, group="join"))


def segments_progress(*, parent_id: Any) -> None:
    """The parent's progress: its segments', weighted by their length in characters."""
    weighted = (
        Job.objects.filter(parent_id=parent_id)
        .values("parent_id")
        .annotate(
            figure=Cast(
                Sum(F("progress") * Length("spoken_text"))
                * SEGMENTS_SHARE
                / Sum(Length("spoken_text")),
                IntegerField(),
            )
        )
        .values("figure")
    )
    Job.objects.filter(pk=parent_id, status=Status.SEGMENTED).update(progress=weighted)


def job_segments_joined(
    *,
    parent_id: Any,
    speech_name: str,
    result_name: str,
    audio_seconds: float,
    timing: list,
    message: str = "Segments joined.",
) -> bool:
    """The joined video is in: the parent succeeded (only from ``segmented``)."""
    now = timezone.now()
    with transaction.atomic():
        done = Job.objects.filter(pk=parent_id, status=Status.SEGMENTED).update(
            status=Status.SUCCEEDED,
            speech_audio=speech_name,
            result_video=result_name,
            audio_seconds=audio_seconds,
            speech_timing=timing,
            render_finished_at=now,
            finished_at=now,
            progress=100,
            progress_detail="",
            error="",
        )
        if done:
            event_record(job_id=parent_id, kind=Kind.JOINED, message=message)
            job_ended_record(job_id=parent_id, kind=Kind.SUCCEEDED, message="Job succeeded.")
    return bool(done)


def job_segments_join_failed(*, parent_id: Any, error: str) -> bool:
    with transaction.atomic():
        done = Job.objects.filter(pk=parent_id, status=Status.SEGMENTED).update(
            status=Status.FAILED, error=error, finished_at=timezone.now(), progress_detail=""
        )
        if done:
            job_ended_record(job_id=parent_id, kind=Kind.FAILED, message=error)
    return bool(done)
