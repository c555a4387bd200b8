"""Where a long script is cut into segments that render on several GPUs at once.

Plain Python (no Django, no I/O): the services plan with it, tests call it directly.

A cut should fall where a speaker pauses anyway, so the joins are not heard: between
paragraphs first, then between sentences (the TTS chunker's own sentence split,
``normalization.split_for_tts``), then at a comma. Only a sentence longer than a whole
segment is cut between words; the plan counts those *forced* cuts so the job can say so.
"""

import math
import re
from dataclasses import dataclass

from normalization import split_for_tts

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = (".", "!", "?", ";", ":")
# A segment may outgrow its share by this much rather than cut a sentence short.
SLACK = 1.2


@dataclass(frozen=True)
class SegmentPlan:
    texts: list[str]
    # Cuts between segments that fell between words (no pause within reach).
    forced_cuts: int = 0
    # Cuts at a comma: a pause, if a shorter one than a sentence's.
    clause_cuts: int = 0


def estimated_seconds(text: str, chars_per_second: float) -> float:
    return len(text) / chars_per_second


def plan_segments(text: str, *, target_chars: int) -> SegmentPlan:
    """Cut spoken ``text`` into segments of about ``target_chars`` characters each.

    Text no longer than ``target_chars`` stays one segment. Otherwise the number of
    segments is the fewest that keeps each near the target, and the text is cut at the
    best pause near each share's end. Joining the segments' words gives the text's words.
    """
    text = text.strip()
    if len(text) <= target_chars:
        return SegmentPlan([text] if text else [])
    share = len(text) / math.ceil(len(text) / target_chars)
    pieces = _pieces(text, max(1, int(share)))
    segments: list[list[tuple[str, str]]] = [[]]
    size = 0
    for piece in pieces:
        if segments[-1] and size + len(piece[0]) > share * SLACK:
            segments.append([])
            size = 0
        segments[-1].append(piece)
        size += len(piece[0]) + 1
    ends = [segment[-1][1] for segment in segments[:-1]]
    return SegmentPlan(
        texts=[_joined(segment) for segment in segments],
        forced_cuts=ends.count("word"),
        clause_cuts=ends.count("clause"),
    )


def _pieces(text: str, limit: int) -> list[tuple[str, str]]:
    """(piece, what ends it): paragraph, sentence, clause or word, in reading order."""
    out = []
    for paragraph in _PARAGRAPH.split(text):
        parts = split_for_tts(paragraph, limit)
        for number, part in enumerate(parts, 1):
            if number == len(parts):
                end = "paragraph"
            elif part.endswith(_SENTENCE_END):
                end = "sentence"
            else:
                end = "clause" if part.endswith(",") else "word"
            out.append((part, end))
    return out


def _joined(pieces: list[tuple[str, str]]) -> str:
    text = ""
    for part, end in pieces:
        text += part + ("\n\n" if end == "paragraph" else " ")
    return text.strip()
