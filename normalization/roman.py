"""Roman numerals after context words (Chapter IV, World War II) and in regnal names
(Henry VIII is Henry the eighth). Anything else that looks like one ("I", "MIX") stays."""

import re

from .numbers import cardinal, ordinal
from .tables import REGNAL_NAMES, ROMAN_CARDINAL_CONTEXT

ROMAN_HINT = re.compile(r"[A-Za-z]\.?\s+[IVXLCDM]+\b|WWI")
ROMAN = re.compile(r"\b([A-Za-z]+)(\.?\s+)([IVXLCDM]+)\b(?!['’.]\w)|\bWW(II|I)\b")
_VALID_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text):
    if not text or not _VALID_ROMAN.fullmatch(text):
        return None
    total = 0
    for ch, nxt in zip(text, text[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt != " " and _ROMAN_VALUES[nxt] > value else value
    return total


def read_roman(m):
    if m.group(4):
        return "world war " + ("two" if m.group(4) == "II" else "one")
    word, gap, numeral = m.group(1), m.group(2), m.group(3)
    value = roman_value(numeral)
    if not value:
        return m.group()
    lower = word.lower()
    if lower in ROMAN_CARDINAL_CONTEXT:
        return f"{word} {cardinal(str(value))}"
    if lower in REGNAL_NAMES and word[0].isupper() and "." not in gap:
        return f"{word} the {ordinal(str(value))}"
    return m.group()
