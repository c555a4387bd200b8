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


def read_symbol(m):
    key = m.group()
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
