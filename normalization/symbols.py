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
    r"->|=>|<=|>=|!=|(?<=\d)\s?\*\s?(?=\d)|["
    + re.escape("".join(k for k in SYMBOLS if len(k) == 1))
    + "]"
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
    if key.strip() == "*" and _between_digits(m):
        return " times "  # 2*8 is a product; elsewhere * is emphasis and silent
    words = _ARROWS.get(key) or _LONE_CURRENCY.get(key) or SYMBOLS[key]
    if words in ("", " ", ",", "'", "..."):
        return words
    return _pad(m, words)


def _between_digits(m):
    text = m.string
    before = text[: m.start()].rstrip()[-1:]
    after = text[m.end() :].lstrip()[:1]
    return before.isdigit() and after.isdigit()


def _pad(m, words):
    text = m.string
    if m.start() > 0 and text[m.start() - 1].isalnum():
        words = " " + words
    if m.end() < len(text) and text[m.end()].isalnum():
        words = words + " "
    return words
