"""Uploaded media (speaker videos, voice recordings), checked by content before it is kept.

The client's file name is never used: a file is copied in under a name we make, probed
with ffprobe confined to that one file (jobs.media), accepted only as a container of
the allowlist, and then named after the format it really is. A refusal raises
ValidationError keyed by the form field and leaves the caller's folder to its cleanup.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from . import media

# How a refused format is named to a person (ffmpeg's demuxer name otherwise).
FORMAT_WORDS = {
    "hls": "an HLS playlist",
    "dash": "a DASH manifest",
    "concat": "a concat list",
    "image2": "an image sequence",
    "tty": "a text file",
    "ogg": "an Ogg file",
    "wav": "a WAV audio file",
    "mp3": "an MP3 audio file",
    "flac": "a FLAC audio file",
    "aac": "an AAC audio file",
}
VIDEO_KINDS = "MP4, MOV, Matroska/WebM or AVI"
AUDIO_KINDS = "WAV, MP3, M4A/AAC, FLAC or Ogg/Opus (or a video of the speaker)"


def copy_in(upload, dest: Path) -> Path:
    """Write an uploaded file (or copy a local path) to ``dest``, a name we chose."""
    if hasattr(upload, "chunks"):
        with dest.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    else:
        shutil.copyfile(upload, dest)
    return dest


def probed(path: Path, *, field: str, noun: str, kinds: str) -> media.MediaInfo:
    try:
        return media.probe(path, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
    except media.FormatRefused as exc:
        what = FORMAT_WORDS.get(exc.format_name, f"a {exc.format_name} file")
        raise ValidationError({field: f"The {noun} is {what}; upload {kinds}."}) from exc
    except media.ExternalReferences as exc:
        raise ValidationError(
            {field: f"The {noun} refers to media stored in other files; "
                    "export it as one self-contained file and upload that."}
        ) from exc  # fmt: skip
    except media.MediaError as exc:
        raise ValidationError({field: f"The {noun} is not usable: {exc}."}) from exc


def speaker_video_store(*, video, folder: Path) -> tuple[Path, media.MediaInfo]:
    """The speaker video in ``folder`` as ``speaker.<its real kind>``, within the limits."""
    partial = copy_in(video, folder / "upload.partial")
    info = probed(partial, field="video", noun="speaker file", kinds=VIDEO_KINDS)
    if not info.has_video:
        raise ValidationError({"video": "The speaker file has no video stream."})
    if info.container not in media.VIDEO_CONTAINERS:
        what = FORMAT_WORDS.get(info.container, f"a {info.container} file")
        raise ValidationError({"video": f"The speaker video is {what}; upload {VIDEO_KINDS}."})
    if info.duration <= 0:
        raise ValidationError({"video": "The speaker video has no duration."})
    speaker_limits_check(info)
    dest = folder / f"speaker{media.VIDEO_CONTAINERS[info.container]}"
    partial.replace(dest)
    return dest, info


def speaker_limits_check(info: media.MediaInfo) -> None:
    """Refuse a speaker video too long, too large or too fast, naming the limit."""
    limits = settings.HEYGEM
    seconds, side, fps = (
        limits["MAX_SPEAKER_SECONDS"],
        limits["MAX_SPEAKER_SIDE"],
        limits["MAX_SPEAKER_FPS"],
    )
    if info.duration > seconds:
        raise ValidationError(
            {"video": f"The speaker video is {duration_words(info.duration)} long; the limit "
                      f"is {duration_words(seconds)} (HEYGEM_MAX_SPEAKER_SECONDS)."}
        )  # fmt: skip
    if max(info.width or 0, info.height or 0) > side:
        raise ValidationError(
            {"video": f"The speaker video is {info.width}×{info.height} pixels; the limit is "
                      f"{side} pixels on its longer side (HEYGEM_MAX_SPEAKER_SIDE)."}
        )  # fmt: skip
    if info.frame_rate and info.frame_rate > fps + 0.5:
        raise ValidationError(
            {"video": f"The speaker video has {info.frame_rate:.0f} frames per second; the "
                      f"limit is {fps:g} (HEYGEM_MAX_SPEAKER_FPS)."}
        )  # fmt: skip


def voice_recording_store(*, audio, folder: Path) -> tuple[Path, media.MediaInfo]:
    """A voice recording in ``folder`` as ``upload.<its real kind>``, with an audio track."""
    partial = copy_in(audio, folder / "upload.partial")
    info = probed(partial, field="audio", noun="file", kinds=AUDIO_KINDS)
    # A video of the speaker is welcome: only its sound is used.
    as_video = media.VIDEO_CONTAINERS.get(info.container) if info.has_video else None
    suffix = as_video or media.AUDIO_CONTAINERS.get(info.container)
    if not info.has_audio or info.duration <= 0:
        raise ValidationError({"audio": "The file has no audio track."})
    if suffix is None:
        what = FORMAT_WORDS.get(info.container, f"a {info.container} file")
        raise ValidationError({"audio": f"The file is {what}; upload {AUDIO_KINDS}."})
    dest = folder / f"upload{suffix}"
    partial.replace(dest)
    return dest, info


def duration_words(seconds: float) -> str:
    """600 -> '10 min', 36000 -> '10 h 0 min', 95 -> '1 min 35 s'."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"
