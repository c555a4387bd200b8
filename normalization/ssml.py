"""SSML documents (a `<speak>` root): pauses, substitutions and say-as readings.

Supported: `<speak>`, `<p>`, `<s>`, `<break time="500ms"/>` or `strength`, `<sub alias>`
and `<say-as interpret-as>` for characters (spell-out), digits, cardinal (number),
ordinal, date (with `format` mdy, dmy, ymd, md, dm, ym, my), time and telephone.
Anything else is refused with a message naming the tag, so a teacher never hears markup
that was silently ignored. Text that does not start with `<speak` is never parsed as SSML.
"""

import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from . import dates
from .errors import SSMLError
from .identifiers import phone
from .numbers import DIGIT_WORDS, digits, number, ordinal

MAX_BREAK_SECONDS = 10.0
MAX_BYTES = 1_000_000
# Silence for <break strength>, as Azure's neural voices use them.
STRENGTHS = {
    "none": 0.0,
    "x-weak": 0.25,
    "weak": 0.5,
    "medium": 0.75,
    "strong": 1.0,
    "x-strong": 1.25,
}
PARAGRAPH_PAUSE = 0.5  # after </p> when no <break> says otherwise
SAY_AS = frozenset(
    {"characters", "spell-out", "digits", "cardinal", "number", "ordinal", "date", "time",
     "telephone"}
)  # fmt: skip
DATE_FORMATS = frozenset({"mdy", "dmy", "ymd", "md", "dm", "ym", "my", "y", "m", "d"})
_SSML_START = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?<speak[\s>/]")
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*")
_TIME = re.compile(r"\s*(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp]\.?\s?[Mm]\.?)?\s*")


@dataclass(frozen=True)
class Text:
    """Prose to normalize (the lexicon applies)."""

    text: str


@dataclass(frozen=True)
class Said:
    """Words already decided by markup (<sub>, <say-as>); source is the marked-up text."""

    words: str
    source: str
    kind: str


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Boundary:
    """The end of an <s> or <p>: a sentence ends here."""

    paragraph: bool


def is_ssml(text: str) -> bool:
    return isinstance(text, str) and _SSML_START.match(text) is not None


def parse(document: str) -> list:
    """The document as a list of Text, Said, Pause and Boundary pieces, in reading order."""
    data = document.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise SSMLError(f"an SSML document is at most {MAX_BYTES:,} bytes")
    try:
        root = fromstring(data)
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":", 1)[0]
        raise SSMLError(f"malformed SSML: {reason}", line=line, column=column + 1) from None
    except DefusedXmlException as exc:
        raise SSMLError(f"SSML refused: {type(exc).__name__} (no DTDs or entities)") from None
    if _local(root.tag) != "speak":
        raise SSMLError(f"an SSML document has <speak> as its root, not <{_local(root.tag)}>")
    pieces: list = []
    _walk(root, pieces)
    return pieces


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else "?"


def _walk(element, pieces):
    if element.text:
        pieces.append(Text(element.text))
    for child in element:
        _element(child, pieces)
        if child.tail:
            pieces.append(Text(child.tail))


def _element(child, pieces):
    tag = _local(child.tag)
    if tag in ("p", "s"):
        _walk(child, pieces)
        pieces.append(Boundary(paragraph=tag == "p"))
    elif tag == "break":
        pieces.append(Pause(_break_seconds(child)))
    elif tag == "sub":
        alias = child.get("alias")
        if alias is None or not alias.strip():
            raise SSMLError("<sub> needs an alias attribute saying what to read")
        pieces.append(Said(alias, "".join(child.itertext()), "substitution"))
    elif tag == "say-as":
        content = "".join(child.itertext())
        pieces.append(Said(_say_as(child, content), content, "say-as"))
    else:
        raise SSMLError(
            f"<{tag}> is not supported; use <break>, <sub>, <say-as>, <p> or <s> inside <speak>"
        )


def _break_seconds(element):
    time = element.get("time")
    if time is not None:
        m = _DURATION.fullmatch(time)
        if m is None:
            raise SSMLError(f'<break time="{time}">: write the pause as 500ms or 1.5s')
        seconds = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
        if seconds > MAX_BREAK_SECONDS:
            raise SSMLError(f'<break time="{time}"> is longer than {MAX_BREAK_SECONDS:g} s')
        return seconds
    strength = element.get("strength", "medium")
    if strength not in STRENGTHS:
        names = ", ".join(STRENGTHS)
        raise SSMLError(f'<break strength="{strength}"> is not one of {names}')
    return STRENGTHS[strength]


def _say_as(element, content):
    kind = element.get("interpret-as")
    if kind not in SAY_AS:
        names = ", ".join(sorted(SAY_AS))
        raise SSMLError(f'<say-as interpret-as="{kind}"> is not supported (use one of {names})')
    text = content.strip()
    if kind in ("characters", "spell-out"):
        return " ".join(_character(ch) for ch in text if not ch.isspace())
    if kind == "digits":
        _require(text, r"[\d\s.,-]*\d[\d\s.,-]*", kind)
        return digits(text)
    if kind in ("cardinal", "number"):
        _require(text, r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", kind)
        return number(text.replace("−", "-"))
    if kind == "ordinal":
        m = _require(text, r"(\d{1,3}(?:,\d{3})*|\d+)(?:st|nd|rd|th)?", kind)
        return ordinal(m.group(1))
    if kind == "telephone":
        _require(text, r"\+?[\d\s().-]*\d[\d\s().-]*", kind)
        return phone(text)
    if kind == "time":
        m = _require(text, _TIME.pattern, kind)
        words = dates.time_words(m.group(1), m.group(2), m.group(3), m.group(4))
        if words is None:
            raise SSMLError(f'<say-as interpret-as="time"> cannot read {text!r} as a time')
        return words
    return _date(text, element.get("format"))


def _character(ch):
    if ch.isdigit() and ch.isascii():
        return DIGIT_WORDS[int(ch)]
    return ch.upper() if ch.isalpha() else ""


def _require(text, pattern, kind):
    m = re.fullmatch(pattern, text)
    if m is None:
        raise SSMLError(f'<say-as interpret-as="{kind}"> cannot read {text!r}')
    return m


def _date(text, fmt):
    fmt = fmt or "mdy"
    if fmt not in DATE_FORMATS:
        names = ", ".join(sorted(DATE_FORMATS))
        raise SSMLError(f'<say-as interpret-as="date" format="{fmt}"> is not one of {names}')
    fields = re.findall(r"\d+", text)
    if len(fields) != len(fmt):
        raise SSMLError(f'<say-as interpret-as="date" format="{fmt}"> cannot read {text!r}')
    values = dict(zip(fmt, fields, strict=True))
    words = _date_words(values, fmt)
    if words is None:
        raise SSMLError(f'<say-as interpret-as="date" format="{fmt}"> cannot read {text!r}')
    return words


def _date_words(values, fmt):
    day, month, year = values.get("d"), values.get("m"), values.get("y")
    if month is not None and not 1 <= int(month) <= 12:
        return None
    if day is not None and not 1 <= int(day) <= 31:
        return None
    if day and month:
        if fmt.index("d") < fmt.index("m"):
            return dates.day_first(int(day), int(month), year)
        return dates.month_first(int(month), int(day), year)
    if month:
        name = dates.MONTHS[int(month) - 1]
        return f"{name} {dates.year_words(year)}" if year else name
    if day:
        return "the " + ordinal(day)
    return dates.year_words(year)
