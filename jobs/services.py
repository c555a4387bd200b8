"""Every write to jobs and slots.

Status transitions are conditional UPDATEs (``… WHERE status IN (…)``), so two
writers racing on one job cannot both win; writes from a stage also name the
slot binding (slot id and fence) they believe they hold, so a worker whose
binding was taken back writes nothing.
"""

import logging
import os
import shutil
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import normalization

from . import idempotency, uploads
from .models import GpuSlot, Job, JobEvent
from .textclean import clean_text

logger = logging.getLogger(__name__)
Status = Job.Status


def job_dir(job_id) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(job_id)


def media_relative(path: Path) -> str:
    return str(Path(path).relative_to(settings.MEDIA_ROOT))


def event_record(*, job_id, kind: str, message: str = "", slot_id=None, **data) -> None:
    JobEvent.objects.create(job_id=job_id, kind=kind, message=message, slot_id=slot_id, data=data)


def job_ended_record(*, job_id, kind: str, message: str, slot_id=None, **data) -> None:
    """The last event of a job (succeeded, failed, canceled); its webhook follows the commit."""
    from .callbacks import callback_enqueue_on_commit

    event_record(job_id=job_id, kind=kind, message=message, slot_id=slot_id, **data)
    callback_enqueue_on_commit(job_id)


# --- Creating jobs ------------------------------------------------------------


def job_create(
    *,
    owner,
    text: str,
    video=None,
    voice=None,
    priority: int = 0,
    idempotency_key: str = "",
    callback_url: str = "",
) -> Job:
    """Validate everything, store the speaker video, create the job, dispatch.

    ``video`` is an uploaded file or a local path. Bad input raises
    ValidationError before any row exists, and no file is left behind.
    """
    from voices import services as voice_services

    fingerprint = (
        idempotency.request_fingerprint(
            text=text, priority=priority, voice=voice, callback_url=callback_url, video=video
        )
        if idempotency_key
        else ""
    )
    existing = idempotency.job_for_key(owner=owner, key=idempotency_key, fingerprint=fingerprint)
    if existing:
        return existing
    text = job_validate_text(text)
    if not -10 <= priority <= 10:
        raise ValidationError({"priority": "Priority must be between -10 and 10."})
    if voice is not None and voice.owner_id not in (None, owner.pk):
        raise ValidationError({"voice": "Unknown voice."})
    spoken = normalization.to_speech(text)
    if not spoken.strip():
        raise ValidationError({"text": "The text has nothing that can be spoken."})

    job_id = uuid.uuid4()
    folder = job_dir(job_id)
    folder.mkdir(parents=True)
    try:
        events = []
        speaker, reference = "", None
        if video is not None:
            speaker_path, info = uploads.speaker_video_store(video=video, folder=folder)
            speaker = media_relative(speaker_path)
            if voice is None and info.has_audio:
                try:
                    reference = voice_services.reference_extract(
                        source=speaker_path, out_path=folder / "reference.wav"
                    )
                    events.append(("voice", "The speaker video's audio is the reference voice."))
                except voice_services.ReferenceUnusable as exc:
                    events.append(("voice", f"{exc} The default voice speaks instead."))
            elif voice is None:
                events.append(("voice", "The speaker video has no audio track: default voice."))
        with transaction.atomic():
            if reference is not None:
                voice = voice_services.voice_create(
                    owner=owner, name=f"Voice of job {job_id}", reference=reference, saved=False
                )
            job = Job.objects.create(
                id=job_id,
                owner=owner,
                text=text,
                spoken_text=spoken,
                voice=voice,
                speaker_video=speaker,
                priority=priority,
                max_attempts=settings.HEYGEM["MAX_ATTEMPTS"],
                idempotency_key=idempotency_key,
                request_fingerprint=fingerprint,
                callback_url=callback_url,
            )
            event_record(job_id=job.id, kind="created", message="Job queued.")
            for kind, message in events:
                event_record(job_id=job.id, kind=kind, message=message)
            transaction.on_commit(dispatch_later)
    except IntegrityError:
        shutil.rmtree(folder, ignore_errors=True)
        if idempotency_key:  # lost a race with the same key: answer with the winner
            winner = idempotency.job_for_key(
                owner=owner, key=idempotency_key, fingerprint=fingerprint
            )
            if winner:
                return winner
        raise
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def job_validate_text(text) -> str:
    text = clean_text(text) if isinstance(text, str) else text
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": "Text is required and must not be blank."})
    limit = settings.HEYGEM["MAX_TEXT_CHARS"]
    if len(text) > limit:
        raise ValidationError(
            {"text": f"Text is {len(text):,} characters; the limit is {limit:,}."}
        )
    return text.strip()


