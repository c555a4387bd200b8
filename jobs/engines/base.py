"""The seam between the stages and the engines that do the work.

A stage hands an engine a request and a ``heartbeat``; the engine calls the
heartbeat while it works (renewing the slot's lease) and lets whatever the
heartbeat raises propagate, so a canceled job or a lost lease stops the engine.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# heartbeat(progress) — progress is the engine's own 0–100 figure, or None.
Heartbeat = Callable[[float | None], None]


class EngineError(Exception):
    """The engine could not do this attempt; the stage may be retried elsewhere."""

    def __init__(self, message: str, *, engine_message: str = ""):
        super().__init__(message)
        self.engine_message = engine_message or message


class EngineBusy(EngineError):
    """The engine is running someone else's task: not a failure of this job."""


class EngineUnavailable(EngineError):
    """The engine could not be reached or answered nonsense (counts against slot health)."""


@dataclass(frozen=True)
class PreparedVoice:
    """A voice as a TTS slot knows it (for Fish-Speech: engine-side paths and text)."""

    audio_path: Path | None
    reference_audio: str = ""
    reference_text: str = ""


@dataclass(frozen=True)
class SpeechRequest:
    chunks: list[str]
    out_path: Path
    voice: PreparedVoice | None = None


@dataclass(frozen=True)
class RenderRequest:
    code: str
    audio_path: Path
    video_path: Path
    out_path: Path
    audio_seconds: float
    # True when a sweep hands an unfinished render to a new worker: poll, don't submit.
    resume: bool = False
    extra: dict = field(default_factory=dict)


class TtsEngine:
    needs_preparation = False
    max_chunk_chars = 400

    def __init__(self, slot):
        self.slot = slot

    def prepare_voice(self, audio_path: Path, reference_text: str = "") -> PreparedVoice:
        return PreparedVoice(audio_path=audio_path, reference_text=reference_text)

    def synthesize(self, request: SpeechRequest, heartbeat: Heartbeat) -> None:
        raise NotImplementedError

    def probe(self) -> None:
        """Raise EngineError if the engine cannot take work now."""


class VideoEngine:
    # Whether a render survives the death of the worker that started it.
    resumable = False

    def __init__(self, slot):
        self.slot = slot

    def render(self, request: RenderRequest, heartbeat: Heartbeat) -> None:
        raise NotImplementedError

    def probe(self) -> None:
        """Raise EngineError if the engine cannot take work now."""
