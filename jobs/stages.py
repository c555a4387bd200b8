"""The TTS and render stages, run by django-q2 workers under a slot lease.

A stage owns its binding (job, slot, fence) and nothing else: every write goes
through a service that checks the binding, and the heartbeat renews the lease
and stops the engine as soon as the binding is gone (job canceled, lease
reclaimed by the sweep). A database that stops answering is not the job's fault:
the heartbeat rides out an outage as long as a lease lasts, then the stage stops
without writing or deleting anything, and the sweep resumes or re-runs it.
"""

import errno
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

import normalization
from voices.services import voice_default, voice_prepare

from . import media, selectors, storage, subtitles
from .engines import (
    Answer,
    AnswerTally,
    BindingUnknown,
    EngineBusy,
    EngineError,
    LeaseLost,
    RenderRequest,
    SpeechRequest,
    TtsEngine,
    VideoEngine,
    WorkerStopping,
    engine_for_slot,
    is_resumable,
)
from .models import EngineAnswerCount, GpuSlot, Job
from .services import bindings, slots

logger = logging.getLogger(__name__)
T = TypeVar("T")

# What share of the job's progress bar each stage fills.
PROGRESS_SPAN: dict[str, tuple[int, int]] = {
    GpuSlot.Stage.TTS: (2, 40),
    GpuSlot.Stage.VIDEO: (40, 99),
}
DATABASE_RETRY_SECONDS = 1.0
# Set when `manage.py workers` tells this worker process to stop (SIGUSR1): the
# running stage hands its binding back at its next heartbeat.
STOPPING = threading.Event()
STOP_SIGNAL = signal.SIGUSR1


def _listen_for_stop() -> None:
    # django-q2 runs a task in its worker process's main thread; elsewhere (Q_SYNC,
    # a test calling run_stage) there is no worker to stop.
    if threading.current_thread() is threading.main_thread():
        signal.signal(STOP_SIGNAL, lambda signum, frame: STOPPING.set())


