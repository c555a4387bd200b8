"""Written forms in prose (numbers, money, measures, dates, times, abbreviations,
roman numerals, symbols) to words.

One combined regular expression finds every number-bearing form in a single pass;
alternatives are ordered from most to least specific, so "2026-03-03" is a date before
it is a range and "$2.5M" is money before it is a number.
"""

import re

from . import dates, measures
from .numbers import cardinal, digits, fraction, number, ordinal, year
from .tables import (
    ABBREVIATIONS,
    AMBIGUOUS_UNITS,
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    GREEK_CHARS,
    NUMBER_ABBREVIATIONS,
    REGNAL_NAMES,
    ROMAN_CARDINAL_CONTEXT,
    SCALES,
    SYMBOL_CHARS,
    TEXT_SYMBOLS,
    TITLE_OR_PLACE,
    UNITS,
)

NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
MONTH = (
    r"(?i:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
CURRENCY = r"(?:US\$|C\$|A\$|[$€£¥₹₩₽₿])"
CODES = r"(?:USD|EUR|GBP|JPY|INR|CHF|CNY|CAD|AUD)"
SCALE = r"(?:thousand|million|billion|trillion|bn|mn|tn|[kKmMbBT])(?![A-Za-z])"
UNIT = "(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"
MERIDIEM = r"[AaPp]\.?\s?[Mm]\.?(?![A-Za-z])"

_PATTERNS = [
    (
        "phone",
        r"\+\d{1,3}(?:[\s.-]\d{2,4}){2,4}(?![\d])"
        r"|(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?\d{3}[\s.-]\d{4}"
        r"|(?<![\d.,-])(?:1-)?\d{3}[.-]\d{3}[.-]\d{4}"
        r"|(?<=\+\d)\s\d{3}\s\d{3}\s\d{4}"
        r"|(?<![\d.,$-])\d{3}-\d{4})(?![\d-])",
    ),
    ("iso", r"(?<![\d-])(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?![\d-])"),
    (
        "numdate",
        r"(?<![\d/.])(?P<nd_a>\d{1,2})(?P<nd_s>[/.])(?P<nd_b>\d{1,2})(?P=nd_s)"
        r"(?P<nd_y>\d{4}|\d{2})(?![\d/.]\d)",
    ),
    (
        "time",
        r"(?<![\d:.])(?P<tm_h>\d{1,2}):(?P<tm_m>\d{2})(?::(?P<tm_s>\d{2}))?(?![\d:])"
        r"(?:\s?(?P<tm_ap>" + MERIDIEM + "))?",
    ),
    ("ampm", r"(?<![\d:.,])(?P<ap_h>\d{1,2})\s?(?P<ap_m>" + MERIDIEM + ")"),
    (
        "money",
        r"(?:(?<![\w)])(?P<mo_sign>[-−]))?(?P<mo_c>"
        + CURRENCY
        + r")\s?(?P<mo_a>"
        + NUM
        + r")(?:\s?(?P<mo_s>"
        + SCALE
        + r"))?(?:\s?[-–]\s?"
        + CURRENCY
        + r"?\s?(?P<mo_b>"
        + NUM
        + r")(?:\s?(?P<mo_s2>"
        + SCALE
        + "))?)?",
    ),
    (
        "code",
        r"(?<![A-Za-z])(?P<mc_c>"
        + CODES
        + r")\s?(?P<mc_a>"
        + NUM
        + r")(?:\s?(?P<mc_s>"
        + SCALE
        + "))?",
    ),
    (
        "postmoney",
        r"(?P<mp_a>"
        + NUM
        + r")\s?(?:(?P<mp_s>"
        + SCALE
        + r")\s?)?(?P<mp_c>€|¢|"
        + CODES
        + r")(?![A-Za-z])",
    ),
    (
        "mdate",
        r"(?P<wd_m>" + MONTH + r")\.?\s(?P<wd_d>\d{1,2})(?:st|nd|rd|th)?(?![\d:])"
        r"(?:,?\s(?P<wd_y>\d{4})(?!\d))?",
    ),
    (
        "ddate",
        r"(?<!\d)(?P<dw_d>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<dw_m>"
        + MONTH
        + r")\.?(?![a-z])(?:,?\s(?P<dw_y>\d{4})(?!\d))?",
    ),
    ("feet", r"(?P<ft_a>\d+)['’]\s?(?P<ft_b>\d+)(?:\"|”|'')"),
    ("decade", r"(?<![\w'])'?(?P<dec_n>\d{1,3}0)'?s(?![A-Za-z])"),
    ("ordinal", r"(?P<ord_n>\d+)(?:st|nd|rd|th|ST|ND|RD|TH)(?![A-Za-z])"),
    ("version", r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])"),
    (
        "range",
        r"(?P<rg_a>" + NUM + r")(?:\s?[–—]\s?|-|\sto\s)(?P<rg_b>" + NUM + r")(?![\d/:])"
        r"(?:(?P<rg_sp>\s?)(?P<rg_u>%|" + UNIT + r")(?![\w/]))?",
    ),
    (
        "dims",
        r"(?P<dm_a>"
        + NUM
        + r")(?:\s?x\s?|×)(?P<dm_b>"
        + NUM
        + r")(?:(?:\s?x\s?|×)(?P<dm_c>"
        + NUM
        + r"))?(?![\d])",
    ),
    ("times", r"(?P<ti_a>" + NUM + r")[x×](?= [A-Za-z])"),
    (
        "mixed",
        r"(?<![\d/.])(?P<mx_w>\d+)\s(?P<mx_n>\d+)/(?P<mx_d>\d+)(?![\d/])"
        r"(?:(?P<mx_sp>\s?)(?P<mx_u>" + UNIT + r")(?![\w/]))?",
    ),
    (
        "frac",
        r"(?<![\d/.])(?P<fr_n>\d+)/(?P<fr_d>\d+)(?![\d/])"
        r"(?:(?P<fr_sp>\s?)(?P<fr_u>" + UNIT + r")(?![\w/]))?",
    ),
    ("ratio", r"(?<![\d:])(?P<ra_a>\d+):(?P<ra_b>\d+)(?![\d:])"),
    ("percent", r"(?:(?<![\w)])(?P<pc_sign>[-−+]))?(?P<pc_a>" + NUM + r")\s?%"),
    (
        "measure",
        r"(?:(?<![\w)])(?P<me_sign>[-−]))?(?P<me_a>"
        + NUM
        + r")(?P<me_sp>\s?)(?P<me_u>"
        + UNIT
        + r")(?:/(?P<me_per>"
        + UNIT
        + r"))?(?![\w/])",
    ),
    ("scale", r"(?P<sc_a>" + NUM + r")(?P<sc_s>mn|bn|tn|[kKMBT])(?![A-Za-z])"),
    ("numero", r"#\s?(?=\d)"),
    ("number", r"(?:(?<![\w)\].,])(?P<nu_sign>[-−+±~](?=\.?\d)))?(?P<nu_a>" + NUM + ")"),
]

