"""to_speech: any text in, plain English words out."""

import logging
import re
import unicodedata

from . import latex, ssml, trace, web
from .errors import SSMLError
from .numbers import digits
from .tables import SUBSCRIPTS, SUPERSCRIPTS, VULGAR_FRACTIONS
from .written import normalize_written

log = logging.getLogger(__name__)

# Recursion through \text{...$...$...} stops here; deeper prose is read without LaTeX.
MAX_NESTING = 4

_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ]+")
_SUBSCRIPT_RUN = re.compile("[₀₁₂₃₄₅₆₇₈₉₊₋]+")
_ORDINAL_DEGREE = re.compile(r"(?<=\d)º")
_VULGAR = re.compile("(\\d?)([" + "".join(VULGAR_FRACTIONS) + "])")
_RESIDUE = re.compile(r"[0-9\\{}^_$]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MULTI_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w)[ \t]+(?=[,.;:!?](?:\s|$))")
_KEEP_CATEGORIES = ("L", "M", "N", "P", "Z")


def to_speech(text: str, *, lexicon=None) -> str:
    """Return text with every written form, symbol and formula spelled out in words.

    lexicon: a normalization.Lexicon applied first (its aliases are what is read).
    An SSML document (a <speak> root) is read with its markup; use
    normalization.check_ssml first to refuse a bad one, since this function never raises
    (it reads a malformed document without its tags).

    Never raises; output has no ASCII digits and no LaTeX residue (\\ { } ^ _ $).
    Newlines are kept as they are; no newline is ever added.
    """
    if not isinstance(text, str):
        text = str(text)
    if ssml.is_ssml(text):
        return "".join(reading for reading, _ in ssml_readings(text, lexicon))
    if lexicon is not None:
        text = lexicon.apply(text)
    return speak_plain(text)


def ssml_readings(document, lexicon):
    """(reading, piece) for each piece of an SSML document; the readings joined are what
    to_speech says for it. A document that does not parse is read without its tags."""
    try:
        pieces = ssml.parse(document)
    except SSMLError as exc:
        log.warning("reading malformed SSML without its markup: %s", exc)
        pieces = [ssml.Text(_TAG.sub(" ", document))]
    out = []
    for piece in pieces:
        if isinstance(piece, ssml.Text):
            reading = to_speech(piece.text, lexicon=lexicon)
        elif isinstance(piece, ssml.Said):
            reading = speak_plain(piece.words)
        elif isinstance(piece, ssml.Boundary):
            spoken = "".join(r for r, _ in out).rstrip()
            reading = "." if spoken and spoken[-1] not in ".!?:;," else ""
        else:
            reading = ""
        if reading and out and out[-1][0] and _joins(out[-1][0][-1], reading[0]):
            reading = " " + reading
        out.append((reading, piece))
    return out


_TAG = re.compile(r"<[^>]*>")


def _joins(before, after):
    return (before.isalnum() or before in ".!?,;:") and after.isalnum()


def speak_plain(text: str) -> str:
    try:
        spoken = _speak(text, 0)
    except Exception:  # a bug must cost a reading, never a crashed job
        log.exception("normalization failed; reading the text without its markup")
        spoken = _plain_fallback(text)
    result = _sanitize(spoken)
    if result != text:
        # Only output we changed is tidied, so untouched prose keeps its own spacing.
        result = _SPACE_BEFORE_PUNCT.sub("", _MULTI_SPACE.sub(" ", result))
    return result


def _plain_fallback(text: str) -> str:
    try:
        return normalize_written(_MARKUP.sub(" ", text))
    except Exception:
        log.exception("written-form reading failed too; keeping letters only")
        return _NOT_LETTERS.sub(" ", text)


_MARKUP = re.compile(r"[\\{}^_$]")
_NOT_LETTERS = re.compile(r"[^\w\s.,!?'-]|[\d_]")