class Binding:
    """This worker's hold on (job, stage, slot, fence): the heartbeat engines call."""

    def __init__(self, *, job_id: Any, stage: str, slot_id: int, fence: int):
        self.job_id, self.stage, self.slot_id, self.fence = job_id, stage, slot_id, fence
        self.lease_seconds = settings.HEYGEM["LEASE_SECONDS"]
        self.renew_every = self.lease_seconds / 3
        self._last_renewal = self._last_check = time.monotonic()
        self.check_every = settings.HEYGEM["BINDING_CHECK_SECONDS"]
        self._last_progress = -1
        self._last_detail: str | None = None
        self.parent_id: Any = None  # a segment's progress moves its parent's
        # What the engine answered, counted in memory and added to the slot's counters
        # with each lease renewal and once at the end: no write per engine call.
        self.answers = AnswerTally()

    def key(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "stage": self.stage, "slot_id": self.slot_id,
                "fence": self.fence}  # fmt: skip

    def outcome_key(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "slot_id": self.slot_id, "fence": self.fence}

    def __call__(
        self,
        progress: float | None = None,
        *,
        detail: str | None = None,
        event: str | None = None,
    ) -> None:
        """Renew the lease (at most every third of it) and publish progress.

        ``detail`` is the live line shown with the figure; ``event`` an engine
        answer worth keeping in the job's timeline.
        """
        low, high = PROGRESS_SPAN[self.stage]
        figure = self._last_progress
        if progress is not None:
            figure = int(low + (high - low) * max(0.0, min(100.0, progress)) / 100)
        detail = None if detail == self._last_detail else detail
        now = time.monotonic()
        if STOPPING.is_set():
            raise WorkerStopping
        due = now - self._last_renewal >= self.renew_every
        changed = figure != self._last_progress or detail is not None or bool(event)
        # A cancel is seen within check_every: one indexed read when nothing else is written.
        check = now - self._last_check >= self.check_every
        if not (due or changed or check):
            return
        self.call(lambda: self._beat(due, changed, max(figure, low), detail, event))
        self._last_check = now
        self._last_progress = figure
        self._last_detail = self._last_detail if detail is None else detail

    def _beat(
        self, due: bool, changed: bool, figure: int, detail: str | None, event: str | None
    ) -> None:
        key = self.key()
        if due:
            if not slots.slot_renew(slot_id=self.slot_id, fence=self.fence):
                raise LeaseLost
            self._last_renewal = time.monotonic()
            self.answers.flush(self.record_answers)
        if changed:
            if not bindings.job_progress_update(
                **key, progress=figure, detail=detail, parent_id=self.parent_id
            ):
                raise LeaseLost
        elif not bindings.binding_is_current(**key):
            raise LeaseLost
        if event and not bindings.job_engine_event(**key, message=event):
            raise LeaseLost

    def record_answers(self, counts: Mapping[Answer, int]) -> None:
        # Counts are the slot's, not the binding's: no fence to check.
        slots.slot_answers_record(
            slot_id=self.slot_id, caller=EngineAnswerCount.Caller.STAGE, counts=counts
        )

    def flush_answers(self) -> None:
        """The last counts, once, when the stage ends: a database that is down loses them
        (they are counts, not state), and the stage's outcome is not held up for them."""
        try:
            self.answers.flush(self.record_answers)
        except DatabaseError as exc:
            close_old_connections()
            logger.warning("stage %s of job %s: engine answers not counted: %s",
                           self.stage, self.job_id, exc)  # fmt: skip

    def confirm(self) -> None:
        if STOPPING.is_set():
            raise WorkerStopping
        if not self.call(lambda: bindings.binding_is_current(**self.key())):
            raise LeaseLost

    def call(self, action: Callable[[], T]) -> T:
        """Run a database call, riding out an outage for as long as a lease lasts.

        A dropped connection is replaced; past the lease, another worker may hold
        the binding, so this one stops (BindingUnknown) and touches nothing.
        """
        give_up = time.monotonic() + self.lease_seconds
        while True:
            try:
                return action()
            except DatabaseError as exc:
                close_old_connections()  # a broken connection is closed; the next call reconnects
                if time.monotonic() >= give_up:
                    raise BindingUnknown(f"the database is unreachable: {exc}") from exc
                logger.warning("stage %s of job %s: database error, retrying: %s",
                               self.stage, self.job_id, exc)  # fmt: skip
                time.sleep(DATABASE_RETRY_SECONDS)


def run_stage(stage: str, job_id: Any, slot_id: int, fence: int, resume: bool = False) -> str:
    _listen_for_stop()
    binding = Binding(job_id=job_id, stage=stage, slot_id=slot_id, fence=fence)
    try:
        if not binding.call(lambda: bindings.binding_is_current(**binding.key())):
            return "stale"  # a redelivered or superseded task: someone else owns this now
        if STOPPING.is_set():  # taken from the queue while this worker was told to stop
            binding.call(partial(bindings.job_stage_handed_back, **binding.key()))
            return "handed back"
        job = binding.call(lambda: Job.objects.select_related("voice").get(pk=job_id))
        binding.parent_id = job.parent_id
        slot = binding.call(lambda: GpuSlot.objects.get(pk=slot_id))
        return _run(job, slot, binding, resume=resume)
    except BindingUnknown as exc:
        # Nothing written, nothing deleted: the lease runs out and the sweep
        # resumes the render (same engine task) or runs the stage again.
        logger.warning("stage %s of job %s stopped: %s", stage, job_id, exc)
        return "interrupted"
    finally:
        binding.flush_answers()