_MASTER = re.compile(
    r"(?=[\d$€£¥₹₩₽₿.'#+±~−A-Z(-])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS)
    + ")"
)
_HAS_WORK = re.compile(r"[\d$€£¥₹₩₽₿]")
_DIGITS = re.compile(NUM)


def _pad(m, words, start=None, end=None):
    """Keep spoken words apart from letters they were written against ('A4' -> 'A four')."""
    text = m.string
    start = m.start() if start is None else start
    end = m.end() if end is None else end
    if start > 0 and text[start - 1].isalnum():
        words = " " + words
    if end < len(text) and text[end].isalnum():
        words = words + " "
    return words


def _numbers_only(text):
    return _DIGITS.sub(lambda m: _pad(m, number(m.group())), text)


def _sentence_end(m):
    """A consumed final period (5 p.m.) that also ended the sentence is given back."""
    if not m.group().endswith("."):
        return ""
    rest = m.string[m.end() : m.end() + 2]
    if rest == "" or rest[:1] == "\n" or (rest[:1] == " " and rest[1:2].isupper()):
        return "."
    return ""


def _integer(text, allow_year=True):
    plain = text.replace(",", "")
    if (
        allow_year
        and "," not in text
        and len(plain) == 4
        and plain.isdigit()
        and 1100 <= int(plain) <= 2099
    ):
        return year(plain)
    return number(text)


