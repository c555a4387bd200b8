"""Subtitles from the known script, timed by the speech it became (no recognition).

Plain Python. The TTS stage records how long each chunk of spoken text lasts in the
speech (``Job.speech_timing``; a segmented job's is its segments' in order), so every
chunk's start and end are measured. Inside a chunk, cues (at most two lines of
``LINE_CHARS``) share the chunk's time by their number of characters: speech runs at
a near-even rate within a sentence, so a cue drifts by a fraction of one chunk at most,
and never across chunks.
"""

import textwrap
from dataclasses import dataclass

from normalization import split_for_tts, split_sentences

LINE_CHARS = 42  # the common broadcast limit for one subtitle line
CUE_CHARS = 2 * LINE_CHARS


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(timing: list[list]) -> list[Cue]:
    """Cues for ``[[spoken text, seconds], ...]`` laid end to end from 0."""
    out: list[Cue] = []
    at = 0.0
    for text, seconds in timing:
        # One sentence a cue; a longer one cut at commas, then between words.
        parts = [p for s in split_sentences(str(text)) for p in split_for_tts(s, CUE_CHARS)]
        total = sum(map(len, parts)) or 1
        start = at
        for part in parts:
            end = start + float(seconds) * len(part) / total
            out.append(Cue(start, end, "\n".join(textwrap.wrap(part, LINE_CHARS))))
            start = end
        at += float(seconds)
    return out


def to_srt(items: list[Cue]) -> str:
    return "".join(
        f"{n}\n{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}\n{cue.text}\n\n"
        for n, cue in enumerate(items, 1)
    )


def to_vtt(items: list[Cue]) -> str:
    body = "".join(
        f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}\n{_vtt_text(cue.text)}\n\n"
        for cue in items
    )
    return "WEBVTT\n\n" + body


def _vtt_text(text: str) -> str:
    # WebVTT cue text is markup: & and < start entities and tags; "-->" ends a cue.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _stamp(seconds: float, decimal: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"
