"""Joining WAV parts into one file, with silence between them: the pause an engine
leaves between chunks, or the one a text asks for (an SSML <break>)."""

import io
import subprocess
import tempfile
import wave
from pathlib import Path

from .. import media
from .base import EngineError


class WavJoiner:
    """Writes WAV chunks one after another into one file.

    Between two chunks goes ``pause_seconds`` of silence, unless ``silence()`` asked for
    a pause there, which replaces it (an SSML <break time="2s"/> is two seconds, not two
    plus the engine's gap). A pause asked for before the first chunk or after the last
    is written too.
    """

    def __init__(self, path: Path, pause_seconds: float):
        self.path, self.pause_seconds = path, pause_seconds
        self.out: wave.Wave_write | None = None
        self.params: wave._wave_params | None = None
        self._asked: float | None = None
        # Seconds of each part in the file, the silence after it counted with it
        # (subtitles are timed from these).
        self.seconds: list[float] = []

    def __enter__(self) -> "WavJoiner":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.out is not None:
            if self._asked:
                self._write_silence(self._asked)
            self.out.close()

    def _count(self, seconds: float) -> None:
        if self.seconds:
            self.seconds[-1] += seconds
        else:  # silence before the first part: it opens the first cue
            self.seconds.append(seconds)

    def silence(self, seconds: float) -> None:
        """Put ``seconds`` of silence here (several calls add up)."""
        if seconds > 0:
            self._asked = (self._asked or 0.0) + seconds

    def add(self, data: bytes) -> None:
        params, frames = read_wav(data)
        first = self.out is None or self.params is None
        if first:
            self.out = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed in __exit__
            self.out.setnchannels(params.nchannels)
            self.out.setsampwidth(params.sampwidth)
            self.out.setframerate(params.framerate)
            self.params = params
        elif self.params is not None and params[:3] != self.params[:3]:
            raise EngineError("The engine returned parts in different audio formats.")
        pause = self._asked if self._asked is not None else (0.0 if first else self.pause_seconds)
        self._asked = None
        self._write_silence(pause)
        leading = first and bool(self.seconds)
        assert self.out is not None
        self.out.writeframes(frames)
        part = len(frames) / (params.sampwidth * params.nchannels) / params.framerate
        if leading:
            self.seconds[-1] += part  # the opening silence belongs to the first part
        else:
            self.seconds.append(part)

    def _write_silence(self, seconds: float) -> None:
        assert self.out is not None and self.params is not None
        params = self.params
        silence = b"\x80" if params.sampwidth == 1 else b"\x00"
        frames = int(round(seconds * params.framerate))
        if frames <= 0:
            return
        self.out.writeframes(silence * frames * params.sampwidth * params.nchannels)
        self._count(frames / params.framerate)


def read_wav(data: bytes) -> tuple[wave._wave_params, bytes]:
    """(params, frames) of a WAV answer; non-PCM WAVs are converted to 16-bit PCM first."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            return wav.getparams(), wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        if not data.startswith(b"RIFF"):
            raise EngineError(f"The engine answered something that is not a WAV: {exc}") from exc
    return read_wav(_to_pcm16(data))


def _to_pcm16(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch) / "in.wav", Path(scratch) / "out.wav"
        source.write_bytes(data)
        try:
            media.run_ffmpeg(["-i", str(source), "-c:a", "pcm_s16le", str(target)], timeout=120)
        except (media.MediaError, subprocess.SubprocessError) as exc:
            raise EngineError(f"The engine's WAV could not be read: {exc}") from exc
        return target.read_bytes()
