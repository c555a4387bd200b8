"""Engine registry: a slot's backend names the class that drives it."""

from .base import (  # noqa: F401
    Answer,
    AnswerHook,
    AnswerTally,
    BindingUnknown,
    EngineBusy,
    EngineError,
    EngineUnavailable,
    Heartbeat,
    LeaseLost,
    PreparedVoice,
    RenderRequest,
    SlotConfig,
    SpeechRequest,
    TtsEngine,
    Unbound,
    VideoEngine,
    WorkerStopping,
)
from .dub import DubEngine
from .espeak import EspeakEngine
from .fish_speech import FishSpeechEngine
from .heygem import HeyGemEngine

ENGINES: dict[str, type[TtsEngine] | type[VideoEngine]] = {
    "espeak": EspeakEngine,
    "dub": DubEngine,
    "fish_speech": FishSpeechEngine,
    "heygem": HeyGemEngine,
}


def engine_for_slot(
    slot: SlotConfig, on_answer: AnswerHook | None = None
) -> TtsEngine | VideoEngine:
    """The slot's engine; an HTTP engine tells ``on_answer`` of every answer it gets."""
    try:
        return ENGINES[slot.backend](slot, on_answer)
    except KeyError:
        raise EngineUnavailable(f"no engine is installed for backend {slot.backend!r}") from None


def is_resumable(backend: str) -> bool:
    """Whether a render on this backend outlives the worker that started it."""
    engine = ENGINES.get(backend)
    return getattr(engine, "resumable", False)
