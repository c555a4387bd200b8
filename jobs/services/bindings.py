"""Writes made through a slot binding: progress, and how a stage ended.

A binding is (job, stage, slot, fence). Every write here is a conditional UPDATE
that names it, so a worker whose binding was taken back — the job canceled, its
lease reclaimed by the sweep — writes nothing. A stage that failed and a stage
whose worker vanished end through the same service, ``job_stage_failed``.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from ..engines import is_resumable
from ..models import GpuSlot, Job
from .events import Kind, event_record, job_ended_record
from .segments import segment_failed, segment_rendered, segment_spoken, segments_progress
from .slots import slot_measure_speed, slot_release

Status = Job.Status


def _binding(job_id: Any, stage: str, slot_id: int, fence: int) -> QuerySet[Job]:
    """The job row as seen only through the binding (job, slot, fence)."""
    slot_field = "tts_slot_id" if stage == GpuSlot.Stage.TTS else "video_slot_id"
    return Job.objects.filter(
        pk=job_id, status=Job.RUNNING_IN[stage], fence=fence, **{slot_field: slot_id}
    )


def binding_is_current(*, job_id: Any, stage: str, slot_id: int, fence: int) -> bool:
    return _binding(job_id, stage, slot_id, fence).exists()


def job_progress_update(
    *,
    job_id: Any,
    stage: str,
    slot_id: int,
    fence: int,
    progress: int,
    detail: str | None = None,
    parent_id: Any = None,
) -> bool:
    """Record progress (and what it is made of); False when the binding is gone.

    A segment's progress moves its parent's too (``parent_id``, known to the stage)."""
    fields: dict[str, Any] = {"progress": progress}
    if detail is not None:
        fields["progress_detail"] = detail[:200]
    done = bool(_binding(job_id, stage, slot_id, fence).update(**fields))
    if done and parent_id is not None:
        segments_progress(parent_id=parent_id)
    return done


def job_engine_event(*, job_id: Any, stage: str, slot_id: int, fence: int, message: str) -> bool:
    """Put an engine's answer into the job's timeline, if the binding is still current."""
    if not binding_is_current(job_id=job_id, stage=stage, slot_id=slot_id, fence=fence):
        return False
    event_record(job_id=job_id, kind=Kind.ENGINE, message=message, slot_id=slot_id)
    return True


def job_speech_finished(
    *,
    job_id: Any,
    slot_id: int,
    fence: int,
    speech_name: str,
    audio_seconds: float,
    engine_seconds: float,
    timing: list | None = None,
) -> bool:
    """``timing``: each chunk's [text, seconds] in the speech (the subtitles' clock)."""
    with transaction.atomic():
        # A job under review stops here until its owner approves (jobs.job_approve).
        review = Job.objects.filter(pk=job_id, review=True).exists()
        done = _binding(job_id, GpuSlot.Stage.TTS, slot_id, fence).update(
            status=Status.SPEECH_REVIEW if review else Status.AUDIO_READY,
            speech_audio=speech_name,
            audio_seconds=audio_seconds,
            speech_timing=timing or [],
            tts_finished_at=timezone.now(),
            progress=40,
            progress_detail="",
            not_before=None,
            avoid_slot=None,
        )
        if done:
            event_record(
                job_id=job_id,
                kind=Kind.TTS_FINISHED,
                message=f"Speech ready: {audio_seconds:.1f} s of audio.",
                slot_id=slot_id,
                audio_seconds=audio_seconds,
                engine_seconds=round(engine_seconds, 3),
            )
            if review:
                event_record(job_id=job_id, kind=Kind.SPEECH_REVIEW,
                             message="Listen, then approve the speech or change it.")  # fmt: skip
            parent_id, index = Job.objects.filter(pk=job_id).values_list(
                "parent_id", "segment_index"
            )[0]
            if parent_id is not None:
                segments_progress(parent_id=parent_id)
            slot_release(slot_id=slot_id, fence=fence, success=True)
            chars = Job.objects.filter(pk=job_id).values_list(Length("spoken_text"), flat=True)
            slot_measure_speed(
                slot_id=slot_id, chars=chars.first() or 0, engine_seconds=engine_seconds
            )
            if parent_id is not None:
                # After the release: its dispatch (on commit, in this order) binds a
                # segment a video slot is free for before anything is made ahead for it.
                segment_spoken(parent_id=parent_id, segment_index=index or 0)
    return bool(done)


def job_render_finished(
    *, job_id: Any, slot_id: int, fence: int, result_name: str, engine_seconds: float
) -> bool:
    now = timezone.now()
    with transaction.atomic():
        done = _binding(job_id, GpuSlot.Stage.VIDEO, slot_id, fence).update(
            status=Status.SUCCEEDED,
            result_video=result_name,
            render_finished_at=now,
            finished_at=now,
            progress=100,
            progress_detail="",
            error="",
        )
        if done:
            event_record(
                job_id=job_id,
                kind=Kind.RENDER_FINISHED,
                message="Video ready.",
                slot_id=slot_id,
                engine_seconds=round(engine_seconds, 3),
            )
            job_ended_record(job_id=job_id, kind=Kind.SUCCEEDED, message="Job succeeded.")
            audio, parent_id = Job.objects.filter(pk=job_id).values_list(
                "audio_seconds", "parent_id"
            )[0]
            if parent_id is not None:
                segment_rendered(parent_id=parent_id)
            slot_release(slot_id=slot_id, fence=fence, success=True)
            slot_measure_speed(
                slot_id=slot_id, audio_seconds=audio or 0.0, engine_seconds=engine_seconds
            )
    return bool(done)


def job_stage_failed(
    *,
    job_id: Any,
    stage: str,
    slot_id: int,
    fence: int,
    error: str,
    slot_fault: bool = True,
    engine_message: str = "",
    orphan_code: str = "",
    kind: str = Kind.RETRY,
) -> bool:
    """An attempt failed: retry on another slot after a backoff, or fail the job.

    ``engine_message`` is the engine's own words, kept in the event as given;
    ``orphan_code`` names a task the engine keeps running: the slot stays out
    until a probe sees it end. ``slot_fault`` False keeps the slot's health out
    of it (our own crash, a worker that vanished). ``kind`` names the event of a
    retry (``reclaimed`` when the sweep took the binding back).
    """
    extra = {"engine_message": engine_message} if engine_message else {}
    with transaction.atomic():
        job = _binding(job_id, stage, slot_id, fence).select_for_update().first()
        if job is None:
            return False
        attempt = job.attempt + 1
        if attempt >= job.max_attempts:
            _binding(job_id, stage, slot_id, fence).update(
                status=Status.FAILED,
                attempt=attempt,
                error=error,
                progress_detail="",
                finished_at=timezone.now(),
            )
            job_ended_record(
                job_id=job_id, kind=Kind.FAILED, message=error, slot_id=slot_id, **extra
            )
            if job.parent_id is not None:
                segment_failed(
                    parent_id=job.parent_id,
                    error=f"Segment {(job.segment_index or 0) + 1} failed: {error}",
                )
        else:
            backoff = settings.HEYGEM["RETRY_BACKOFF_SECONDS"] * 2 ** (attempt - 1)
            _binding(job_id, stage, slot_id, fence).update(
                status=Job.WAITING_FOR[stage],
                attempt=attempt,
                error=error,
                avoid_slot_id=slot_id,
                not_before=timezone.now() + timedelta(seconds=backoff),
                engine_code="",
                progress_detail="",
            )
            event_record(
                job_id=job_id,
                kind=kind,
                message=f"Attempt {attempt} of {job.max_attempts} failed: {error} "
                f"Retrying in {backoff:.0f} s.",
                slot_id=slot_id,
                **extra,
            )
        slot_release(
            slot_id=slot_id,
            fence=fence,
            success=False,
            error=error if slot_fault else "",
            orphan_code=orphan_code,
        )
    return True


def job_stage_engine_busy(
    *, job_id: Any, stage: str, slot_id: int, fence: int, message: str
) -> bool:
    """The engine was busy with foreign work: the job waits again, the slot is kept out."""
    with transaction.atomic():
        done = _binding(job_id, stage, slot_id, fence).update(
            status=Job.WAITING_FOR[stage], engine_code="", progress_detail=""
        )
        if not done:
            return False
        event_record(job_id=job_id, kind=Kind.ENGINE_BUSY, message=message, slot_id=slot_id)
        GpuSlot.objects.filter(pk=slot_id, fence=fence).update(engine_busy=True, last_error=message)
        slot_release(slot_id=slot_id, fence=fence, success=True)
    return True


def job_stage_handed_back(*, job_id: Any, stage: str, slot_id: int, fence: int) -> bool:
    """The worker is shutting down: the stage goes back to the queue, no attempt counted.

    A render the engine keeps working on without us (HeyGem) keeps its engine task:
    the lease ends now and the next sweep hands the render to a new worker. Any
    other stage waits for a slot again, first in line as before.
    """
    with transaction.atomic():
        job = _binding(job_id, stage, slot_id, fence).select_for_update().first()
        if job is None:
            return False
        slot = GpuSlot.objects.get(pk=slot_id)
        if stage == GpuSlot.Stage.VIDEO and is_resumable(slot.backend) and job.engine_code:
            GpuSlot.objects.filter(pk=slot_id, fence=fence).update(lease_until=timezone.now())
            message = (f"The worker on {slot.name} stopped; the engine renders on and the next "
                       "worker picks the render up.")  # fmt: skip
        else:
            _binding(job_id, stage, slot_id, fence).update(
                status=Job.WAITING_FOR[stage], engine_code="", progress_detail=""
            )
            slot_release(slot_id=slot_id, fence=fence, success=True)
            message = (f"The worker on {slot.name} stopped; the stage runs again on the next "
                       "free slot (no attempt counted).")  # fmt: skip
        event_record(job_id=job_id, kind=Kind.HANDED_BACK, message=message, slot_id=slot_id)
    return True


def job_stage_reclaimed(*, job_id: Any, stage: str, slot_id: int, fence: int, error: str) -> bool:
    """The worker running the stage died: not the job's fault, so no attempt is counted.

    The stage waits for a slot again (another one if there is one). After
    ``HEYGEM_FREE_RECLAIMS`` of these, each further one is a failed attempt, so a
    job that keeps killing its worker still ends.
    """
    with transaction.atomic():
        job = _binding(job_id, stage, slot_id, fence).select_for_update().first()
        if job is None:
            return False
        if job.reclaims >= settings.HEYGEM["FREE_RECLAIMS"]:
            return job_stage_failed(job_id=job_id, stage=stage, slot_id=slot_id, fence=fence,
                                    error=error, slot_fault=False, kind=Kind.RECLAIMED)  # fmt: skip
        _binding(job_id, stage, slot_id, fence).update(
            status=Job.WAITING_FOR[stage], reclaims=job.reclaims + 1, avoid_slot_id=slot_id,
            engine_code="", progress_detail="",
        )  # fmt: skip
        event_record(job_id=job_id, kind=Kind.RECLAIMED, slot_id=slot_id,
                     message=f"{error} The stage runs again (no attempt counted).")  # fmt: skip
        slot_release(slot_id=slot_id, fence=fence, success=True)
    return True
