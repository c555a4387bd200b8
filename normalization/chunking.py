"""Split spoken text into chunks a TTS engine can take in one request.

Chunks break at sentence ends first (. ! ? ; and line breaks), then at commas, then
between words; never inside a word. Because to_speech writes numbers, dates and
formulas as words without sentence punctuation inside them ("three point one four"),
a sentence break can never fall inside one of their readings.
"""

import re

# Words that occur inside number, date and formula readings; a chunk never ends between
# two of them, so "three point one four" or "x squared plus one" stays whole.
GLUE_WORDS = frozenset(
    """
zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
ninety hundred thousand million billion trillion point first second third fourth fifth
sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth
sixteenth seventeenth eighteenth nineteenth twentieth thirtieth half halves quarter
quarters thirds fourths fifths sixths sevenths eighths ninths tenths hundredth
thousandth plus minus times over equals squared cubed to the of by sub root square cube
sum product integral from as approaches all factorial prime inverse is less greater than
or equal not and choose given in transpose degrees percent dollars cents euros pounds
january february march april may june july august september october november december
alpha beta gamma delta epsilon theta lambda mu pi sigma phi omega infinity
""".split()
)

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


def split_sentences(text: str) -> list[str]:
    """The sentences of spoken text in order, split where split_for_tts splits first
    (after . ! ? ; and at line breaks); nothing is packed or cut."""
    if not isinstance(text, str):
        return []
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _by_words(text, limit):
    """Greedy word packing that backs off to a boundary outside any number or formula
    reading (both neighbours spoken-number or math words), when one exists."""
    words = text.split()
    chunks = []
    start = 0
    while start < len(words):
        end = start + 1
        size = len(words[start])
        while end < len(words) and size + 1 + len(words[end]) <= limit:
            size += 1 + len(words[end])
            end += 1
        if end < len(words):
            for cut in range(end, start, -1):
                if _safe_cut(words[cut - 1], words[cut]):
                    end = cut
                    break
        chunks.append(" ".join(words[start:end]))
        start = end
    return chunks


def _safe_cut(left, right):
    return not (_glued(left) and _glued(right))


def _glued(word):
    word = word.lower().strip(",:'\"()")
    return len(word) == 1 or word in GLUE_WORDS


def _pack(pieces, limit):
    """Merge consecutive pieces while they fit, so chunks are as long as allowed."""
    chunks = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= limit:
            chunks[-1] += " " + piece
        else:
            chunks.append(piece)
    return chunks
