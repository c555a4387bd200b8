"""Symbols in prose (& + = ± × ÷ % ° < > → …) to words. In running text comparisons
read as people say them aloud ("x less than five"), without the formula reader's "is"."""

import re

from .tables import SYMBOL_CHARS, TEXT_SYMBOLS

_PROSE_SYMBOLS = {
    "≤": "less than or equal to",
    "≥": "greater than or equal to",
    "≦": "less than or equal to",
    "≧": "greater than or equal to",
    "∕": "divided by",
    "∗": "times",
    "∙": "times",
    "⋈": "natural join",
    "₩": "won",
    # The other relations without "is" too, as "≤" above: "x not equal to five".
    "≠": "not equal to",
    "≈": "approximately equal to",
    "∉": "not in",
    "⊂": "subset of",
    "⊆": "subset of or equal to",
    "≡": "equivalent to",
    "∝": "proportional to",
    "⊥": "perpendicular to",
    "∥": "parallel to",
}
SYMBOLS = {**SYMBOL_CHARS, **TEXT_SYMBOLS, **_PROSE_SYMBOLS}
# A currency sign standing alone is named, not counted: "$ and %" is "dollar and percent".
_LONE_CURRENCY = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen", "₩": "won", "¢": "cent"}
SYMBOL = re.compile(
    r"->|=>|<=|>=|!=|[" + re.escape("".join(k for k in SYMBOLS if len(k) == 1)) + "]"
)
_ARROWS = {
    "->": "to",
    "=>": "implies",
    "<=": "less than or equal to",
    ">=": "greater than or equal to",
    "!=": "is not equal to",
}


# "#5" is number five (the written-form pass reads it); "# of" is "number of"; any other
# hash is the sign's name ("#tag", "press #"), and after a note or language letter
# standing alone it is a sharp ("C#", "F# minor").
_SHARP = re.compile(r"(?<![\w#])[A-G](?=#(?![\w#]))")
_NUMBER_OF = re.compile(r"\s?of\b")


def read_symbol(m):
    key = m.group()
    if key == "#":
        return _pad(m, _hash(m))
    words = _ARROWS.get(key) or _LONE_CURRENCY.get(key) or SYMBOLS[key]
    if words in ("", " ", ",", "'", "..."):
        return words
    return _pad(m, words)


def _pad(m, words):
    """Keep a symbol's words apart from letters and from the next symbol's words."""
    text = m.string
    if m.start() > 0 and _joins(text[m.start() - 1]):
        words = " " + words
    if m.end() < len(text) and _joins(text[m.end()]):
        words = words + " "
    return words


def _joins(ch):
    return ch.isalnum() or (ch in SYMBOLS and SYMBOLS[ch] not in ("", " ", ",", "'", "..."))


def _hash(m):
    if _SHARP.match(m.string, m.start() - 1):
        return "sharp"
    return "number" if _NUMBER_OF.match(m.string, m.end()) else "hash"


# A markup tag in prose ("the <p> tag", "<b>bold</b>") says its name, not "less than p
# greater than". A closing tag can be nothing else; an opening one only when no word is
# glued to its left (a<b>c stays a comparison).
TAG = re.compile(r"</([A-Za-z][A-Za-z0-9]{0,15})>|(?<![\w<])<([A-Za-z][A-Za-z0-9]{0,15})\s?/?>")


def read_tag(m):
    words = "closing " + m.group(1) if m.group(1) else m.group(2)
    return _pad(m, words)
