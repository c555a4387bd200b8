"""The TTS and render stages, run by django-q2 workers under a slot lease.

A stage owns its binding (job, slot, fence) and nothing else: every write goes
through a service that checks the binding, and the heartbeat renews the lease
and stops the engine as soon as the binding is gone (job canceled, lease
reclaimed by the sweep).
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone

import normalization

from . import media, services
from .dispatcher import dispatch
from .engines import EngineBusy, EngineError, RenderRequest, SpeechRequest, engine_for_slot
from .models import GpuSlot, Job

logger = logging.getLogger(__name__)

# What share of the job's progress bar each stage fills.
PROGRESS_SPAN = {GpuSlot.Stage.TTS: (2, 40), GpuSlot.Stage.VIDEO: (40, 99)}


class LeaseLost(Exception):
    """This worker no longer holds the binding; it must stop and write nothing."""


class Binding:
    def __init__(self, *, job_id, stage: str, slot_id: int, fence: int):
        self.job_id, self.stage, self.slot_id, self.fence = job_id, stage, slot_id, fence
        self.renew_every = settings.HEYGEM["LEASE_SECONDS"] / 3
        self._last_renewal = time.monotonic()
        self._last_progress = -1
        self._last_detail = None

    def key(self) -> dict:
        return {"job_id": self.job_id, "stage": self.stage, "slot_id": self.slot_id,
                "fence": self.fence}  # fmt: skip

    def heartbeat(
        self,
        engine_progress: float | None = None,
        *,
        detail: str | None = None,
        event: str | None = None,
    ) -> None:
        """Renew the lease (at most every third of it) and publish progress.

        ``detail`` is the live line shown with the figure; ``event`` an engine
        answer worth keeping in the job's timeline.
        """
        low, high = PROGRESS_SPAN[self.stage]
        progress = self._last_progress
        if engine_progress is not None:
            progress = int(low + (high - low) * max(0.0, min(100.0, engine_progress)) / 100)
        detail = None if detail == self._last_detail else detail
        due = time.monotonic() - self._last_renewal >= self.renew_every
        if not due and progress == self._last_progress and detail is None and not event:
            return
        if due:
            if not services.slot_renew(slot_id=self.slot_id, fence=self.fence):
                raise LeaseLost
            self._last_renewal = time.monotonic()
        key = self.key()
        if not services.job_progress_update(**key, progress=max(progress, low), detail=detail):
            raise LeaseLost
        if event and not services.job_engine_event(**key, message=event):
            raise LeaseLost
        self._last_progress = progress
        self._last_detail = self._last_detail if detail is None else detail


def run_stage(stage: str, job_id, slot_id: int, fence: int, resume: bool = False) -> str:
    binding = Binding(job_id=job_id, stage=stage, slot_id=slot_id, fence=fence)
    if not services.binding_is_current(**binding.key()):
        return "stale"  # a redelivered or superseded task: someone else owns this now
    job = Job.objects.select_related("voice").get(pk=job_id)
    slot = GpuSlot.objects.get(pk=slot_id)
    started = time.monotonic()
    try:
        binding.heartbeat(0)
        engine = engine_for_slot(slot)
        if stage == GpuSlot.Stage.TTS:
            path, seconds = _synthesize(job, slot, engine, binding)
            services.job_speech_finished(
                **_outcome_key(binding), speech_path=path, audio_seconds=seconds,
                engine_seconds=time.monotonic() - started,
            )  # fmt: skip
        else:
            path = _render(job, engine, binding, resume=resume)
            services.job_render_finished(
                **_outcome_key(binding), result_path=path,
                engine_seconds=time.monotonic() - started,
            )  # fmt: skip
        return "done"
    except LeaseLost:
        _abandon(binding, slot)
        return "lease lost"
    except EngineBusy as exc:
        services.job_stage_engine_busy(**binding.key(), message=str(exc))
        return "engine busy"
    except EngineError as exc:
        services.job_stage_failed(
            **binding.key(), error=str(exc), engine_message=exc.engine_message,
            orphan_code=exc.orphan_code,
        )  # fmt: skip
        return "failed"
    except media.MediaError as exc:
        services.job_stage_failed(**binding.key(), error=str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("stage %s of job %s crashed", stage, job_id)
        services.job_stage_failed(**binding.key(), error=f"Internal error: {exc}", slot_fault=False)
        return "crashed"
    finally:
        dispatch()


def _outcome_key(binding: Binding) -> dict:
    key = binding.key()
    key.pop("stage")
    return key


def _synthesize(job: Job, slot: GpuSlot, engine, binding: Binding) -> tuple[Path, float]:
    from voices.services import voice_default, voice_prepare

    # A cloning engine always needs a reference: the built-in voice when the job has none.
    voice = job.voice or (voice_default() if engine.needs_preparation else None)
    if voice is not None:
        voice = voice_prepare(voice=voice, slot=slot, engine=engine, heartbeat=binding.heartbeat)
    chunks = normalization.split_for_tts(job.spoken_text, engine.max_chunk_chars)
    out = services.job_dir(job.pk) / "speech.wav"
    engine.synthesize(SpeechRequest(chunks=chunks, out_path=out, voice=voice), binding.heartbeat)
    info = media.probe(out, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
    if not info.has_audio or info.duration <= 0:
        raise EngineError("the engine returned no speech")
    return out, info.duration


def _render(job: Job, engine, binding: Binding, *, resume: bool) -> Path:
    media_root = Path(settings.MEDIA_ROOT)
    video = media_root / job.speaker_video if job.speaker_video else default_speaker()
    out = services.job_dir(job.pk) / "result.mp4"
    request = RenderRequest(
        code=job.engine_code,
        audio_path=Path(settings.MEDIA_ROOT) / job.speech_audio,
        video_path=video,
        out_path=out,
        audio_seconds=job.audio_seconds or 0.0,
        resume=resume,
        elapsed_seconds=_render_elapsed(job) if resume else 0.0,
    )
    engine.render(request, binding.heartbeat)
    return out


def _render_elapsed(job: Job) -> float:
    """How long a resumed render has run already: its timeout counts from the start."""
    if job.render_started_at is None:
        return 0.0
    return max((timezone.now() - job.render_started_at).total_seconds(), 0.0)


def default_speaker() -> Path:
    """The speaker video used when a job has none; made once on first use."""
    path = Path(settings.MEDIA_ROOT) / "defaults" / "speaker.mp4"
    if not path.exists():
        media.make_sample_speaker(path)
    return path


def _abandon(binding: Binding, slot: GpuSlot) -> None:
    """The job was canceled or reclaimed: free the slot if it is still ours.

    A HeyGem render cannot be canceled, so its slot is quarantined with the
    task's code and probed at once: free now if the engine never had the task,
    otherwise kept out until a probe (the sweep's) sees the task end.
    """
    from django.db import transaction

    from .engines import ENGINES

    orphan = ""
    keeps_running = getattr(ENGINES.get(slot.backend), "resumable", False)
    if binding.stage == GpuSlot.Stage.VIDEO and keeps_running:
        orphan = Job.objects.filter(pk=binding.job_id).values_list("engine_code", flat=True).first()
    with transaction.atomic():
        released = services.slot_release(
            slot_id=binding.slot_id, fence=binding.fence, success=True, orphan_code=orphan or ""
        )
    if released and orphan:
        slot.refresh_from_db()
        services.slot_probe(slot=slot)
