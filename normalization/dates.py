"""Dates, times, durations and years to words.

Month-first dates read "march third twenty twenty six"; day-first dates read
"the third of march twenty twenty six", as an English speaker says each form.
All-numeric dates follow one rule whatever the separator (/ - .): the first field is the
month unless it cannot be one (above 12), so 03.04.2026 is March 4th like 03/04/2026.
A reading that would need a guess (31/31/100) is not a date at all.
"""

from .numbers import cardinal, digits, ordinal, year
from .tables import MONTH_NAMES, MONTHS


def year_words(text: str) -> str:
    if len(text) == 2:
        # '03 -> "oh three", '99 -> "ninety nine"
        return "oh " + digits(text[1]) if text[0] == "0" else cardinal(text)
    return year(text)


def era_year(text: str) -> str:
    """Years with an era, as historians say them: 44 BC, four seventy six AD, ten sixty six."""
    value = int(text)
    if value < 100 or len(text) > 4:
        return cardinal(str(value))
    if value < 1000:
        head, tail = divmod(value, 100)
        if tail == 0:
            return cardinal(str(head)) + " hundred"
        rest = "oh " + cardinal(str(tail)) if tail < 10 else cardinal(str(tail))
        return f"{cardinal(str(head))} {rest}"
    return year(str(value))


def house_number(text: str) -> str:
    """Street numbers in pairs: 1428 is fourteen twenty eight, 221 two twenty one."""
    value = int(text)
    if len(text) > 4 or text[0] == "0":
        return digits(text)
    if value < 100:
        return cardinal(text)
    if len(text) == 3:
        return era_year(text)
    if value % 1000 < 10 or value % 100 == 0:
        return year(text) if value % 100 == 0 else cardinal(text)
    return f"{cardinal(text[:2])} {_pair(text[2:])}"


def _pair(text):
    return "oh " + cardinal(text[1]) if text[0] == "0" else cardinal(text)


def month_first(month: int, day: int, year_text: str | None = None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"{MONTHS[month - 1]} {ordinal(str(day))}"
    return f"{words} {year_words(year_text)}" if year_text else words


def day_first(day: int, month: int, year_text: str | None = None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = f"the {ordinal(str(day))} of {MONTHS[month - 1]}"
    return f"{words} {year_words(year_text)}" if year_text else words


def iso_date(y: str, m: str, d: str) -> str | None:
    return month_first(int(m), int(d), y)


def numeric_date(a: str, b: str, y: str | None) -> str | None:
    """Month first (US) unless the first field cannot be a month."""
    first, second = int(a), int(b)
    if 1 <= first <= 12:
        return month_first(first, second, y)
    if 1 <= second <= 12:
        return day_first(first, second, y)
    return None


def month_number(name: str) -> int | None:
    return MONTH_NAMES.get(name.lower().rstrip("."))


def meridiem_words(meridiem: str) -> str:
    """'AM' / 'PM' in capitals: after a number an engine says the letters (espeak-ng reads
    "ten AM" as "ay em", but "ten a m" as "ten uh em", the article)."""
    return "AM" if meridiem.lower().startswith("a") else "PM"


def time_words(
    hours: str, minutes: str | None, seconds: str | None, meridiem: str | None, bare=False
) -> str | None:
    """A clock time. bare: an hour inside a range ("2:00-3:30 p.m."), said without o'clock."""
    h = int(hours)
    m = int(minutes) if minutes else 0
    if h > 24 or m > 59 or (seconds and int(seconds) > 59):
        return None
    if meridiem and not 1 <= h <= 12:
        return None
    some_seconds = bool(seconds and int(seconds))
    if m == 0 and h in (0, 24) and not meridiem and not some_seconds and not bare:
        return "midnight"
    words = cardinal(str(h))
    if m == 0:
        # On the hour: "ten o'clock", "twenty three o'clock"; with a meridiem "ten AM",
        # unless seconds follow: "ten o'clock and five seconds", never "ten and five
        # seconds", which sounds like fifteen seconds.
        if (not meridiem or some_seconds) and not bare:
            words += " o'clock"
    elif m < 10:
        words += " oh " + cardinal(str(m))
    else:
        words += " " + cardinal(str(m))
    if some_seconds:
        s = int(seconds)
        words += f" and {cardinal(str(s))} second" + ("" if s == 1 else "s")
    if meridiem:
        words += " " + meridiem_words(meridiem)
    return words


def duration_words(hours: str, minutes: str, seconds: str) -> str | None:
    """1:05:30 as a length of time: one hour five minutes and thirty seconds."""
    h, m, s = int(hours), int(minutes), int(seconds)
    if m > 59 or s > 59:
        return None
    parts = [_count(h, "hour"), _count(m, "minute")]
    return " ".join(parts) + " and " + _count(s, "second")


def _count(value, unit):
    return f"{cardinal(str(value))} {unit}" + ("" if value == 1 else "s")
