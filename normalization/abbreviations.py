"""Abbreviations in prose, expanded only where their meaning is certain.

Most are fixed ("Mr." is mister). Some depend on what is around them: "St." is street
after a street name or a house number and saint before a name; a weekday abbreviation
is a weekday only in a date-like context ("on Sun.", "Fri., Oct. 9", "Mon–Fri"), never
at the end of any sentence ("I love the Sun."); a month abbreviation is left to the date
reader, which sees the day or year next to it. When the context does not settle it, the
abbreviation is kept as written rather than guessed.
"""

import re

from .tables import ABBREVIATIONS, MONTH_NAMES, NUMBER_ABBREVIATIONS, TITLE_OR_PLACE
from .tables_written import WEEKDAY_LEAD_WORDS, WEEKDAY_TAIL_WORDS, WEEKDAYS

ABBREVIATION = re.compile(
    r"(?=[A-Za-z])(?<![\w./])(?:et al\.|[A-Za-z][A-Za-z.]{0,5}\.(?=[\s,;:)!?]|$)|vs(?=\s)|PhD)"
)
_WEEKDAY = re.compile(r"(?=[MTWFS])\b(Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)\b(\.?)")
_NUMBER_AHEAD = re.compile(r"\s?[#]?\d")
_SENTENCE_FINAL = frozenset(
    {"etc.", "Inc.", "Ltd.", "Co.", "Jr.", "Sr.", "a.m.", "p.m.", "U.S.", "U.K.", "Corp.",
     "A.M.", "P.M.", "al."}
)  # fmt: skip
# Abbreviations that never come before a name: a capital after one starts the next
# sentence ("It hit the max. Then it fell."), so its period is given back.
_BEFORE_SENTENCE = frozenset(
    {"max.", "min.", "sec.", "govt.", "intl.", "Ave.", "Blvd.", "Rd.", "Ln.", "Ph.D.",
     "M.A.", "B.A.", "B.Sc.", "M.Sc.", "D.C.", "E.U.", "U.N."}
)  # fmt: skip
# Before "St." or "Dr.": a house number, a street name after a house number, an ordinal.
_ADDRESS_BEFORE = re.compile(
    r"(?<![\w.,])\d+(?:(?:st|nd|rd|th)?\s|\s(?:[NSEW]\.?\s)?(?:[A-Z][\w'-]*\s){1,3})$"
)
# Capitalized words after "Dr." or "St." that begin a new sentence rather than name someone.
_SENTENCE_STARTERS = frozenset(
    """The Then It We I You He She They This That There These Those A An In On At After
    Before Next So But And Our My Your Its His Her Turn Go Walk Park Take Drive Meet""".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-z&]+)\W{0,2}$")
_DATE_AFTER = re.compile(r"\.?,?\s?(?:\d|[–-]\s?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b)")


def expand(text: str) -> str:
    if "." in text or "vs" in text or "PhD" in text:
        text = ABBREVIATION.sub(_abbreviation, text)
    if "Mon" in text or "T" in text or "W" in text or "Fri" in text or "S" in text:
        text = _WEEKDAY_RANGE.sub(_weekday_range, text)
        text = _WEEKDAY.sub(_weekday, text)
    return text


_WEEKDAY_RANGE = re.compile(
    r"(?=[MTWFS])\b(Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)\.?\s?[–-]\s?(Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)\b(\.?)"
)


def _weekday_range(m):
    """'Mon–Fri' is Monday to Friday: two weekdays joined by a dash are never words."""
    last = WEEKDAYS[m.group(2).lower()]
    end = "." if m.group(3) and sentence_ends_after(m.string, m.end()) else ""
    return f"{WEEKDAYS[m.group(1).lower()]} to {last}{end}"


def sentence_ends_after(text: str, end: int) -> bool:
    after = text[end : end + 2]
    return after == "" or after[:1] == "\n" or (after[:1] == " " and after[1:2].isupper())


