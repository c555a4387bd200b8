"""Small media helpers for the fakes and their tests: WAV tones, test videos, ffprobe.

ffmpeg/ffprobe are always called with argument lists (never through a shell), so paths
with spaces or odd characters are safe here, unlike in the real engine (ENGINES.md §2.1).
"""

from __future__ import annotations

import io
import json
import math
import struct
import subprocess
import wave
from pathlib import Path

FFMPEG = "/usr/bin/ffmpeg"
FFPROBE = "/usr/bin/ffprobe"

TTS_SAMPLE_RATE = 44100  # fish-speech's firefly decoder outputs 44.1 kHz mono


def tone_pcm(seconds: float, *, rate: int = TTS_SAMPLE_RATE, freq: float = 441.0) -> bytes:
    """Mono 16-bit little-endian PCM of a sine tone at about -12 dBFS.

    One period is computed and repeated, so even minutes of audio cost microseconds.
    """
    period = max(2, round(rate / freq))
    cycle = struct.pack(
        f"<{period}h", *(int(8000 * math.sin(2 * math.pi * i / period)) for i in range(period))
    )
    frames = max(0, round(seconds * rate))
    whole, rest = divmod(frames, period)
    return cycle * whole + cycle[: rest * 2]


def wav_bytes(pcm: bytes, *, rate: int = TTS_SAMPLE_RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def write_tone_wav(path: Path, seconds: float, *, rate: int = TTS_SAMPLE_RATE) -> Path:
    """Write a mono 16-bit WAV tone of the given length (creating parent folders)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(tone_pcm(seconds, rate=rate), rate=rate))
    return path


def wav_seconds(path: Path) -> float:
    """Duration of a WAV file; raises wave.Error / EOFError / OSError if it is not one."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def make_test_video(
    path: Path, seconds: float = 2.0, *, size: str = "160x120", audio: bool = True
) -> Path:
    """A small H.264 mp4 (test pattern, optionally with a sine audio track)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25"]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=300:sample_rate=44100"]
    args += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac"] if audio else []
    run_ffmpeg([*args, str(path)])
    return path


def ffmpeg_command(args: list[str]) -> list[str]:
    """A quiet, non-interactive ffmpeg command line that overwrites its output."""
    return [FFMPEG, "-nostdin", "-y", "-hide_banner", "-loglevel", "error", *args]


def run_ffmpeg(args: list[str], *, timeout: float = 60) -> None:
    """Run ffmpeg; raise CalledProcessError (with its stderr) on failure."""
    subprocess.run(ffmpeg_command(args), check=True, capture_output=True, timeout=timeout)


def probe(path: Path) -> dict:
    """ffprobe's JSON for format and streams; raises CalledProcessError if unreadable."""
    args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    done = subprocess.run([FFPROBE, *args, str(path)], check=True, capture_output=True, timeout=30)
    return json.loads(done.stdout)


def media_seconds(path: Path, kind: str | None = None) -> float:
    """Duration of the file, or of its first ``kind`` ("audio"/"video") stream."""
    info = probe(path)
    if kind is None:
        return float(info["format"]["duration"])
    stream = next(s for s in info["streams"] if s["codec_type"] == kind)
    return float(stream.get("duration") or info["format"]["duration"])
