"""Numbers to words: cardinals, ordinals, decimals, years, digit strings, fractions.

All readings are American style without "and" or hyphens ("one hundred twenty three"),
which is also the form public text-normalization data uses. num2words does the heavy
lifting; its results are cached because the same small numbers recur constantly.
"""

import re
from functools import lru_cache

from num2words import num2words

from .tables import DIGIT_WORDS

# Above this many digits a number is read digit by digit: nobody says "one sextillion ...".
MAX_CARDINAL_DIGITS = 15
# Unless its writer grouped it with separators: then it is meant as a (huge) amount.
MAX_GROUPED_DIGITS = 21

_CLEAN = re.compile(r",|-| and(?= )")
_SPACES = re.compile(r"\s+")


def _tidy(words: str) -> str:
    return _SPACES.sub(" ", _CLEAN.sub(" ", words)).strip()


def digits(text: str) -> str:
    """'007' -> 'zero zero seven'."""
    return " ".join(DIGIT_WORDS[ord(c) - 48] for c in text if "0" <= c <= "9")


@lru_cache(maxsize=8192)
def cardinal(text: str) -> str:
    """'1,234' -> 'one thousand two hundred thirty four'; '-5' -> 'minus five'."""
    sign = ""
    if text[:1] in "-−":
        sign, text = "minus ", text[1:]
    plain = text.replace(",", "")
    if not plain.isdigit():
        return sign + digits(plain)
    limit = MAX_GROUPED_DIGITS if "," in text else MAX_CARDINAL_DIGITS
    if len(plain) > limit:
        return sign + digits(plain)
    return sign + _tidy(num2words(int(plain)))


@lru_cache(maxsize=4096)
def ordinal(text: str) -> str:
    """'22' -> 'twenty second'."""
    plain = text.replace(",", "")
    limit = MAX_GROUPED_DIGITS if "," in text else MAX_CARDINAL_DIGITS
    if not plain.isdigit() or len(plain) > limit:
        return digits(plain)
    return _tidy(num2words(int(plain), to="ordinal"))


ORDINAL_ENDINGS = {1: "st", 2: "nd", 3: "rd"}


def ordinal_suffix(value: int) -> str:
    """The suffix an ordinal takes: 1st, 12th, 22nd, 111th."""
    if value % 100 in (11, 12, 13):
        return "th"
    return ORDINAL_ENDINGS.get(value % 10, "th")


@lru_cache(maxsize=4096)
def year(text: str) -> str:
    """'1999' -> 'nineteen ninety nine', '2008' -> 'two thousand eight',
    '1905' -> 'nineteen oh five'."""
    value = int(text)
    if value < 1000 or value >= 10000:
        return cardinal(text)
    return _tidy(num2words(value, to="year"))


def decimal(text: str) -> str:
    """'3.14' -> 'three point one four'; '.5' -> 'point five'; '1,234.5' works too."""
    whole, _, frac = text.partition(".")
    head = cardinal(whole) if whole.strip("-−") else ("minus" if whole else "")
    if whole in ("-", "−"):
        head = "minus"
    tail = digits(frac)
    return f"{head} point {tail}".strip() if tail else head


def number(text: str) -> str:
    """Any plain number: integer (with separators, sign) or decimal."""
    if "." in text:
        return decimal(text)
    if len(text) > 1 and text[0] == "0" and text.isdigit():
        return digits(text)
    return cardinal(text)


def plural(word: str) -> str:
    if word.endswith("half"):
        return word[:-1] + "ves"
    return word + "s"


@lru_cache(maxsize=2048)
def fraction(num: str, den: str) -> str:
    """'3', '4' -> 'three quarters'; '1', '2' -> 'one half'; '5', '8' -> 'five eighths'."""
    n, d = int(num), int(den)
    if d == 0 or len(den) > MAX_CARDINAL_DIGITS or len(num) > MAX_CARDINAL_DIGITS:
        return f"{cardinal(num)} over {cardinal(den)}"
    if d == 1:
        return f"{cardinal(num)} over one"
    if d == 2:
        name = "half"
    elif d == 4:
        name = "quarter"
    else:
        name = ordinal(den)
    return f"{cardinal(num)} {name if n == 1 else plural(name)}"
