"""Where a long script is cut into segments that render on several GPUs at once.

Plain Python (no Django, no I/O): the services plan with it, tests call it directly.

A cut should fall where a speaker pauses anyway, so the joins are not heard: between
paragraphs first, then between sentences (the TTS chunker's own sentence split,
``normalization.split_sentences``), then at a comma (``split_for_tts``). Only a
sentence longer than a whole segment is cut between words; the plan counts those
*forced* cuts so the job can say so.
"""

import math
import re
from dataclasses import dataclass

from normalization import split_for_tts, split_sentences

_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class SegmentPlan:
    texts: list[str]
    # Cuts between segments that fell between words (no pause within reach).
    forced_cuts: int = 0
    # Cuts at a comma: a pause, if a shorter one than a sentence's.
    clause_cuts: int = 0


def estimated_seconds(text: str, chars_per_second: float) -> float:
    return len(text) / chars_per_second


def plan_segments(text: str, *, target_chars: int, parallel: int = 1) -> SegmentPlan:
    """Cut spoken ``text`` into segments of at most about ``target_chars`` characters.

    Text no longer than ``target_chars`` stays one segment. Otherwise the number of
    segments is the fewest that keeps each within the target, rounded up to a multiple
    of ``parallel`` (the video slots that can render at once), so the last round of
    renders leaves no GPU idle; the text is cut at the best pause near each share's end.
    Joining the segments' words gives the text's words.
    """
    text = text.strip()
    if len(text) <= target_chars:
        return SegmentPlan([text] if text else [])
    count = math.ceil(len(text) / target_chars)
    count = math.ceil(count / max(1, parallel)) * max(1, parallel)
    share = len(text) / count
    pieces = _pieces(text, max(1, int(share)))
    cuts = _cuts(pieces, count, share)
    bounds = [0, *cuts, len(pieces)]
    segments = [pieces[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    ends = [pieces[cut - 1][1] for cut in cuts]
    return SegmentPlan(
        texts=[_joined(segment) for segment in segments],
        forced_cuts=ends.count("word"),
        clause_cuts=ends.count("clause"),
    )


# How far (in shares) a cut may move to land on a better pause than the nearest one.
PAUSE_COST = {"paragraph": 0.0, "sentence": 0.05, "clause": 0.2, "word": 0.4}


def _cuts(pieces: list[tuple[str, str]], count: int, share: float) -> list[int]:
    """For each even share's end, the piece boundary nearest to it, a better pause
    counting as nearer; each cut after the one before, so ``count`` segments result
    whenever there are enough boundaries."""
    ends, at = [], 0
    for piece, _ in pieces:
        at += len(piece) + 1
        ends.append(at)
    cuts: list[int] = []
    count = min(count, len(pieces))  # never more segments than there are pieces
    share = ends[-1] / count
    for k in range(1, count):
        target = k * share
        first = (cuts[-1] if cuts else 0) + 1
        last = len(pieces) - (count - k)  # leave a piece for every segment still to come
        if first > last:
            break
        cuts.append(min(range(first, last + 1), key=lambda i: abs(ends[i - 1] - target) / share
                        + PAUSE_COST[pieces[i - 1][1]]))  # fmt: skip
    return cuts


def _pieces(text: str, limit: int) -> list[tuple[str, str]]:
    """(piece, what ends it): paragraph, sentence, clause or word, in reading order.
    Sentences whole; one longer than ``limit`` cut by the TTS chunker (commas, then
    between words)."""
    out = []
    for paragraph in _PARAGRAPH.split(text):
        parts = []
        for sentence in split_sentences(paragraph):
            # Even parts, a word's slack each, rather than full ones and a stub; a
            # sentence up to half again a segment stays whole.
            parts_needed = round(len(sentence) / limit)
            if parts_needed <= 1:
                parts.append((sentence, "sentence"))
                continue
            cut = split_for_tts(sentence, math.ceil(len(sentence) / parts_needed) + 24)
            parts += [(p, "clause" if p.endswith(",") else "word") for p in cut[:-1]]
            parts.append((cut[-1], "sentence"))
        if parts:
            parts[-1] = (parts[-1][0], "paragraph")
        out += parts
    return out


def _joined(pieces: list[tuple[str, str]]) -> str:
    text = ""
    for part, end in pieces:
        text += part + ("\n\n" if end == "paragraph" else " ")
    return text.strip()
