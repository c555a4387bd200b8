"""The join of a segmented job: its segments' speech and pictures made one video.

Run by a django-q2 task once the last segment's render is recorded. No transaction
stays open across ffmpeg: the job is read, the media made under partial names, and
the outcome written by one conditional update (``segmented`` → ``succeeded``), so a
join that runs twice (redelivery) or after a cancel writes nothing the second time.

The sound is the segments' WAVs end to end, sample for sample (never their encoded
tracks: AAC pads every track's start and end, which would be a gap and a click at each
join); the picture is their videos cut to the frame where each segment's speech ends
in the whole (``media.join_segments``), so lips and sound stay together to the end.
"""

import hashlib
import logging
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from . import media, storage, subtitles
from .engines import LeaseLost
from .models import Job
from .services import segments

logger = logging.getLogger(__name__)
Status = Job.Status
CHECK_EVERY_SECONDS = 2.0


def join_segments(parent_id: Any) -> str:
    parent = Job.objects.filter(pk=parent_id, status=Status.SEGMENTED).first()
    if parent is None:
        return "stale"  # canceled, failed or joined already
    children = list(parent.segments.order_by("segment_index"))
    if not children or any(child.status != Status.SUCCEEDED for child in children):
        return "not ready"
    speech = storage.job_name(parent.pk, "speech.wav")
    result = storage.job_name(parent.pk, "result.mp4")
    timing = [part for child in children for part in child.speech_timing]
    try:
        seconds, message = _join(parent, children, speech, result, timing)
    except LeaseLost:
        _remove(speech, result)
        return "canceled"
    except media.MediaError as exc:
        logger.warning("join of job %s failed: %s", parent.pk, exc)
        _remove(speech, result)
        segments.job_segments_join_failed(
            parent_id=parent.pk, error=f"Joining the segments failed: {exc}"
        )
        return "failed"
    if not segments.job_segments_joined(
        parent_id=parent.pk, speech_name=speech, result_name=result,
        audio_seconds=seconds, timing=timing, message=message,
    ):  # fmt: skip
        _remove(speech, result)  # canceled while joining: nothing of it stays
        return "stale"
    return "done"


JOINED = {
    "copied": "Segments joined: their pictures copied frame for frame, the speech in one piece",
    "encoded": "Segments joined: their pictures encoded once, the speech in one piece",
}
SOUND_MADE_AHEAD = " (encoded while they rendered)"


def _join(
    parent: Job, children: list[Job], speech: str, result: str, timing: list
) -> tuple[float, str]:
    """(the joined speech's seconds, the event's message)"""
    beat = _StillSegmented(parent.pk)
    encoded = _encoded_sound_name(parent.pk, children)
    with ExitStack() as stack:
        wavs = [stack.enter_context(storage.reading(child.speech_audio)) for child in children]
        videos = [stack.enter_context(storage.reading(child.result_video)) for child in children]
        lengths = [frames / rate for frames, rate in map(media.wav_frames, wavs)]
        with storage.writing(speech) as joined:
            media.wav_concat(wavs, joined)
        frames, rate = media.wav_frames(joined)
        folder = stack.enter_context(storage.scratch())
        srt = _subtitle_file(folder, timing) if parent.burn_subtitles else None
        aac = stack.enter_context(storage.reading(encoded)) if storage.exists(encoded) else None
        with storage.reading(speech) as sound, storage.writing(result) as out:
            how = media.join_segments(videos, sound, out, segment_seconds=lengths,
                                      subtitles=srt, encoded_audio=aac, heartbeat=beat)  # fmt: skip
    _remove(encoded)
    return frames / rate, JOINED[how] + (SOUND_MADE_AHEAD if aac else "") + "."


def prepare_sound(parent_id: Any) -> str:
    """The segments' speech as the join's AAC track, encoded once all of it is in, while
    the pictures still render (queued by ``segments.segment_spoken``): on a long lecture
    that encode is most of what the join would otherwise do after the last render."""
    parent = Job.objects.filter(pk=parent_id, status=Status.SEGMENTED).first()
    children = list(parent.segments.order_by("segment_index")) if parent else []
    if not children or not all(child.speech_audio for child in children):
        return "stale"
    name = _encoded_sound_name(parent_id, children)
    if storage.exists(name):
        return "made"
    try:
        with ExitStack() as stack:
            wavs = [stack.enter_context(storage.reading(c.speech_audio)) for c in children]
            joined = stack.enter_context(storage.scratch()) / "speech.wav"
            media.wav_concat(wavs, joined)
            with storage.writing(name) as out:
                media.encode_speech(joined, out, heartbeat=_StillSegmented(parent_id))
    except LeaseLost:
        return "canceled"
    except (media.MediaError, OSError) as exc:
        logger.warning("sound of job %s not encoded ahead of its join: %s", parent_id, exc)
        return "failed"
    return "made"


def _encoded_sound_name(parent_id: Any, children: list[Job]) -> str:
    # Named by the speech it was made of: if a segment is spoken again, its old
    # encode is not the sound of the new speech.
    made_of = "|".join(f"{c.speech_audio}@{c.tts_finished_at}" for c in children)
    digest = hashlib.sha256(made_of.encode()).hexdigest()[:16]
    return storage.job_name(parent_id, f"speech-{digest}.m4a")


def _subtitle_file(folder: Path, timing: list) -> Path:
    path = folder / "subtitles.srt"
    path.write_text(subtitles.to_srt(subtitles.cues(timing)), encoding="utf-8")
    return path


def _remove(*names: str) -> None:
    for name in names:
        if storage.exists(name):
            storage.delete(name)


class _StillSegmented:
    """The join's heartbeat: ffmpeg is killed once the job is canceled meanwhile."""

    def __init__(self, job_id: Any):
        self.job_id, self._checked = job_id, time.monotonic()

    def __call__(self, progress: float | None = None) -> None:
        if time.monotonic() - self._checked < CHECK_EVERY_SECONDS:
            return
        self._checked = time.monotonic()
        if not Job.objects.filter(pk=self.job_id, status=Status.SEGMENTED).exists():
            raise LeaseLost
