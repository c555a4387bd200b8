"""Speech normalization: turn any text (LaTeX math, numbers, dates, money, units,
abbreviations, symbols) into plain English words a TTS engine reads correctly.

Pure Python; importing it needs neither Django nor any configuration.

    >>> from normalization import to_speech, split_for_tts
    >>> to_speech(r"$\\frac{a}{b}$ costs $2.5M")
    'a over b costs two point five million dollars'
"""

from .chunking import split_for_tts
from .core import to_speech

__all__ = ["to_speech", "split_for_tts"]
