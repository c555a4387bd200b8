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

import contextlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import time
import wave
from collections.abc import Callable, Iterator
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
# Media work yields the CPU to the web server, the dispatcher and the database: on a
# small box, lease renewals and hand-overs must not queue behind an encoder. Work made
# ahead of need (a waiting segment's speaker cut, a lecture's sound) yields to the work
# a held GPU waits for.
NICENESS = 10
AHEAD_NICENESS = 19
PLAIN_FILES_ONLY = ["-protocol_whitelist", "file"]
# The sound of a joined lecture: the same encode whether made ahead or by the join.
SPEECH_AAC = ["-c:a", "aac", "-b:a", "128k"]
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
    niceness: int = NICENESS,
) -> None:
    """Run a media tool, calling ``heartbeat`` with ``progress()`` while it works.

    ``heartbeat`` may raise (lease lost, job canceled): the tool is then killed
    at once and the exception propagates, so no orphan keeps writing.
    """
    name = Path(cmd[0]).name
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                            preexec_fn=lambda: _tool_setup(niceness))  # fmt: skip
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


def _tool_setup(niceness: int) -> None:
    os.nice(niceness)
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


# --- Segments: one long job rendered in pieces and joined ---------------------------


def wav_frames(path: Path) -> tuple[int, int]:
    """(sample frames, sample rate) of a PCM WAV, read from its header, exactly."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes(), wav.getframerate()
    except (wave.Error, EOFError, OSError) as exc:
        raise MediaError(f"not a PCM WAV file: {exc}") from exc


def wav_seconds(path: Path) -> float:
    """The length of a PCM WAV, from the samples it really holds (a file cut off by a full
    disk may claim more in its header). Read in Python: on a box busy with encodes, an
    ffprobe of every speech took 0.4 s of a stage that renders wait for."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate, width = wav.getframerate(), wav.getsampwidth() * wav.getnchannels()
            frames = 0
            while chunk := wav.readframes(1 << 16):
                frames += len(chunk) // width
    except (wave.Error, EOFError, OSError) as exc:
        raise MediaError(f"not a PCM WAV file: {exc}") from exc
    return frames / rate if rate else 0.0


def wav_append_silence(path: Path, seconds: float) -> None:
    """Add ``seconds`` of silence to the end of a PCM WAV, in place (through a partial)."""
    partial = path.with_name(path.stem + ".padded.partial.wav")
    with wave.open(str(path), "rb") as src, wave.open(str(partial), "wb") as out:
        out.setparams(src.getparams())
        out.writeframes(src.readframes(src.getnframes()))
        silence = b"\x80" if src.getsampwidth() == 1 else b"\x00"
        count = round(seconds * src.getframerate())
        out.writeframes(silence * count * src.getsampwidth() * src.getnchannels())
    partial.replace(path)


def wav_pad_to_frames(path: Path, *, at_least: float, fps: float) -> None:
    """Append at least ``at_least`` seconds of silence, and so much more that the WAV
    lasts a whole number of video frames: every segment then ends on a frame boundary,
    its render has exactly its share of frames, and the join can copy them unchanged."""
    frames, rate = wav_frames(path)
    per_frame = rate / fps
    target = math.ceil((frames + at_least * rate) / per_frame) * per_frame
    wav_append_silence(path, (round(target) - frames) / rate)


def wav_concat(paths: list[Path], out: Path, *, timeout: float = 600.0) -> None:
    """One WAV holding the samples of ``paths`` one after another, none added or lost.

    The segments' own audio, not their encoded tracks: AAC frames pad each track's
    start and end, so joining encoded audio would put a gap (and a click) at every
    join. A part in another format (a segment synthesized by another backend) is
    converted to the first part's rate and channels first.
    """
    partial = out.with_name(out.stem + ".partial.wav")
    with wave.open(str(paths[0]), "rb") as first:
        params = first.getparams()
    with wave.open(str(partial), "wb") as joined:
        joined.setparams(params)
        for path in paths:
            with _as_format(path, params, timeout) as source, wave.open(str(source), "rb") as wav:
                while frames := wav.readframes(1 << 16):
                    joined.writeframes(frames)
    partial.replace(out)


