"""Speech normalization: turn any text (LaTeX math, numbers, dates, money, units,
abbreviations, symbols) into plain English words a TTS engine reads correctly, with the
teacher in control: a pronunciation lexicon (importable as W3C PLS), SSML documents with
pauses, and a side-by-side explanation of every reading.

Pure Python; importing it needs neither Django nor any configuration.

    >>> from normalization import to_speech, split_for_tts
    >>> to_speech(r"$\\frac{a}{b}$ costs $2.5M")
    'a over b costs two point five million dollars'
"""

from .chunking import split_for_tts, split_sentences
from .core import to_speech
from .errors import InputError, LexiconError, PLSError, SSMLError
from .lexicon import MAX_ENTRIES, MAX_TOTAL_CHARS, Entry, Lexicon
from .pls import parse_pls, to_pls
from .speech import Span, SpeechChunk, check_ssml, explain, plan_speech
from .ssml import is_ssml

__all__ = [
    "to_speech",
    "split_for_tts",
    "split_sentences",
    "plan_speech",
    "explain",
    "check_ssml",
    "is_ssml",
    "SpeechChunk",
    "Span",
    "Lexicon",
    "Entry",
    "MAX_ENTRIES",
    "MAX_TOTAL_CHARS",
    "parse_pls",
    "to_pls",
    "InputError",
    "LexiconError",
    "PLSError",
    "SSMLError",
]