def _phone(m):
    text = m.group()
    words = []
    if text.startswith("+"):
        words.append("plus")
    for group in re.findall(r"\d+", text):
        words.append(digits(group))
    return " ".join(words)


def _iso(m):
    return dates.iso_date(m["iso_y"], m["iso_m"], m["iso_d"])


def _numdate(m):
    if m["nd_s"] == "." and len(m["nd_y"]) == 2:
        return None
    return dates.numeric_date(m["nd_a"], m["nd_s"], m["nd_b"], m["nd_y"])


def _time(m):
    words = dates.time_words(m["tm_h"], m["tm_m"], m["tm_s"], m["tm_ap"])
    return words and words + _sentence_end(m)


def _ampm(m):
    words = dates.time_words(m["ap_h"], None, None, m["ap_m"])
    return words and words + _sentence_end(m)


def _money(m):
    names = _as_modifier(m, CURRENCY_SYMBOLS[m["mo_c"]])
    if m["mo_b"]:
        first = number(m["mo_a"]) + (" " + SCALES[m["mo_s"]] if m["mo_s"] else "")
        return f"{first} to {measures.money(m['mo_b'], names, m['mo_s2'])}"
    return _signed(m["mo_sign"], measures.money(m["mo_a"], names, m["mo_s"]))


def _after_article(m):
    """'a $15 ticket', 'a 10 kg bag': the amount is an adjective, its unit singular."""
    start = m.start()
    before = m.string[max(0, start - 4) : start].lower()
    if before.endswith((" a ", " an ")):
        return True
    return start <= 3 and before in ("a ", "an ")


def _as_modifier(m, names):
    if _after_article(m):
        unit, _, cent, _ = names
        return (unit, unit, cent, cent)
    return names


def _code(m):
    return measures.money(m["mc_a"], CURRENCY_CODES[m["mc_c"]], m["mc_s"])


def _postmoney(m):
    symbol = m["mp_c"]
    if symbol == "¢":
        return measures.cents_only(m["mp_a"])
    names = CURRENCY_SYMBOLS["€"] if symbol == "€" else CURRENCY_CODES[symbol]
    return measures.money(m["mp_a"], names, m["mp_s"])


def _mdate(m):
    month = dates.month_number(m["wd_m"])
    return dates.month_first(month, int(m["wd_d"]), m["wd_y"])


def _ddate(m):
    month = dates.month_number(m["dw_m"])
    words = dates.day_first(int(m["dw_d"]), month, m["dw_y"])
    if words and m.string[max(0, m.start() - 4) : m.start()].lower() == "the ":
        words = words[4:]  # "the 21st of June" already has its article
    return words


def _plural_of_last(words):
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


def _decade(m):
    value = m["dec_n"]
    words = year(value) if len(value) == 4 else cardinal(value)
    return _plural_of_last(words)


def _feet(m):
    feet, inches = m["ft_a"], m["ft_b"]
    return (
        f"{cardinal(feet)} {'foot' if feet == '1' else 'feet'} "
        f"{cardinal(inches)} {'inch' if inches == '1' else 'inches'}"
    )


def _ordinal(m):
    return ordinal(m["ord_n"])


def _version(m):
    return " point ".join(number(part) for part in m.group().split("."))


def _unit_ok(m, unit, spaced):
    """Short unit symbols that are also words ('5 in the box') count only when attached
    to the number or when no word follows them."""
    if unit not in AMBIGUOUS_UNITS or not spaced:
        return True
    rest = m.string[m.end() : m.end() + 2]
    return not (rest[:1] == " " and rest[1:2].isalpha())


def _range(m):
    a, b = m["rg_a"], m["rg_b"]
    first = _integer(a)
    if len(a) == 4 and len(b) == 2 and b.isdigit():
        second = cardinal(b)
    else:
        second = _integer(b)
    words = f"{first} to {second}"
    unit = m["rg_u"]
    if not unit:
        return words
    if unit == "%":
        return words + " percent"
    if not _unit_ok(m, unit, m["rg_sp"]):
        return _pad(m, words, end=m.start("rg_sp")) + m.group()[m.start("rg_sp") - m.start() :]
    return f"{first} to {number(b)} {UNITS[unit][1]}"