def _speak(text: str, nesting: int) -> str:
    if not text.isascii():
        text = _unicode_forms(text)
    if nesting >= MAX_NESTING:
        return normalize_written(text)
    parts = []
    for segment in latex.find_math(text):
        if segment.math:
            parts.append(_read_formula(segment.text, nesting))
            continue
        prose = []  # consecutive prose pieces are read together: "\$" + "5" is money
        for kind, chunk in _prose_pieces(segment.text):
            if kind == "text":
                prose.append(chunk)
                continue
            if prose:
                parts.append(normalize_written("".join(prose)))
                prose = []
            if kind == "math":
                parts.append(_read_formula(chunk, nesting))
            else:
                parts.append(_speak(chunk, nesting + 1))
        if prose:
            parts.append(normalize_written("".join(prose)))
    return _glue(parts)


def _prose_pieces(text):
    """Bare formulas and prose; a web address is prose even with an underscore in it."""
    if not web.HINT.search(text):
        yield from latex.split_bare_commands(text)
        return
    cursor = 0
    for m in web.WEB.finditer(text):
        if m.start() > cursor:
            yield from latex.split_bare_commands(text[cursor : m.start()])
        yield "text", m.group()
        cursor = m.end()
    if cursor < len(text):
        yield from latex.split_bare_commands(text[cursor:])


def _read_formula(source, nesting):
    reading = latex.read_math(source, _text_reader(nesting + 1))
    if nesting == 0:
        trace.record("formula", source, reading)
    return reading


def _text_reader(nesting):
    return _TEXT_READERS[min(nesting, MAX_NESTING)]


def _make_reader(nesting):
    def read(prose):
        token = trace.RECORDS.set(None)  # prose inside a formula is part of its reading
        try:
            return _sanitize(_speak(prose, nesting)).strip()
        finally:
            trace.RECORDS.reset(token)

    return read


# One reader per nesting level so formula readings can be cached by (source, reader).
_TEXT_READERS = [_make_reader(level) for level in range(MAX_NESTING + 1)]


def _glue(parts):
    """Join prose and formula readings, keeping words from running together."""
    out = []
    for part in parts:
        if not part:
            continue
        if out and out[-1] and out[-1][-1].isalnum() and part[0].isalnum():
            out.append(" ")
        out.append(part)
    return "".join(out)


def _unicode_forms(text: str) -> str:
    if "º" in text:
        text = _ORDINAL_DEGREE.sub("°", text)  # 45º is a degree sign typed from the wrong key
    text = _SUPERSCRIPT_RUN.sub(lambda m: _script("^", m.group().translate(SUPERSCRIPTS)), text)
    text = _SUBSCRIPT_RUN.sub(lambda m: _script("_", m.group().translate(SUBSCRIPTS)), text)
    text = _VULGAR.sub(_vulgar, text)
    return unicodedata.normalize("NFKC", text)


def _script(mark, body):
    return mark + body if len(body) == 1 else mark + "{" + body + "}"


def _vulgar(m):
    num, den = VULGAR_FRACTIONS[m.group(2)]
    lead = m.group(1)
    return f"{lead} {num}/{den}" if lead else f"{num}/{den}"


def _sanitize(text: str) -> str:
    """Last line of defence: nothing unreadable reaches the TTS engine."""
    dropped = []

    def fix(m):
        ch = m.group()
        if "0" <= ch <= "9":
            return " " + digits(ch) + " "
        dropped.append(ch)
        return " " if ch in "_\\" else ""

    text = _RESIDUE.sub(fix, text)
    if not text.isascii():
        text = _NON_ASCII.sub(lambda m: _keep_or_drop(m, dropped), text)
    if dropped:
        log.warning("dropped %d unreadable character(s): %r", len(dropped), "".join(dropped[:20]))
    return text


def _keep_or_drop(m, dropped):
    ch = m.group()
    category = unicodedata.category(ch)
    if category[0] in _KEEP_CATEGORIES and category not in ("Zl", "Zp"):
        if category[0] == "N" and ch.isdigit() and ch.isascii():
            return digits(ch)
        return ch
    dropped.append(ch)
    return ""