def _run(job: Job, slot: GpuSlot, binding: Binding, *, resume: bool) -> str:
    started = time.monotonic()
    engine = engine_for_slot(slot.config(), binding.answers)
    try:
        binding(0)
        if isinstance(engine, TtsEngine):
            name, seconds, timing = _synthesize(job, slot, engine, binding)
            binding.call(partial(
                bindings.job_speech_finished, **binding.outcome_key(), speech_name=name,
                audio_seconds=seconds, engine_seconds=time.monotonic() - started, timing=timing,
            ))  # fmt: skip
        else:
            name = _render(job, slot, engine, binding, resume=resume)
            recorded = binding.call(partial(
                bindings.job_render_finished, **binding.outcome_key(), result_name=name,
                engine_seconds=time.monotonic() - started,
            ))  # fmt: skip
            _discard_if(recorded, engine, job)
        return "done"
    except BindingUnknown:
        raise
    except WorkerStopping:
        binding.call(partial(bindings.job_stage_handed_back, **binding.key()))
        return "handed back"
    except LeaseLost:
        _abandon(binding, slot, job)
        if isinstance(engine, VideoEngine):
            _discard_if(binding.call(partial(_succeeded_with, job)), engine, job)
        return "lease lost"
    except EngineBusy as exc:
        recorded = binding.call(
            partial(bindings.job_stage_engine_busy, **binding.key(), message=str(exc))
        )
        _discard_if(recorded, engine, job)
        return "engine busy"
    except EngineError as exc:
        recorded = binding.call(partial(
            bindings.job_stage_failed, **binding.key(), error=str(exc),
            engine_message=exc.engine_message, orphan_code=exc.orphan_code,
        ))  # fmt: skip
        # An orphan's files go when a probe sees the engine let go of it.
        _discard_if(recorded and not exc.orphan_code, engine, job)
        return "failed"
    except DiskFull as exc:  # not the engine's fault: its slot's health is left alone
        binding.call(partial(
            bindings.job_stage_failed, **binding.key(), error=str(exc), slot_fault=False
        ))  # fmt: skip
        return "disk full"
    except media.MediaError as exc:
        binding.call(partial(bindings.job_stage_failed, **binding.key(), error=str(exc)))
        return "failed"
    except DatabaseError as exc:
        raise BindingUnknown(f"the database failed: {exc}") from exc
    except Exception as exc:
        logger.exception("stage %s of job %s crashed", binding.stage, job.pk)
        binding.call(partial(
            bindings.job_stage_failed, **binding.key(), error=f"Internal error: {exc}",
            slot_fault=False,
        ))  # fmt: skip
        return "crashed"


def _discard_if(recorded: bool, engine: TtsEngine | VideoEngine, job: Job) -> None:
    """Engine-side task files go only once the outcome is recorded under this binding."""
    if recorded and isinstance(engine, VideoEngine) and job.engine_code:
        engine.discard(job.engine_code)


def _succeeded_with(job: Job) -> bool:
    """Whether the job ended well with this render's engine task (a successor finished it).

    A stale worker that heard the engine's answer late may have written it down after
    the successor cleaned up; the files of a task whose outcome is recorded can go.
    """
    return Job.objects.filter(
        pk=job.pk, status=Job.Status.SUCCEEDED, engine_code=job.engine_code
    ).exists()


def _synthesize(
    job: Job, slot: GpuSlot, engine: TtsEngine, binding: Binding
) -> tuple[str, float, list[list]]:
    # A cloning engine always needs a reference: the built-in voice when the job has none.
    # Database calls through the binding: a restart mid-stage is ridden out, not a reclaim.
    voice = job.voice or (binding.call(voice_default) if engine.needs_preparation else None)
    prepared = None
    if voice is not None:
        prepared = voice_prepare(
            voice=voice, slot=slot, engine=engine, heartbeat=binding, db=binding.call
        )
    chunks, pauses = speech_chunks(job, engine.max_chunk_chars)
    name = storage.job_name(job.pk, "speech.wav")
    with storage.writing(name) as out, _disk_space(slot):
        request = SpeechRequest(chunks=chunks, out_path=out, voice=prepared, pauses=pauses)
        parts = engine.synthesize(request, binding)
        seconds = _speech_seconds(out)
        if job.parent_id is not None:
            # The pause the engine puts between chunks goes between segments too, in this
            # segment's own speech (so its render and the joined sound hold it alike),
            # made up to whole frames of the speaker video so the join can copy them.
            last = binding.call(partial(selectors.segment_is_last, job))
            pause = 0.0 if last else settings.HEYGEM["TTS_PAUSE_SECONDS"]
            media.wav_pad_to_frames(out, at_least=pause, fps=_speaker_fps(job))
            seconds = _speech_seconds(out)
    return name, seconds, speech_timing(parts, chunks, seconds)


