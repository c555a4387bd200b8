"""ffmpeg and ffprobe, called with argument lists and timeouts.

Plain module (no models): engines, voices and services share it.
"""

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class MediaError(Exception):
    """The file is not usable media, or a media tool failed."""


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MediaError(f"{name} is not installed (run `make setup`).")
    return found


def probe(path: Path, *, timeout: float = 20.0) -> MediaInfo:
    """Read a file's streams by its content, never by its name."""
    args = [
        tool("ffprobe"), "-v", "error", "-print_format", "json",
        "-show_format", "-show_streams", str(path),
    ]  # fmt: skip
    try:
        out = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"probing took longer than {timeout:.0f} s") from exc
    info = json.loads(out.stdout or b"{}") if out.returncode == 0 else {}
    streams = info.get("streams") or []
    fmt = info.get("format") or {}
    if not streams or fmt.get("format_name") in (None, "tty"):
        raise MediaError("the file is not a video or audio file ffmpeg can read")
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
        ),
        None,
    )
    has_audio = any(s.get("codec_type") == "audio" for s in streams)
    duration = float(fmt.get("duration") or (video or streams[0]).get("duration") or 0)
    return MediaInfo(
        duration=duration,
        has_video=video is not None,
        has_audio=has_audio,
        width=video.get("width") if video else None,
        height=video.get("height") if video else None,
    )


def run_command(
    cmd: list[str],
    *,
    heartbeat: Callable[[float | None], None] | None = None,
    every: float = 1.0,
    timeout: float = 3600.0,
) -> None:
    """Run a media tool, calling ``heartbeat`` while it works.

    ``heartbeat`` may raise (lease lost, job canceled): the tool is then killed
    and the exception propagates, so no orphan keeps writing.
    """
    name = Path(cmd[0]).name
    # Media work yields the CPU to the web server, the dispatcher and the
    # database: on a small box, lease renewals and hand-overs must not queue
    # behind an encoder.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=_lower_priority)  # fmt: skip
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                _, err = proc.communicate(timeout=every)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise MediaError(f"{name} took longer than {timeout:.0f} s") from None
                if heartbeat:
                    heartbeat(None)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise MediaError(f"{name} failed: {err.decode(errors='replace').strip()[-500:]}")


def _lower_priority() -> None:
    os.nice(10)


def run_ffmpeg(args: list[str], **kwargs) -> None:
    cmd = [tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    run_command(cmd, **kwargs)


def extract_audio(
    source: Path, out_wav: Path, *, max_seconds: float | None = None, trim_silence: bool = False
) -> None:
    """Mono 16-bit WAV of a file's audio track, loudness-normalized for TTS references.

    ``trim_silence`` cuts leading and trailing silence (a reference should be all
    voice); only the first ``max_seconds`` + 15 s of the source are read, so a long
    video costs no more than a short one.
    """
    read_limit = ["-t", f"{max_seconds + 15:.3f}"] if max_seconds else []
    out_limit = ["-t", f"{max_seconds:.3f}"] if max_seconds else []
    trim = "silenceremove=start_periods=1:start_threshold=-45dB"
    # Trimming the end: reverse, trim the (new) start, reverse back.
    filters = [trim, "areverse", trim, "areverse"] if trim_silence else []
    filters.append("loudnorm=I=-20:TP=-2")
    run_ffmpeg(
        [*read_limit, "-i", str(source), *out_limit, "-vn", "-ac", "1", "-ar", "24000",
         "-af", ",".join(filters), "-c:a", "pcm_s16le", str(out_wav)],
        timeout=300,
    )  # fmt: skip


def make_sample_speaker(out: Path, *, seconds: float = 4.0) -> Path:
    """A small synthetic 'speaker' clip (test pattern with a tone) for demos and defaults."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # Unique partial name: two workers may make the default at once.
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.partial.mp4")
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=size=480x360:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=220:beep_factor=4:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(tmp)],
        timeout=120,
    )  # fmt: skip
    tmp.replace(out)
    return out
