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
    """Cut the source into tokens (a recorded form such as a formula, a date or a phone
    number is one token; other tokens are words), give each the words it reads as alone,
    and align those with the words actually said: each token's share of the spoken text
    is its reading. Tokens read as written are merged into plain-text spans."""
    if not text:
        return []
    replaced, replacements = _apply_lexicon(text, lexicon)
    records: list = []
    token = trace.RECORDS.set(records)
    try:
        spoken = speak_plain(replaced)
    finally:
        trace.RECORDS.reset(token)
    tokens = _tokens(text, records, replacements)  # (start, end, kind, expected words)
    expected, owner = [], []
    for index, (_, _, _, words) in enumerate(tokens):
        expected.extend(_key(w) for w in words)
        owner.extend([index] * len(words))
    said = [(m.start(), m.group()) for m in _WORD.finditer(spoken)]
    said_owner = [None] * len(said)
    matcher = difflib.SequenceMatcher(None, expected, [_key(w) for _, w in said], autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            said_owner[block.b + k] = owner[block.a + k]
    last = 0
    for k, value in enumerate(said_owner):  # unmatched words go with the token before them
        said_owner[k] = last = value if value is not None and value >= last else last
    first_said = {}
    for k, value in enumerate(said_owner):
        first_said.setdefault(value, said[k][0])
    spans = []
    owners = sorted(first_said)
    for position, index in enumerate(owners):
        following = owners[position + 1] if position + 1 < len(owners) else len(tokens)
        source_start = tokens[index][0] if position else 0
        source_end = tokens[following][0] if following < len(tokens) else len(text)
        said_start = first_said[index] if position else 0
        said_end = first_said[following] if following < len(tokens) else len(spoken)
        source, reading = text[source_start:source_end], spoken[said_start:said_end]
        kinds = [tokens[k][2] for k in range(index, following)]
        kind = next((k for k in kinds if k != "text"), "text")
        if kind == "text" and [_key(w) for w in source.split()] != [
            _key(w) for w in reading.split()
        ]:
            kind = _guess_kind(source)
        spans.append(Span(source, reading, kind))
    if not spans:
        return [Span(text, spoken, "text")]
    return _merge_text(spans)


def _tokens(text, records, replacements):
    found = []
    cursor = 0
    for kind, source, words in records:
        at = text.find(source, cursor) if source.strip() else -1
        if at >= 0:
            start, end = _with_delimiters(text, at, at + len(source))
            found.append((start, end, kind, words.split()))
            cursor = end
    found.extend((a, b, "lexicon", alias.split()) for a, b, alias in replacements)
    found.sort()
    tokens = []
    position = 0
    for start, end, kind, words in found:
        if start < position:
            continue  # overlaps a form already taken
        tokens.extend(_word_tokens(text, position, start))
        tokens.append((start, end, kind, words))
        position = end
    tokens.extend(_word_tokens(text, position, len(text)))
    return tokens


# A formula is recorded without its math delimiters; its span takes them with it, so
# "$x^2$" is one formula rather than "with $" and "x^2$".
_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


def _with_delimiters(text, start, end):
    for left, right in _DELIMITERS:
        before = start - len(left)
        if before >= 0 and text.startswith(left, before) and text.startswith(right, end):
            return before, end + len(right)
    return start, end


def _word_tokens(text, start, end):
    for m in _WORD.finditer(text, start, end):
        yield (m.start(), m.end(), "text", speak_plain(m.group()).split())


def _merge_text(spans):
    merged = []
    for span in spans:
        if merged and span.kind == "text" and merged[-1].kind == "text":
            previous = merged.pop()
            span = Span(previous.source + span.source, previous.reading + span.reading, "text")
        merged.append(span)
    return merged


def _guess_kind(source):
    if "$" in source or "\\" in source or "^" in source:
        return "formula"
    if any(ch.isdigit() for ch in source):
        return "number"
    return "abbreviation or symbol"


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
            ranges.append((position, position + length, speak_plain(piece)))
        parts.append(piece)
        position += length
    return "".join(parts), ranges
