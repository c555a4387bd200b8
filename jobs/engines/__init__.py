"""Engine registry: a slot's backend names the class that drives it."""

from .base import (  # noqa: F401
    EngineBusy,
    EngineError,
    EngineUnavailable,
    PreparedVoice,
    RenderRequest,
    SpeechRequest,
    TtsEngine,
    VideoEngine,
)
from .dub import DubEngine
from .espeak import EspeakEngine
from .fish_speech import FishSpeechEngine
from .heygem import HeyGemEngine

ENGINES = {
    "espeak": EspeakEngine,
    "dub": DubEngine,
    "fish_speech": FishSpeechEngine,
    "heygem": HeyGemEngine,
}


def engine_for_slot(slot):
    try:
        return ENGINES[slot.backend](slot)
    except KeyError:
        raise EngineUnavailable(f"no engine is installed for backend {slot.backend!r}") from None
