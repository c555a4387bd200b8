"""ffmpeg and ffprobe, called with argument lists and timeouts, confined to one file.

Plain module (no models): engines, voices and services share it.

Uploads are hostile until proven otherwise. ffmpeg follows what a file names: an HLS
or DASH playlist, a concat list or an image-sequence pattern opens other files (or
URLs), and a QuickTime file may point at external data. So every input either tool
opens here is confined: only the ``file`` protocol, only the demuxers in ``DEMUXERS``
(the containers we accept), and for a file whose name we made, the demuxer its
probed format gave it, forced with ``-f``. A playlist is refused before any segment
is opened, so nothing it names is ever read.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

# The containers HeyGem Studio reads, by ffmpeg's demuxer name, with the suffix a
# file of that kind is stored under (the client's own file name is never kept).
VIDEO_CONTAINERS = {"mov": ".mp4", "matroska": ".mkv", "avi": ".avi"}
AUDIO_CONTAINERS = {
    "wav": ".wav", "mp3": ".mp3", "mov": ".m4a", "aac": ".aac", "flac": ".flac", "ogg": ".ogg",
}  # fmt: skip
DEMUXERS = sorted(set(VIDEO_CONTAINERS) | set(AUDIO_CONTAINERS))
# A suffix we give a file names its demuxer; ffmpeg is then told, not left to guess.
SUFFIX_DEMUXER = {
    ".mp4": "mov", ".mov": "mov", ".m4a": "mov", ".mkv": "matroska", ".webm": "matroska",
    ".avi": "avi", ".wav": "wav", ".mp3": "mp3", ".aac": "aac", ".flac": "flac",
    ".ogg": "ogg", ".opus": "ogg",
}  # fmt: skip
PLAIN_FILES_ONLY = ["-protocol_whitelist", "file"]
OUR_DEMUXERS_ONLY = ["-format_whitelist", ",".join(DEMUXERS)]
# QuickTime external data references stay off (ffmpeg's default, said out loud so
# no build or later default can change it under us).
MOV_SELF_CONTAINED = ["-enable_drefs", "0", "-use_absolute_path", "0"]
# What ffprobe says when a file refers to tracks outside itself (libavformat/mov.c).
EXTERNAL_TRACK = "Skipped opening external track"
NOT_ON_WHITELIST = re.compile(r"\[(\w+) @ 0x[0-9a-f]+\] Format not on whitelist")


class MediaError(Exception):
    """The file is not usable media, or a media tool failed."""


class FormatRefused(MediaError):
    """The file is media of a kind we never read (a playlist, a concat list, an image …)."""

    def __init__(self, format_name: str):
        super().__init__(f"its format ({format_name}) is not one HeyGem Studio reads")
        self.format_name = format_name


class ExternalReferences(MediaError):
    """The file keeps (some of) its media in other files; they are never opened."""

    def __init__(self):
        super().__init__("it refers to media stored outside the file itself")


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None
    # One of DEMUXERS: the container the file really is, whatever its name says.
    container: str = ""
    frame_rate: float | None = None


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MediaError(f"{name} is not installed (run `make setup`).")
    return found


def probe(path: Path, *, timeout: float = 20.0) -> MediaInfo:
    """Read a file's streams by its content, never by its name, opening only that file."""
    args = [
        tool("ffprobe"), "-v", "warning", *PLAIN_FILES_ONLY, *OUR_DEMUXERS_ONLY,
        "-print_format", "json", "-show_format", "-show_streams", str(path),
    ]  # fmt: skip
    try:
        out = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"probing took longer than {timeout:.0f} s") from exc
    err = out.stderr.decode(errors="replace")
    refused = NOT_ON_WHITELIST.search(err)
    if refused:
        raise FormatRefused(refused.group(1))
    if EXTERNAL_TRACK in err:
        raise ExternalReferences()
    info = json.loads(out.stdout or b"{}") if out.returncode == 0 else {}
    streams = info.get("streams") or []
    fmt = info.get("format") or {}
    container = _our_demuxer(fmt.get("format_name") or "")
    if not streams or not container:
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
        container=container,
        frame_rate=_frame_rate(video) if video else None,
    )


def _our_demuxer(format_name: str) -> str:
    """'mov,mp4,m4a,3gp,3g2,mj2' -> 'mov': the name in DEMUXERS ffprobe used, or ''."""
    return next((name for name in format_name.split(",") if name in DEMUXERS), "")


def _frame_rate(stream: dict) -> float | None:
    """Frames per second on average (r_frame_rate overstates variable-rate phone videos)."""
    for key in ("avg_frame_rate", "r_frame_rate"):
        try:
            rate = Fraction(stream.get(key) or "0/0")
        except (ValueError, ZeroDivisionError):
            continue
        if rate > 0:
            return float(rate)
    return None


def confined_inputs(args: list[str]) -> list[str]:
    """ffmpeg arguments with every input confined to one plain file of our demuxers.

    Each ``-i`` gets the protocol whitelist; an input without a ``-f`` of its own
    (lavfi sources have one) gets the demuxer whitelist, and the demuxer its suffix
    names when the file is one we named.
    """
    out: list[str] = []
    own: list[str] = []  # the options of the input being read, up to its -i
    items = iter(args)
    for arg in items:
        if arg != "-i":
            own.append(arg)
            continue
        source = next(items)
        extra = list(PLAIN_FILES_ONLY)
        if "-f" not in own:
            demuxer = SUFFIX_DEMUXER.get(Path(source).suffix.lower())
            extra += OUR_DEMUXERS_ONLY
            if demuxer:
                extra += ["-f", demuxer, *(MOV_SELF_CONTAINED if demuxer == "mov" else [])]
        out += [*own, *extra, "-i", source]
        own = []
    return out + own


def run_command(
    cmd: list[str],
    *,
    heartbeat: Callable[[float | None], None] | None = None,
    progress: Callable[[], float | None] = lambda: None,
    every: float = 0.25,
    timeout: float = 3600.0,
) -> None:
    """Run a media tool, calling ``heartbeat`` with ``progress()`` while it works.

    ``heartbeat`` may raise (lease lost, job canceled): the tool is then killed
    at once and the exception propagates, so no orphan keeps writing.
    """
    name = Path(cmd[0]).name
    # Media work yields the CPU to the web server, the dispatcher and the
    # database: on a small box, lease renewals and hand-overs must not queue
    # behind an encoder.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=_tool_setup)  # fmt: skip
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
                    heartbeat(progress())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise MediaError(f"{name} failed: {err.decode(errors='replace').strip()[-500:]}")


def _tool_setup() -> None:
    os.nice(10)
    # SIGUSR1 asks a stage worker to hand its stage back (jobs.workers signals the
    # worker's process group): the stage stops its tool itself, cleanly.
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)


def ffmpeg_progress(progress_file: Path, total_seconds: float) -> Callable[[], float | None]:
    """0–100 read from the file ffmpeg writes with ``-progress`` (None before it starts)."""

    def read() -> float | None:
        try:
            lines = progress_file.read_text(encoding="ascii", errors="replace").splitlines()
        except OSError:
            return None
        done = [line[12:] for line in lines if line.startswith("out_time_us=")]
        if not done or total_seconds <= 0 or not done[-1].strip().isdigit():
            return None
        return min(100.0, int(done[-1]) / 1e6 / total_seconds * 100)

    return read


def run_ffmpeg(args: list[str], **kwargs) -> None:
    cmd = [tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           *confined_inputs(args)]  # fmt: skip
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