def _abbreviation(m):
    key = m.group()
    text = m.string
    if key in TITLE_OR_PLACE:
        return _title_or_place(m, key)
    if _WEEKDAY.fullmatch(key):
        return key  # left to the weekday pass, which looks at the context
    words = ABBREVIATIONS.get(key)
    if words is None:
        words = NUMBER_ABBREVIATIONS.get(key)
        if words is None or not _NUMBER_AHEAD.match(text, m.end()):
            return key
        return words
    if key in _SENTENCE_FINAL and sentence_ends_after(text, m.end()):
        words += "."
    elif key in _BEFORE_SENTENCE and re.match(r" [A-Z]", text[m.end() : m.end() + 2]):
        words += "."
    return words


def _title_or_place(m, key):
    """'Dr. Smith' / 'Elm Dr.'; 'St. Louis' / 'Main St.', '1428 Elm St. It was', '5th St.'"""
    title, place = TITLE_OR_PLACE[key]
    text = m.string
    following = re.match(r" ([A-Z][a-z]*)", text[m.end() : m.end() + 20])
    next_is_name = following is not None and following.group(1) not in _SENTENCE_STARTERS
    before = text[max(0, m.start() - 40) : m.start()]
    # The period is given back when another sentence follows ("Elm Dr. Turn left").
    end = "." if text[m.end() : m.end() + 2][1:2].isupper() else ""
    if _ADDRESS_BEFORE.search(before):
        # A house number right before it is "5 St. James" only when a name follows.
        number_only = before.rstrip()[-1:].isdigit() or before.rstrip().endswith(
            ("st", "nd", "rd", "th")
        )
        return title if number_only and next_is_name else place + end
    after_name = len(before) >= 2 and before[-1] == " " and before[-2].isalpha()
    return place + end if after_name and not next_is_name else title


def _weekday(m):
    if not _weekday_context(m):
        return m.group()
    day = WEEKDAYS[m.group(1).lower()]
    return day + "." if m.group(2) and sentence_ends_after(m.string, m.end()) else day


def _weekday_context(m):
    text = m.string
    start, end = m.start(), m.end()
    if _ARTICLE_BEFORE.search(text, max(0, start - 8), start):
        return False  # "the Sun", "our Sat. plan": a word, not a weekday
    if _DATE_AFTER.match(text, end) or _month_after(text, end):
        return True
    following = _WORDS_AFTER.match(text, end)
    if following:
        word, then = following.group(1).lower(), following.group(2)
        if word in WEEKDAY_TAIL_WORDS:
            return True
        if word in _LINK_WORDS and then and (then[0].isdigit() or _WEEKDAY.fullmatch(then)):
            return True
    if _TIME_BEFORE.search(text, max(0, start - 16), start):
        return True  # "by 11:59 p.m. Sun.": a weekday right after a clock time
    preceding = _WORD_BEFORE.search(text, max(0, start - 20), start)
    if preceding is None:
        return False
    word = preceding.group(1)
    if word.lower() in WEEKDAY_LEAD_WORDS:
        return True
    if word.lower() in _LINK_WORDS:
        return _weekday_before(text, preceding.start())
    return word in WEEKDAYS.values() or bool(_WEEKDAY.fullmatch(word))


_MERIDIEM = r"[AaPp]\.?\s?[Mm]\b\.?"
_TIME_BEFORE = re.compile(r"(?:\d:\d\d(?:\s?" + _MERIDIEM + r")?|\d\s?" + _MERIDIEM + r"),?\s$")
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an|our|my|his|her|their|its|your)\s$", re.I)
_LINK_WORDS = frozenset({"and", "or", "to", "through", "thru", "until", "till", "at", "&"})
_WORDS_AFTER = re.compile(r"\.?,?\s?([A-Za-z&]+|[–-])\.?\s?([A-Za-z]+|\d)?")


def _weekday_before(text, pos):
    before = text[max(0, pos - 12) : pos]
    return any(day in before for day in WEEKDAYS.values()) or _WEEKDAY.search(before) is not None


def _month_after(text, end):
    following = re.match(r"\.?,?\s([A-Za-z]+)", text[end : end + 14])
    return bool(following and following.group(1).lower() in MONTH_NAMES)