def _dims(m):
    parts = [number(m["dm_a"]), number(m["dm_b"])]
    if m["dm_c"]:
        parts.append(number(m["dm_c"]))
    return " by ".join(parts)


def _times(m):
    return number(m["ti_a"]) + " times"


def _mixed(m):
    whole, num, den = m["mx_w"], m["mx_n"], m["mx_d"]
    if int(den) == 0 or int(num) >= int(den):
        return None
    part = fraction(num, den)
    if num == "1":
        part = "a " + part.split(" ", 1)[1]
    words = f"{cardinal(whole)} and {part}"
    unit = m["mx_u"]
    if unit and _unit_ok(m, unit, m["mx_sp"]):
        return f"{words} {UNITS[unit][1]}"
    return words + (m.group()[m.start("mx_sp") - m.start() :] if unit else "")


def _frac(m):
    num, den = m["fr_n"], m["fr_d"]
    if (num, den) == ("24", "7"):
        words = "twenty four seven"
    elif int(den) == 0:
        words = f"{cardinal(num)} over zero"
    else:
        words = fraction(num, den)
    unit = m["fr_u"]
    if unit and _unit_ok(m, unit, m["fr_sp"]) and int(den):
        if int(num) < int(den):
            return f"{words} of a {UNITS[unit][0]}"
        return f"{words} {UNITS[unit][1]}"
    return words + (m.group()[m.start("fr_sp") - m.start() :] if unit else "")


def _ratio(m):
    return f"{number(m['ra_a'])} to {number(m['ra_b'])}"


def _signed(sign, words):
    if sign in ("-", "−"):
        return "minus " + words
    if sign == "+":
        return "plus " + words
    if sign == "±":
        return "plus or minus " + words
    if sign == "~":
        return "about " + words
    return words


def _percent(m):
    return _signed(m["pc_sign"], measures.percent(m["pc_a"]))


def _measure(m):
    unit = m["me_u"]
    if not _unit_ok(m, unit, m["me_sp"]):
        return None
    words = measures.unit_words(m["me_a"], unit, m["me_per"], singular=_after_article(m))
    return _signed(m["me_sign"], words)


def _scale(m):
    return f"{number(m['sc_a'])} {SCALES[m['sc_s']]}"


def _numero(m):
    return "number "


def _number(m):
    return _signed(m["nu_sign"], _integer(m["nu_a"]))


_HANDLERS = {
    "phone": _phone,
    "iso": _iso,
    "numdate": _numdate,
    "time": _time,
    "ampm": _ampm,
    "money": _money,
    "code": _code,
    "postmoney": _postmoney,
    "mdate": _mdate,
    "ddate": _ddate,
    "feet": _feet,
    "decade": _decade,
    "ordinal": _ordinal,
    "version": _version,
    "range": _range,
    "dims": _dims,
    "times": _times,
    "mixed": _mixed,
    "frac": _frac,
    "ratio": _ratio,
    "percent": _percent,
    "measure": _measure,
    "scale": _scale,
    "numero": _numero,
    "number": _number,
}


def _dispatch(m):
    words = _HANDLERS[m.lastgroup](m)
    if words is None:
        return _pad(m, _numbers_only(m.group()))
    if m.lastgroup == "numero":
        return words
    return _pad(m, words)


# --- web addresses --------------------------------------------------------------------

_WEB = re.compile(
    r"\b(?:https?://)?[A-Za-z0-9][\w.+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)?"
    r"\.(?:com|org|net|edu|gov|io|co|uk|de|fr|ai|app|dev|info|us|ca|au)\b(?:/[\w./%-]*)?"
)
_WEB_PARTS = re.compile(r"://|[./@_:-]|\d+|www(?=\.)")
_WEB_WORDS = {
    "://": " colon slash slash ",
    ".": " dot ",
    "/": " slash ",
    "@": " at ",
    "_": " underscore ",
    ":": " colon ",
    "-": " dash ",
    "www": " w w w ",
}


