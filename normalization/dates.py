"""Dates and times to words.

Month-first dates read "march third twenty twenty six"; day-first dates read
"the third of march twenty twenty six", as an English speaker says each form.
Numeric dates with slashes are taken as US (month first) unless the first field
cannot be a month.
"""

from .numbers import cardinal, digits, ordinal, year
from .tables import MONTH_NAMES, MONTHS


def _year_words(text: str) -> str:
    if len(text) == 2:
        # '03 -> "oh three", '99 -> "ninety nine"
        return "oh " + digits(text[1]) if text[0] == "0" else cardinal(text)
    return year(text)


def month_first(month: int, day: int, year_text: str | None = None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"{MONTHS[month - 1]} {ordinal(str(day))}"
    return f"{words} {_year_words(year_text)}" if year_text else words


def day_first(day: int, month: int, year_text: str | None = None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"the {ordinal(str(day))} of {MONTHS[month - 1]}"
    return f"{words} {_year_words(year_text)}" if year_text else words


def iso_date(y: str, m: str, d: str) -> str | None:
    return month_first(int(m), int(d), y)


def numeric_date(a: str, sep: str, b: str, y: str) -> str | None:
    first, second = int(a), int(b)
    if sep == "/" and first <= 12:
        return month_first(first, second, y)
    return day_first(first, second, y)


def month_number(name: str) -> int | None:
    return MONTH_NAMES.get(name.lower().rstrip("."))


def time_words(
    hours: str, minutes: str | None, seconds: str | None, meridiem: str | None
) -> str | None:
    h = int(hours)
    m = int(minutes) if minutes else 0
    if h > 24 or m > 59 or (seconds and int(seconds) > 59):
        return None
    if meridiem and not 1 <= h <= 12:
        return None
    words = cardinal(str(h))
    if m == 0:
        if not meridiem and not seconds:
            words += " o'clock" if h <= 12 else " hundred"
    elif m < 10:
        words += " oh " + cardinal(str(m))
    else:
        words += " " + cardinal(str(m))
    if seconds:
        s = int(seconds)
        words += f" and {cardinal(str(s))} second" + ("" if s == 1 else "s")
    if meridiem:
        words += " a m" if meridiem.lower().startswith("a") else " p m"
    return words