def dispatch_later() -> None:
    from .dispatcher import dispatch

    dispatch()


# --- Stage outcomes (called by workers holding a binding) ---------------------


def _binding(job_id, stage: str, slot_id: int, fence: int):
    """The job row as seen only through the binding (job, slot, fence)."""
    slot_field = "tts_slot_id" if stage == GpuSlot.Stage.TTS else "video_slot_id"
    return Job.objects.filter(
        pk=job_id, status=Job.RUNNING_IN[stage], fence=fence, **{slot_field: slot_id}
    )


def job_progress_update(
    *, job_id, stage: str, slot_id: int, fence: int, progress: int, detail: str | None = None
) -> bool:
    """Record progress (and what it is made of); False when the binding is gone."""
    fields = {"progress": progress}
    if detail is not None:
        fields["progress_detail"] = detail[:200]
    return bool(_binding(job_id, stage, slot_id, fence).update(**fields))


def job_engine_event(*, job_id, stage: str, slot_id: int, fence: int, message: str) -> bool:
    """Put an engine's answer into the job's timeline, if the binding is still current."""
    if not binding_is_current(job_id=job_id, stage=stage, slot_id=slot_id, fence=fence):
        return False
    event_record(job_id=job_id, kind="engine", message=message, slot_id=slot_id)
    return True


def binding_is_current(*, job_id, stage: str, slot_id: int, fence: int) -> bool:
    return _binding(job_id, stage, slot_id, fence).exists()


def job_speech_finished(
    *, job_id, slot_id: int, fence: int, speech_path: Path, audio_seconds: float, engine_seconds
) -> bool:
    now = timezone.now()
    with transaction.atomic():
        done = _binding(job_id, GpuSlot.Stage.TTS, slot_id, fence).update(
            status=Status.AUDIO_READY,
            speech_audio=media_relative(speech_path),
            audio_seconds=audio_seconds,
            tts_finished_at=now,
            progress=40,
            progress_detail="",
            not_before=None,
            avoid_slot=None,
        )
        if done:
            event_record(
                job_id=job_id,
                kind="tts_finished",
                message=f"Speech ready: {audio_seconds:.1f} s of audio.",
                slot_id=slot_id,
                audio_seconds=audio_seconds,
                engine_seconds=round(engine_seconds, 3),
            )
            slot_release(slot_id=slot_id, fence=fence, success=True)
    return bool(done)


def job_render_finished(
    *, job_id, slot_id: int, fence: int, result_path: Path, engine_seconds: float
) -> bool:
    now = timezone.now()
    with transaction.atomic():
        done = _binding(job_id, GpuSlot.Stage.VIDEO, slot_id, fence).update(
            status=Status.SUCCEEDED,
            result_video=media_relative(result_path),
            render_finished_at=now,
            finished_at=now,
            progress=100,
            progress_detail="",
            error="",
        )
        if done:
            event_record(
                job_id=job_id,
                kind="render_finished",
                message="Video ready.",
                slot_id=slot_id,
                engine_seconds=round(engine_seconds, 3),
            )
            job_ended_record(job_id=job_id, kind="succeeded", message="Job succeeded.")
            slot_release(slot_id=slot_id, fence=fence, success=True)
            _slot_measure_speed(slot_id, job_id, engine_seconds)
    return bool(done)


def _slot_measure_speed(slot_id: int, job_id, engine_seconds: float) -> None:
    audio = Job.objects.filter(pk=job_id).values_list("audio_seconds", flat=True).first()
    if not audio:
        return
    sample = engine_seconds / audio
    slot = GpuSlot.objects.filter(pk=slot_id).values_list("seconds_per_audio_second", flat=True)
    old = slot.first()
    # Smoothed so one odd job does not swing ETAs and timeouts.
    speed = sample if old is None else 0.7 * old + 0.3 * sample
    GpuSlot.objects.filter(pk=slot_id).update(seconds_per_audio_second=speed)


