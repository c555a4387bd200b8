"""What the product does with a text before TTS: plan the chunks with their pauses, and
explain each reading for the preview.

plan_speech cuts the spoken text into TTS-sized chunks (split_for_tts) and says how much
silence follows each one: an SSML <break> or the end of a <p>. explain lists, in order,
each piece of the source (a formula, a written form, a lexicon entry, plain words) with
what is said for it; joining the readings gives exactly what to_speech says, and joining
the sources gives the text back.
"""

import difflib
import re
from dataclasses import dataclass

from . import ssml, trace
from .chunking import split_for_tts
from .core import speak_plain, ssml_readings, to_speech

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class SpeechChunk:
    text: str
    pause_after_seconds: float = 0.0


@dataclass(frozen=True)
class Span:
    source: str
    reading: str
    kind: str  # text, formula, date, time, money, measure, telephone, lexicon, say-as, …


def check_ssml(text: str) -> None:
    """Raise SSMLError (what and where) if text is an SSML document we cannot read.
    Plain text is never SSML and always passes."""
    if ssml.is_ssml(text):
        ssml.parse(text)


def plan_speech(text: str, *, lexicon=None, max_chars: int) -> list[SpeechChunk]:
    """Chunks of at most max_chars (see split_for_tts) and the silence after each.
    Raises SSMLError for an SSML document that cannot be read. Only a pause before any
    words comes as a chunk with empty text."""
    if not ssml.is_ssml(text):
        return [SpeechChunk(c) for c in split_for_tts(to_speech(text, lexicon=lexicon), max_chars)]
    ssml.parse(text)  # refuse what to_speech would read without its markup
    chunks: list[SpeechChunk] = []
    group: list[str] = []

    def close(pause):
        words = split_for_tts("".join(group), max_chars)
        group.clear()
        if words:
            chunks.extend(SpeechChunk(c) for c in words[:-1])
            chunks.append(SpeechChunk(words[-1], pause))
        elif chunks:
            last = chunks[-1]
            chunks[-1] = SpeechChunk(last.text, last.pause_after_seconds + pause)
        elif pause:
            chunks.append(SpeechChunk("", pause))

    for reading, piece in ssml_readings(text, lexicon):
        group.append(reading)
        if isinstance(piece, ssml.Pause):
            close(piece.seconds)
        elif isinstance(piece, ssml.Boundary) and piece.paragraph:
            close(ssml.PARAGRAPH_PAUSE)
    close(0.0)
    return chunks


def explain(text: str, *, lexicon=None) -> list[Span]:
    """The readings piece by piece; "".join(s.reading) == to_speech(text, lexicon=lexicon)."""
    if not isinstance(text, str):
        text = str(text)
    if ssml.is_ssml(text):
        return _explain_ssml(text, lexicon)
    return _explain_plain(text, lexicon)


def _explain_ssml(text, lexicon):
    spans = []
    for reading, piece in ssml_readings(text, lexicon):
        if isinstance(piece, ssml.Text):
            inner = _explain_plain(piece.text, lexicon)
            lead = reading[: len(reading) - len(to_speech(piece.text, lexicon=lexicon))]
            if lead and inner:
                inner[0] = Span(inner[0].source, lead + inner[0].reading, inner[0].kind)
            spans.extend(inner or [Span(piece.text, reading, "text")])
        elif isinstance(piece, ssml.Said):
            spans.append(Span(piece.source, reading, piece.kind))
        elif isinstance(piece, ssml.Pause):
            spans.append(Span("", reading, f"pause {piece.seconds:g} s"))
        elif reading:
            spans.append(Span("", reading, "sentence end"))
    return spans


def _explain_plain(text, lexicon):
    """Align the words of the source with the words said: equal runs are plain text, each
    changed run is one span, named after the reading that produced it."""
    replaced, replacements = _apply_lexicon(text, lexicon)
    records: list = []
    token = trace.RECORDS.set(records)
    try:
        spoken = speak_plain(replaced)
    finally:
        trace.RECORDS.reset(token)
    if not text:
        return []
    source_words = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    said_words = [(m.start(), m.group()) for m in _WORD.finditer(spoken)]
    matcher = difflib.SequenceMatcher(
        None, [_key(w) for _, w in source_words], [_key(w) for _, w in said_words], autojunk=False
    )
    cuts = []  # (source position, spoken position, changed)
    for tag, a1, _a2, b1, _b2 in matcher.get_opcodes():
        source_at = source_words[a1][0] if a1 < len(source_words) else len(text)
        said_at = said_words[b1][0] if b1 < len(said_words) else len(spoken)
        cuts.append((source_at, said_at, tag != "equal"))
    if not cuts:
        return [Span(text, spoken, "text")]
    cuts[0] = (0, 0, cuts[0][2])
    spans = []
    for k, (source_at, said_at, changed) in enumerate(cuts):
        source_end, said_end = (cuts[k + 1][:2]) if k + 1 < len(cuts) else (len(text), len(spoken))
        source, reading = text[source_at:source_end], spoken[said_at:said_end]
        kind = _kind(source, reading, records, replacements, source_at) if changed else "text"
        spans.append(Span(source, reading, kind))
    return [s for s in spans if s.source or s.reading]


def _key(word):
    return word.lower().strip(".,;:!?\"'()")


def _apply_lexicon(text, lexicon):
    """The text with lexicon entries applied, and the original ranges they replaced."""
    if lexicon is None:
        return text, []
    parts, ranges = [], []
    position = 0
    for piece, entry in lexicon.segments(text):
        length = len(piece) if entry is None else len(entry.grapheme)
        if entry is not None:
            ranges.append((position, position + length))
        parts.append(piece)
        position += length
    return "".join(parts), ranges


def _kind(source, reading, records, replacements, start):
    end = start + len(source)
    if any(a < end and start < b for a, b in replacements):
        return "lexicon"
    said = [_key(w) for w in reading.split()]
    for kind, _, words in records:
        words = [_key(w) for w in words.split()]
        if said and (_contains(words, said) or _contains(said, words)):
            return kind
    if "$" in source or "\\" in source or "^" in source:
        return "formula"
    if any(ch.isdigit() for ch in source):
        return "number"
    if any(ch in source for ch in ".&+=<>%#@~|"):
        return "abbreviation or symbol"
    return "written form"


def _contains(outer, inner):
    if not inner or len(inner) > len(outer):
        return False
    size = len(inner)
    return any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))
