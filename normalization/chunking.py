"""Split spoken text into chunks a TTS engine can take in one request.

Chunks break at sentence ends first (. ! ? ; and line breaks), then at commas, then
between words; never inside a word. Because to_speech writes numbers, dates and
formulas as words without sentence punctuation inside them ("three point one four"),
a sentence break can never fall inside one of their readings.
"""

import re

_HAS_UNSPOKEN = re.compile(r"[0-9\\{}^_$]")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*[\r\n]+\s*")
_COMMA = re.compile(r"(?<=,)\s+")


def split_for_tts(text: str, max_chars: int) -> list[str]:
    """Return non-empty, stripped chunks of at most max_chars characters each (a single
    word longer than max_chars is its own chunk). Joining the chunks with spaces gives
    back the words of the text in order.

    Pass the output of to_speech. Text that still holds digits or LaTeX is spoken
    first, so that a number or formula can never be cut in two.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    if _HAS_UNSPOKEN.search(text):
        from .core import to_speech  # local import: core imports nothing from here

        text = to_speech(text)
    limit = max(1, int(max_chars))
    pieces = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence) <= limit:
            pieces.append(sentence)
            continue
        for clause in _COMMA.split(sentence):
            clause = clause.strip()
            if len(clause) <= limit:
                pieces.append(clause)
            else:
                pieces.extend(_by_words(clause, limit))
    return _pack(pieces, limit)


def _by_words(text, limit):
    chunks = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= limit:
            current += " " + word
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    return chunks


def _pack(pieces, limit):
    """Merge consecutive pieces while they fit, so chunks are as long as allowed."""
    chunks = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= limit:
            chunks[-1] += " " + piece
        else:
            chunks.append(piece)
    return chunks