def job_stage_failed(
    *,
    job_id,
    stage: str,
    slot_id: int,
    fence: int,
    error: str,
    slot_fault: bool = True,
    engine_message: str = "",
    orphan_code: str = "",
) -> bool:
    """An attempt failed: retry on another slot after a backoff, or fail the job.

    ``engine_message`` is the engine's own words, kept in the event as given;
    ``orphan_code`` names a task the engine keeps running: the slot stays out
    until a probe sees it end.
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
            job_ended_record(job_id=job_id, kind="failed", message=error, slot_id=slot_id, **extra)
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
                kind="retry",
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


def job_stage_engine_busy(*, job_id, stage: str, slot_id: int, fence: int, message: str) -> bool:
    """The engine was busy with foreign work: the job waits again, the slot is kept out."""
    with transaction.atomic():
        done = _binding(job_id, stage, slot_id, fence).update(
            status=Job.WAITING_FOR[stage], engine_code="", progress_detail=""
        )
        if not done:
            return False
        event_record(job_id=job_id, kind="engine_busy", message=message, slot_id=slot_id)
        GpuSlot.objects.filter(pk=slot_id, fence=fence).update(engine_busy=True, last_error=message)
        slot_release(slot_id=slot_id, fence=fence, success=True)
    return True


def job_cancel(*, job: Job, reason: str = "Canceled by user.") -> bool:
    """Stop a job. A running stage notices at its next heartbeat and frees its slot."""
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status__in=Job.LIVE_STATUSES).update(
            status=Status.CANCELED, finished_at=timezone.now(), error=reason, progress_detail=""
        )
        if done:
            job_ended_record(job_id=job.pk, kind="canceled", message=reason)
    job.refresh_from_db()
    return bool(done)


RETRYABLE = (Status.FAILED, Status.CANCELED)


def job_retry(*, job: Job) -> bool:
    """Run a failed or canceled job again from the stage it stopped in.

    With its speech on disk the job waits for a video slot again; without, it
    starts over at the TTS stage. Attempts, error and finish time are reset.
    """
    speech = Path(settings.MEDIA_ROOT) / job.speech_audio if job.speech_audio else None
    has_speech = bool(speech and speech.is_file())
    status = Status.AUDIO_READY if has_speech else Status.QUEUED
    with transaction.atomic():
        done = Job.objects.filter(pk=job.pk, status__in=RETRYABLE).update(
            status=status,
            progress=40 if has_speech else 0,
            attempt=0,
            error="",
            finished_at=None,
            not_before=None,
            avoid_slot=None,
            engine_code="",
            speech_audio=job.speech_audio if has_speech else "",
            render_started_at=None,
            render_finished_at=None,
        )
        if done:
            stage = "video" if has_speech else "speech"
            event_record(job_id=job.pk, kind="retried", message=f"Retried from the {stage} stage.")
            transaction.on_commit(dispatch_later)
    job.refresh_from_db()
    return bool(done)


# --- Slots ------------------------------------------------------------------


def slot_renew(*, slot_id: int, fence: int) -> bool:
    lease = timedelta(seconds=settings.HEYGEM["LEASE_SECONDS"])
    return bool(
        GpuSlot.objects.filter(pk=slot_id, fence=fence, lease_until__isnull=False).update(
            lease_until=timezone.now() + lease
        )
    )


def slot_release(
    *, slot_id: int, fence: int, success: bool, error: str = "", orphan_code: str = ""
) -> bool:
    """End a binding. A draining slot becomes disabled; failures count against health.

    With ``orphan_code`` the engine is still running that task (HeyGem has no
    cancel): the slot is quarantined until a probe sees the task end.
    """
    slot = GpuSlot.objects.select_for_update().filter(pk=slot_id, fence=fence).first()
    if slot is None or slot.lease_until is None:
        return False
    slot.lease_until = None
    fields = ["lease_until"]
    if orphan_code:
        slot.engine_busy, slot.orphan_code = True, orphan_code
        fields += ["engine_busy", "orphan_code"]
    if slot.draining:
        slot.enabled, slot.draining = False, False
        fields += ["enabled", "draining"]
    if success:
        slot.consecutive_failures = 0
        fields.append("consecutive_failures")
    elif error:
        slot.consecutive_failures += 1
        slot.last_error = error
        fields += ["consecutive_failures", "last_error"]
        if slot.consecutive_failures >= settings.HEYGEM["UNHEALTHY_AFTER"]:
            slot.healthy = False
            fields.append("healthy")
    slot.save(update_fields=fields)
    transaction.on_commit(dispatch_later)
    return True


def slot_create(
    *,
    name: str,
    stage: str,
    backend: str,
    gpu: str = "",
    base_url: str = "",
    data_dir: str = "",
    container_data_dir: str = "/code/data",
) -> GpuSlot:
    if backend not in GpuSlot.STAGE_BACKENDS.get(stage, ()):
        allowed = ", ".join(GpuSlot.STAGE_BACKENDS.get(stage, ())) or "none"
        raise ValidationError(
            {"backend": f"Backend {backend!r} cannot run the {stage!r} stage (use: {allowed})."}
        )
    if GpuSlot.objects.filter(name=name).exists():
        raise ValidationError({"name": f"A slot named {name!r} exists already."})
    if backend not in GpuSlot.EMBEDDED_BACKENDS:
        if not base_url:
            raise ValidationError({"base_url": f"The {backend} backend needs --url."})
        data_dir = _checked_data_dir(data_dir, backend)
    slot = GpuSlot(
        name=name,
        stage=stage,
        backend=backend,
        gpu=gpu,
        base_url=base_url,
        data_dir=data_dir,
        container_data_dir=container_data_dir,
    )
    slot.full_clean()
    slot.save()
    transaction.on_commit(dispatch_later)
    return slot


def _checked_data_dir(data_dir: str, backend: str) -> str:
    """The host folder mounted into the engine: it must exist and be ours to write."""
    if not data_dir:
        raise ValidationError({"data_dir": f"The {backend} backend needs --data-dir."})
    path = Path(data_dir).expanduser()
    if not path.is_absolute():
        raise ValidationError({"data_dir": f"Give the data dir as an absolute path: {data_dir}."})
    if not path.is_dir():
        raise ValidationError(
            {"data_dir": f"The data dir {path} does not exist: create it, and mount it "
                         "into the engine container at the container data dir."}
        )  # fmt: skip
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValidationError({"data_dir": f"The data dir {path} is not writable by this user."})
    return str(path)


def slot_set_enabled(*, slot: GpuSlot, enabled: bool) -> None:
    GpuSlot.objects.filter(pk=slot.pk).update(enabled=enabled, draining=False)
    if enabled:
        transaction.on_commit(dispatch_later)


def slot_drain(*, slot: GpuSlot) -> None:
    """Take no new job; a busy slot finishes its job first, an idle one stops now."""
    with transaction.atomic():
        locked = GpuSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.lease_until is None:
            locked.enabled, locked.draining = False, False
        else:
            locked.draining = True
        locked.save(update_fields=["enabled", "draining"])


def slot_remove(*, slot: GpuSlot) -> None:
    if slot.lease_until is not None:
        raise ValidationError(f"Slot {slot.name} is running a job; drain it first.")
    slot.delete()


def slot_probe(*, slot: GpuSlot, deep: bool = False) -> str:
    """Ask the engine whether it can take work; record health. Returns '' or the error.

    A reachable engine still running a task (EngineBusy) stays healthy but kept
    out; a failed probe marks the slot unhealthy until a later probe passes.
    """
    from .engines import EngineBusy, EngineError, engine_for_slot

    busy, orphan = False, ""
    try:
        engine_for_slot(slot).probe(deep=deep)
        error = ""
    except EngineBusy as exc:
        error, busy = str(exc), True
    except EngineError as exc:
        error, orphan = str(exc), exc.orphan_code
    fields = {"last_probe_at": timezone.now()}
    if busy:
        fields.update(last_error=error, healthy=True, engine_busy=True)
    elif error:
        fields.update(last_error=error, healthy=False)
        if orphan:
            fields.update(engine_busy=True, orphan_code=orphan)
    else:
        fields.update(
            healthy=True, engine_busy=False, orphan_code="", consecutive_failures=0, last_error=""
        )
    # The orphan we looked at must still be the slot's: a release may have set a new one.
    GpuSlot.objects.filter(pk=slot.pk, orphan_code=slot.orphan_code).update(**fields)
    if not error:
        transaction.on_commit(dispatch_later)
    return error