def _web(m):
    spoken = _WEB_PARTS.sub(
        lambda p: (
            " " + digits(p.group()) + " " if p.group()[0].isdigit() else _WEB_WORDS[p.group()]
        ),
        m.group(),
    )
    return _pad(m, " ".join(spoken.split()))


# --- abbreviations ------------------------------------------------------------------

_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:et al\.|[A-Za-z][A-Za-z.]{0,5}\.(?=[\s,;:)!?]|$)|vs(?=\s)|PhD)"
)
_NUMBER_AHEAD = re.compile(r"\s?[#]?\d")
_SENTENCE_FINAL = frozenset(
    {
        "etc.",
        "Inc.",
        "Ltd.",
        "Co.",
        "Jr.",
        "Sr.",
        "a.m.",
        "p.m.",
        "U.S.",
        "U.K.",
        "Corp.",
        "A.M.",
        "P.M.",
        "al.",
    }
)


def _abbreviation(m):
    key = m.group()
    text = m.string
    after = text[m.end() : m.end() + 2]
    if key in TITLE_OR_PLACE:
        title, place = TITLE_OR_PLACE[key]
        next_is_name = after[:1] == " " and after[1:2].isupper()
        before = text[max(0, m.start() - 2) : m.start()]
        after_name = len(before) == 2 and before[1] == " " and before[0].isalpha()
        return place if after_name and not next_is_name else title
    words = ABBREVIATIONS.get(key)
    if words is None:
        words = NUMBER_ABBREVIATIONS.get(key)
        if words is None or not _NUMBER_AHEAD.match(text, m.end()):
            return key
        return words
    if key in _SENTENCE_FINAL and (
        after == "" or after[:1] == "\n" or (after[:1] == " " and after[1:2].isupper())
    ):
        words += "."
    return words


# --- roman numerals -------------------------------------------------------------------

_ROMAN_HINT = re.compile(r"[A-Za-z]\.?\s+[IVXLCDM]+\b|WWI")
_ROMAN = re.compile(r"\b([A-Za-z]+)(\.?\s+)([IVXLCDM]+)\b(?!['’.]\w)|\bWW(II|I)\b")
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


def _roman(m):
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


# --- symbols ---------------------------------------------------------------------------

_SYMBOLS = {**SYMBOL_CHARS, **TEXT_SYMBOLS}
_SYMBOL = re.compile(
    r"->|=>|<=|>=|!=|[" + re.escape("".join(k for k in _SYMBOLS if len(k) == 1)) + "]"
)
_ARROWS = {
    "->": "to",
    "=>": "implies",
    "<=": "less than or equal to",
    ">=": "greater than or equal to",
    "!=": "is not equal to",
}


def _symbol(m):
    key = m.group()
    words = _ARROWS.get(key)
    if words is None:
        words = _SYMBOLS[key]
    if words in ("", " ", ",", "'", "..."):
        return words
    return _pad(m, words)


# --- entry point -----------------------------------------------------------------------


_GREEK_LETTER = re.compile("(?<![\u0370-\u03ff])[" + "".join(GREEK_CHARS) + "](?![\u0370-\u03ff])")


def _greek(m):
    return _pad(m, GREEK_CHARS[m.group()])


def normalize_written(text: str) -> str:
    """Speak the written forms in a stretch of prose (no LaTeX in it)."""
    if not text.isascii():
        text = _GREEK_LETTER.sub(_greek, text)
    if "." in text or "vs" in text or "PhD" in text:
        text = _ABBREVIATION.sub(_abbreviation, text)
    if (
        ".co" in text
        or ".org" in text
        or ".net" in text
        or "@" in text
        or "://" in text
        or ".edu" in text
        or ".gov" in text
        or ".io" in text
        or ".uk" in text
    ):
        text = _WEB.sub(_web, text)
    if _HAS_WORK.search(text) or "#" in text:
        text = _MASTER.sub(_dispatch, text)
    if _ROMAN_HINT.search(text):
        text = _ROMAN.sub(_roman, text)
    return _SYMBOL.sub(_symbol, text)