@contextlib.contextmanager
def _as_format(path: Path, params: "wave._wave_params", timeout: float) -> Iterator[Path]:
    with wave.open(str(path), "rb") as wav:
        same = wav.getparams()[:3] == params[:3] and wav.getcomptype() == "NONE"
    if same:
        yield path
        return
    if params.sampwidth != 2:
        raise MediaError("segments in different audio formats, the first not 16-bit PCM")
    converted = path.with_name(path.stem + ".converted.wav")
    try:
        run_ffmpeg(["-i", str(path), "-ac", str(params.nchannels), "-ar", str(params.framerate),
                    "-c:a", "pcm_s16le", str(converted)], timeout=timeout)  # fmt: skip
        yield converted
    finally:
        converted.unlink(missing_ok=True)


def speaker_from(
    source: Path,
    out: Path,
    *,
    offset: float,
    seconds: float,
    heartbeat: Callable[[float | None], None] | None = None,
    niceness: int = NICENESS,
) -> None:
    """The speaker video looped as the engines loop it, from ``offset`` seconds on.

    The dub engine and HeyGem's template handling both repeat a short speaker video
    from its start; a segment's picture must continue where the previous segment's
    stopped, so it starts ``offset`` (the earlier segments' speech) into that loop.
    Only ``offset`` modulo one loop is skipped, so a late segment costs no more; the
    encode is the fastest x264 has at high quality (the engine encodes the result).
    """
    period = probe(source).duration
    skip = offset % period if period > 0 else 0.0
    partial = out.with_name(out.stem + ".partial.mp4")
    run_ffmpeg(
        ["-stream_loop", "-1", "-i", str(source), "-ss", f"{skip:.3f}",
         "-t", f"{seconds + 1:.3f}", "-an", "-c:v", "libx264", "-preset", "ultrafast",
         "-crf", "16", "-pix_fmt", "yuv420p", str(partial)],
        heartbeat=heartbeat, timeout=max(300, 5 * seconds), niceness=niceness,
    )  # fmt: skip
    partial.replace(out)


def video_frames(path: Path, *, timeout: float = 60.0) -> int:
    """The number of video frames in a file (counted, not estimated from its duration)."""
    return _video_stream(path, timeout=timeout)[0]


# What two video streams must share for the concat demuxer to copy them end to end.
STREAM_PARAMETERS = ("codec_name", "profile", "width", "height", "pix_fmt", "r_frame_rate",
                     "time_base")  # fmt: skip


