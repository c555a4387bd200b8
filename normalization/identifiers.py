"""Numbers that are dialled, typed or looked up rather than counted: telephone numbers,
IP addresses, ZIP codes, order numbers and codes. They are read digit by digit in the
groups they were written in, so nothing is ever read as a large amount or a subtraction."""

import re

from .numbers import digits
from .tables_written import EMERGENCY_NUMBERS, ID_CONTEXT

_GROUP = re.compile(r"\d+")
_EXTENSION = re.compile(r",?\s?(?:ext\.?|x|extension)\s?(\d{1,5})$")
_ID_BEFORE = re.compile(
    r"\b(?:" + "|".join(re.escape(word) for word in ID_CONTEXT) + r")"
    r"(?:\s(?:number|no\.?|num|id|code))?\W{0,3}(?:(?:is|was|:)\W{0,2})?(?:#\s?)?$",
    re.I,
)
_DIAL_BEFORE = re.compile(
    r"\b(?:call|calls|called|calling|dial|dialled|dialed|ring|phone|text|emergency[\w\s]{0,12})\W{0,3}(?:is\s)?$",
    re.I,
)
_TOLL_FREE = frozenset({"800"})


def digit_groups(groups) -> str:
    return ", ".join(digits(group) for group in groups if group)


def phone(text: str) -> str:
    """'+1 (212) 555-0147 ext. 12' -> 'plus one, two one two, five five five, zero one four
    seven, extension one two'. A 1-800 area code is said 'eight hundred'."""
    extension = _EXTENSION.search(text)
    body = text[: extension.start()] if extension else text
    letters = re.search(r"-([A-Z][A-Z-]*)$", body)
    if letters:  # 1-800-GO-U-HAUL: the letters are said as they are written
        head = phone(body[: letters.start()])
        return head + ", " + letters.group(1).replace("-", " ")
    groups = _GROUP.findall(body)
    words = []
    for index, group in enumerate(groups):
        area_code = index == (1 if groups[0] == "1" else 0)
        if group in _TOLL_FREE and area_code and len(groups) >= 2:
            words.append("eight hundred")
        else:
            words.append(digits(group))
    spoken = ", ".join(words)
    if body.lstrip().startswith("+"):
        spoken = "plus " + spoken
    if extension:
        spoken += ", extension " + digits(extension.group(1))
    return spoken


def ip_address(text: str) -> str | None:
    parts = text.split(".")
    if any(int(part) > 255 for part in parts):
        return None
    return " dot ".join(digits(part) for part in parts)


def zip_code(text: str) -> str:
    return digit_groups(text.split("-"))


def id_context(before: str) -> bool:
    """True when the words before a number name it as a code ('PIN', 'order ID is')."""
    return _ID_BEFORE.search(before) is not None


def is_dialled(value: str, text: str, start: int) -> bool:
    """911 is always dialled; 112, 999 and the like only after 'call', 'dial', 'emergency'
    (value is the number found at text[start:])."""
    if value not in EMERGENCY_NUMBERS:
        return False
    if value == "911":
        return True
    before = text[max(0, start - 40) : start]
    return _DIAL_BEFORE.search(before) is not None