def _speech_seconds(path: Path) -> float:
    """The engines write PCM WAV; anything else they might hand back is probed."""
    try:
        seconds = media.wav_seconds(path)
    except media.MediaError:
        info = media.probe(path, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
        seconds = info.duration if info.has_audio else 0.0
    if seconds <= 0:
        raise EngineError("the engine returned no speech")
    return seconds


def _speaker_fps(job: Job) -> float:
    with storage.reading(job.speaker_video or default_speaker()) as video:
        info = media.probe(video, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
    return info.frame_rate or 25.0


def speech_timing(parts: list[tuple[str, float]], chunks: list[str], seconds: float) -> list[list]:
    """[[text, seconds], ...] of the speech; the file's own length is the truth, so the
    last part takes up whatever the parts' sum misses (trailing silence, the pause)."""
    timed = list(parts) or [(" ".join(chunks), 0.0)]
    text, length = timed[-1]
    timed[-1] = (text, length + seconds - sum(part for _, part in timed))
    return [[text, round(max(0.0, length), 4)] for text, length in timed]


def speech_chunks(job: Job, max_chars: int) -> tuple[list[str], tuple[float, ...]]:
    """The engine's chunks and the silence after each: an SSML job's plan (its pieces
    between breaks, each cut to the engine's size), else its spoken text."""
    if not job.speech_plan:
        return normalization.split_for_tts(job.spoken_text, max_chars), ()
    chunks: list[str] = []
    pauses: list[float] = []
    for text, pause in job.speech_plan:
        parts = normalization.split_for_tts(text, max_chars) or [""]
        chunks.extend(parts)
        pauses.extend([0.0] * (len(parts) - 1) + [float(pause)])
    return chunks, tuple(pauses)


def _render(job: Job, slot: GpuSlot, engine: VideoEngine, binding: Binding, *, resume: bool) -> str:
    name = storage.job_name(job.pk, "result.mp4")
    with _disk_space(slot):  # the default speaker is made on first use
        video = job.speaker_video or default_speaker()
    with storage.reading(job.speech_audio) as audio, storage.reading(video) as video_path:
        with (
            _speaker_for(job, video_path, binding) as speaker,
            storage.writing(name) as out,
            _disk_space(slot),
        ):
            request = RenderRequest(
                code=job.engine_code,
                audio_path=audio,
                video_path=speaker,
                out_path=out,
                audio_seconds=job.audio_seconds or 0.0,
                resume=resume,
                elapsed_seconds=_render_elapsed(job) if resume else 0.0,
            )
            engine.render(request, binding)
            if job.burn_subtitles and job.parent_id is None:
                _burn_subtitles(job, out, binding)
    return name


# Free space below which a volume counts as full after a stage wrote to it: a tool
# that hit ENOSPC may still exit 0 with a cut-off file (espeak-ng does), and the
# volume is then left with next to nothing free.
DISK_FULL_BELOW = 1 << 20
NO_SPACE = "No space left on device"


class DiskFull(Exception):
    """The stage's output could not be written whole: the media volume (or a data dir) is full."""


@contextmanager
def _disk_space(slot: GpuSlot | None) -> Iterator[None]:
    """Turn a full disk, however a tool reports it, into DiskFull naming the volume.

    Inside ``storage.writing``, so the cut-off output is removed as DiskFull passes.
    """
    try:
        yield
    except (EngineError, media.MediaError, OSError) as exc:
        if not _no_space(exc):
            raise
        raise DiskFull(
            f"No space left on {_volume(exc, slot)}: the attempt was stopped and "
            "its partial output removed; free space, then it runs again."
        ) from exc
    volume, free = storage.write_volume()
    if free is not None and free < DISK_FULL_BELOW:
        raise DiskFull(f"No space left on {volume} ({free:,} bytes free after the "
                       "stage wrote its output): the output was removed.")  # fmt: skip


def _no_space(exc: BaseException | None) -> bool:
    while exc is not None:
        if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or NO_SPACE in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _volume(exc: BaseException, slot: GpuSlot | None) -> str:
    filename = str(getattr(exc, "filename", "") or "")
    if slot is not None and slot.data_dir and filename.startswith(slot.data_dir):
        return f"the data dir of {slot.name} ({slot.data_dir})"
    return storage.write_volume()[0]


@contextmanager
def _speaker_for(job: Job, video: Path, binding: Binding) -> Iterator[Path]:
    """The speaker video a render gets: a segment's starts where the segments before it
    ended, so the speaker's motion runs on across the joins."""
    if job.parent_id is None:
        yield video
        return
    offset = binding.call(partial(selectors.segment_speaker_offset, job))
    if offset == 0:  # the engine loops the speaker video from its start, as a cut would
        binding(event="Speaker video from 0.00 s, as uploaded: no cut needed.")
        yield video
        return
    made_ahead = _speaker_cut_name(job, offset)
    if storage.exists(made_ahead):
        with storage.reading(made_ahead) as speaker:
            binding(event=f"Speaker video from {offset:.2f} s, cut while the segment waited.")
            yield speaker
        storage.delete(made_ahead)  # rendered: a retry would not need it
        return
    with storage.scratch() as folder:
        speaker = folder / "speaker.mp4"
        media.speaker_from(
            video, speaker, offset=offset, seconds=job.audio_seconds or 0.0, heartbeat=binding
        )
        binding(event=f"Speaker video from {offset:.2f} s, where the earlier segments end.")
        yield speaker


def _speaker_cut_name(job: Job, offset: float) -> str:
    # Named by where it starts and how long it runs: a cut made before this segment or
    # an earlier one was spoken again is never taken for the new speech.
    seconds = job.audio_seconds or 0.0
    return storage.job_name(job.pk, f"speaker-from-{offset:.3f}-for-{seconds:.3f}.mp4")


def prepare_speaker(job_id: Any) -> str:
    """A waiting segment's speaker video, cut from its offset before its render binds
    (queued by ``segments.segment_spoken``). A segment already rendering cuts its own."""
    waiting = (Job.Status.AUDIO_READY, Job.Status.SPEECH_REVIEW)
    job = Job.objects.filter(pk=job_id, status__in=waiting, parent__isnull=False).first()
    if job is None:
        return "stale"
    offset = selectors.segment_speaker_offset(job)
    name = _speaker_cut_name(job, offset)
    if storage.exists(name):
        return "made"
    try:
        with storage.reading(job.speaker_video or default_speaker()) as video:
            with storage.writing(name) as out:
                media.speaker_from(video, out, offset=offset, seconds=job.audio_seconds or 0.0,
                                   niceness=media.AHEAD_NICENESS)  # fmt: skip
    except (media.MediaError, OSError) as exc:
        logger.warning("speaker video of segment %s not made ahead: %s", job.pk, exc)
        return "failed"
    return "made"


def _burn_subtitles(job: Job, video: Path, binding: Binding) -> None:
    with storage.scratch() as folder:
        srt = folder / "subtitles.srt"
        srt.write_text(subtitles.to_srt(subtitles.cues(job.speech_timing)), encoding="utf-8")
        media.burn_subtitles(video, srt, video, heartbeat=binding)


def _render_elapsed(job: Job) -> float:
    """How long a resumed render has run already: its timeout counts from the start."""
    if job.render_started_at is None:
        return 0.0
    return max((timezone.now() - job.render_started_at).total_seconds(), 0.0)


def default_speaker() -> str:
    """The speaker video used when a job has none; made once on first use."""
    name = storage.default_name("speaker.mp4")
    if not storage.exists(name):
        with storage.writing(name) as path:
            media.make_sample_speaker(path)
    return name


def _abandon(binding: Binding, slot: GpuSlot, job: Job) -> None:
    """The job was canceled or reclaimed: free the slot if it is still ours.

    A HeyGem render cannot be canceled, so its slot is quarantined with the
    task's code and probed at once: free now if the engine never had the task,
    otherwise kept out until a probe (the sweep's) sees the task end.
    """
    keeps_running = binding.stage == GpuSlot.Stage.VIDEO and is_resumable(slot.backend)
    orphan = job.engine_code if keeps_running else ""
    released = binding.call(partial(
        slots.slot_release, slot_id=binding.slot_id, fence=binding.fence, success=True,
        orphan_code=orphan,
    ))  # fmt: skip
    if released and orphan:
        slot.refresh_from_db()
        slots.slot_probe(slot=slot)