def _video_stream(path: Path, *, timeout: float = 60.0) -> tuple[int, dict[str, str]]:
    """(frames counted, the parameters in ``STREAM_PARAMETERS``) of its first video stream."""
    entries = "stream=nb_read_packets," + ",".join(STREAM_PARAMETERS)
    args = [tool("ffprobe"), "-v", "error", *PLAIN_FILES_ONLY, *OUR_DEMUXERS_ONLY,
            "-select_streams", "v:0", "-count_packets", "-show_entries", entries,
            "-of", "json", str(path)]  # fmt: skip
    out = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    try:
        stream = json.loads(out.stdout.decode())["streams"][0]
        frames = int(stream["nb_read_packets"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise MediaError(f"could not count the frames of {path.name}") from exc
    return frames, {name: str(stream.get(name, "")) for name in STREAM_PARAMETERS}


def join_segments(
    videos: list[Path],
    audio: Path,
    out: Path,
    *,
    segment_seconds: list[float],
    subtitles: Path | None = None,
    encoded_audio: Path | None = None,
    heartbeat: Callable[[float | None], None] | None = None,
) -> str:
    """One mp4 of the segments' pictures end to end, with ``audio`` as its sound.

    ``encoded_audio``: ``audio`` already made into the join's AAC track
    (``encode_speech``, while the pictures rendered); it is copied, not encoded again.

    Frame-accurate: the picture of segment k ends at the frame nearest the end of its
    speech in the whole (not in the segment), so rounding never adds up along a long
    lecture. When every segment has exactly its share of frames (the stages pad each
    segment's speech to whole frames, so they do) and their streams share the parameters
    a copy needs, the pictures are copied as they are ("copied"); otherwise, or to burn
    ``subtitles`` (SRT, libass), they are encoded once ("encoded"), a segment one frame
    short repeating its last frame, one too long dropping it.
    """
    fps = probe(videos[0]).frame_rate or 25.0
    shares, ends, done = [], 0.0, 0
    for seconds in segment_seconds:
        ends += seconds
        shares.append(round(ends * fps) - done)
        done += shares[-1]
    partial = out.with_name(out.stem + ".partial.mp4")
    sound = ["-i", str(encoded_audio), "-c:a", "copy"] if encoded_audio else \
        ["-i", str(audio), *SPEECH_AAC]  # fmt: skip
    streams = [_video_stream(v) for v in videos]
    alike = all(parameters == streams[0][1] for _, parameters in streams)
    if subtitles is None and alike and [frames for frames, _ in streams] == shares:
        _join_copying(videos, sound, partial, heartbeat=heartbeat)
        partial.replace(out)
        return "copied"
    first = streams[0][1]
    graph = []
    for index, frames in enumerate(shares):
        size = streams[index][1]["width"], streams[index][1]["height"]
        # The concat filter takes one size: a segment another engine made differently is
        # brought to the first one's.
        scale = "" if size == (first["width"], first["height"]) else \
            f"scale={first['width']}:{first['height']},"  # fmt: skip
        graph.append(f"[{index}:v]{scale}tpad=stop_mode=clone:stop={frames},trim=end_frame={frames},"
                     f"setpts=PTS-STARTPTS,setsar=1[v{index}]")  # fmt: skip
    labels = "".join(f"[v{index}]" for index in range(len(videos)))
    burn = f",subtitles=filename='{_filter_path(subtitles)}'" if subtitles else ""
    graph.append(f"{labels}concat=n={len(videos)}:v=1:a=0{burn}[v]")
    inputs = [arg for video in videos for arg in ("-i", str(video))]
    run_ffmpeg(
        [*inputs, *sound[:2], "-filter_complex", ";".join(graph),
         "-map", "[v]", "-map", f"{len(videos)}:a:0", "-r", f"{fps:g}",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
         *sound[2:], "-movflags", "+faststart", str(partial)],
        heartbeat=heartbeat, timeout=max(600, 10 * sum(segment_seconds)),
    )  # fmt: skip
    partial.replace(out)
    return "encoded"


def _join_copying(
    videos: list[Path],
    sound: list[str],
    out: Path,
    *,
    heartbeat: Callable[[float | None], None] | None,
) -> None:
    """The segments' pictures end to end as they are (each is a whole encode from a key
    frame, and ``join_segments`` checked their streams are alike), with
    ``sound`` (its input and codec arguments). Seconds, where an encode of a long 1080p
    lecture takes minutes of CPU."""
    listing = out.with_name(out.stem + ".segments.txt")
    listing.write_text("".join(f"file '{_concat_path(v)}'\n" for v in videos), encoding="utf-8")
    try:
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", str(listing), *sound[:2],
             "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", *sound[2:],
             "-movflags", "+faststart", str(out)],
            heartbeat=heartbeat, timeout=600,
        )  # fmt: skip
    finally:
        listing.unlink(missing_ok=True)


def encode_speech(
    wav: Path, out: Path, *, heartbeat: Callable[[float | None], None] | None = None
) -> None:
    """``wav`` as the AAC track the join copies: the join's own encode, made ahead of it.
    Sample for sample the same sound (the edit list trims AAC's padding either way)."""
    partial = out.with_name(out.stem + ".partial.m4a")
    frames, rate = wav_frames(wav)
    run_ffmpeg(["-i", str(wav), *SPEECH_AAC, str(partial)], heartbeat=heartbeat,
               timeout=max(600, frames / rate), niceness=AHEAD_NICENESS)  # fmt: skip
    partial.replace(out)


def _concat_path(path: Path) -> str:
    # The concat list quotes names in '…'; a quote inside is closed, escaped, reopened.
    return str(path.resolve()).replace("'", "'\\''")


def burn_subtitles(
    video: Path,
    subtitles: Path,
    out: Path,
    *,
    heartbeat: Callable[[float | None], None] | None = None,
) -> None:
    """``video`` with the SRT ``subtitles`` drawn into its picture; the sound is copied."""
    partial = out.with_name(out.stem + ".subtitled.partial.mp4")
    seconds = probe(video).duration
    run_ffmpeg(
        ["-i", str(video), "-vf", f"subtitles=filename='{_filter_path(subtitles)}'",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "copy",
         "-movflags", "+faststart", str(partial)],
        heartbeat=heartbeat, timeout=max(600, 10 * seconds),
    )  # fmt: skip
    partial.replace(out)


def _filter_path(path: Path) -> str:
    """A path as a quoted filtergraph value: ':' and '\\' escaped, quotes refused."""
    text = str(path)
    if "'" in text:
        raise MediaError("a subtitle file's path may not contain a quote")
    return text.replace("\\", "\\\\").replace(":", "\\:")
