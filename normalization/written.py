"""Written forms in prose (numbers, money, measures, dates, times, telephone numbers,
identifiers, addresses, abbreviations, roman numerals, symbols) to words.

Passes run in this order over a stretch of prose: web addresses, abbreviations, dates
that start with a month name, then one combined regular expression (patterns.py) for
every number-bearing form, roman numerals and symbols. When a form is ambiguous the
reading chosen is one that cannot change what is said: digits are read one by one
rather than as an invented amount, an abbreviation is kept rather than guessed.
"""

import re

from . import abbreviations, dates, measures, trace, web
from .identifiers import (
    digit_groups,
    id_context,
    ip_address,
    is_dialled,
    phone,
    zip_code,
)
from .numbers import cardinal, digits, fraction, number, ordinal, ordinal_suffix, year
from .patterns import MASTER, MONTH_DATE, MONTH_HINT, NUM
from .roman import ROMAN, ROMAN_HINT, read_roman
from .symbols import SYMBOL, TAG, read_symbol, read_tag
from .tables import (
    ABBREVIATIONS,
    AMBIGUOUS_UNITS,
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    GREEK_CHARS,
    SCALES,
    TITLE_OR_PLACE,
    UNITS,
)
from .tables_written import (
    DIRECTIONS,
    ELEMENTS,
    ERAS,
    LABEL_WORDS,
    RATE_WORDS,
    SCORE_WORDS,
    STREET_SUFFIXES,
    US_STATES,
)

_HAS_WORK = re.compile(r"[\d$€£¥₹₩₽₿]")
_DIGITS = re.compile(NUM)
_CLOCK_BEFORE = re.compile(
    r"\b(?:at|by|from|until|till|before|after|since|around|between|to|and)\s$", re.I
)
_DATE_BEFORE = re.compile(
    r"(?:\b(?i:on|by|until|till|due|from|since|before|after|through)|"
    r"\b(?:Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)[a-z]*\.?,?)\s$"
)


def _pad(m, words, start=None, end=None):
    """Keep spoken words apart from letters they were written against ('A4' -> 'A four')."""
    text = m.string
    start = m.start() if start is None else start
    end = m.end() if end is None else end
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == ","):
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
    return "." if abbreviations.sentence_ends_after(m.string, m.end()) else ""


def _before(m, size=30):
    return m.string[max(0, m.start() - size) : m.start()]


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


def _letters(text):
    """'est', 'e.s.t' -> 'EST': letters a TTS engine spells. Up to three capitals stay
    joined (espeak-ng spells every two- and three-letter zone); a longer group is spaced,
    since one with a vowel may be read as a word ('CEST' as "sest", 'WEST' as "west")."""
    letters = [ch.upper() for ch in text if ch.isalpha()]
    return "".join(letters) if len(letters) <= 3 else " ".join(letters)


# --- addresses, telephone numbers, identifiers -----------------------------------------


def _address(m):
    words = [dates.house_number(m["ad_n"])]
    if m["ad_dir"]:
        words.append(DIRECTIONS[m["ad_dir"]])
    name = m["ad_name"]
    words.append(ordinal(name[:-2]) if name[0].isdigit() else name)
    suffix = m["ad_sfx"]
    spelled = STREET_SUFFIXES[suffix.lower()]
    words.append(suffix if suffix.lower() == spelled else spelled)
    spoken = " ".join(words)
    if m["ad_city"]:
        spoken += ", " + m["ad_city"]
    if m["ad_state"]:
        spoken += ", " + US_STATES[m["ad_state"]]
        if m["ad_zip"]:
            spoken += " " + zip_code(m["ad_zip"])
    elif m["ad_dot"] and not m["ad_city"]:
        spoken += _sentence_end(m)
    return spoken


def _statezip(m):
    return f"{US_STATES[m['sz_st']]} {zip_code(m['sz_zip'])}"


def _phone(m):
    return phone(m.group())


def _ip(m):
    if re.search(r"(?:version|ver\.?|v)\s?$", _before(m, 12), re.I):
        return _version(m)
    return ip_address(m.group()) or _version(m)


def _idgroups(m):
    parts = m.group().split("-")
    if all(len(p) <= 2 for p in parts) and not id_context(_before(m)):
        return ", ".join(cardinal(p) if p[0] != "0" else digits(p) for p in parts)
    return digit_groups(parts)


def _zip4(m):
    return digit_groups(m.group().split("-"))


def _slashes(m):
    return " slash ".join(
        number(part) if len(part) <= 4 else digits(part) for part in m.group().split("/")
    )


def _statute(m):
    return f"{dates.house_number(m['st_n'])} {m['st_l']}"


# --- dates and times ------------------------------------------------------------------


def _iso(m):
    return dates.iso_date(m["iso_y"], m["iso_m"], m["iso_d"])


def _numdate(m):
    if len(m["nd_y"]) == 2 and m["nd_s"] != "/" and not _DATE_BEFORE.search(_before(m, 16)):
        # 03-04-25 or 3.4.21 with no date word before it may be a code or a version.
        return _version(m) if m["nd_s"] == "." else _idgroups(m)
    words = dates.numeric_date(m["nd_a"], m["nd_b"], m["nd_y"])
    if words is None and m["nd_s"] == "/":
        return _slashes(m)
    return words


def _clock_context(m, meridiem, zone):
    return bool(meridiem or zone) or _CLOCK_BEFORE.search(_before(m, 12)) is not None


def _zone(m, *names):
    for name in names:
        if m[name]:
            return " " + _letters(m[name])
    return ""


def _time(m):
    if m["tm_dh"]:
        hours, minutes, seconds = m["tm_dh"], m["tm_dm"], None
    else:
        hours, minutes, seconds = m["tm_h"], m["tm_m"], m["tm_s"]
    zone = _zone(m, "tm_z", "tm_zl", "tm_zl2")
    if seconds and not _clock_context(m, m["tm_ap"], zone):
        return dates.duration_words(hours, minutes, seconds)
    words = dates.time_words(hours, minutes, seconds, m["tm_ap"])
    return words and words + zone + _sentence_end(m)


def _ampm(m):
    words = dates.time_words(m["ap_h"], None, None, m["ap_m"])
    return words and words + _zone(m, "ap_z", "ap_zl", "ap_zl2") + _sentence_end(m)


def _split_time(text):
    hours, _, minutes = text.partition(":")
    return hours, minutes or None


def _trange(m):
    if m["tr_a"]:
        first, first_ap, second, second_ap = m["tr_a"], m["tr_ap"], m["tr_b"], m["tr_bp"]
    else:
        first, first_ap, second, second_ap = m["tr_c"], m["tr_cp"], m["tr_d"], m["tr_dp"]
    shared = first_ap is None and second_ap is not None
    a = dates.time_words(*_split_time(first), None, first_ap, bare=shared)
    b = dates.time_words(*_split_time(second), None, second_ap, bare=shared)
    if a is None or b is None:
        return None
    zone = " " + _letters(m["tr_z"]) if m["tr_z"] else ""
    return f"{a} to {b}{zone}" + _sentence_end(m)


def _month_date(m):
    month = dates.month_number(m["md_m"])
    if m["md_yo"]:
        written = m["md_m"]
        name = written if written.lower() == dates.MONTHS[month - 1] else dates.MONTHS[month - 1]
        return f"{name} {year(m['md_yo'])}"
    words = dates.month_first(month, int(m["md_d"]), m["md_y"] if not m["md_d2"] else None)
    if words and m["md_d2"]:
        words += " to " + ordinal(m["md_d2"])
        if m["md_y"]:
            words += " " + dates.year_words(m["md_y"])
    return _pad(m, words) if words else m.group()


def _ddate(m):
    month = dates.month_number(m["dw_m"])
    words = dates.day_first(int(m["dw_d"]), month, m["dw_y"])
    if words and m["dw_d2"]:
        last = dates.day_first(int(m["dw_d2"]), month, m["dw_y"])
        if last is None:
            return None
        words = f"the {ordinal(m['dw_d'])} to {last}"
    if words and _before(m, 4).lower() == "the ":
        words = words[4:]  # "the 21st of June" already has its article
    return words and words + _month_period(m, m["dw_m"])


def _month_period(m, month):
    """The period the pattern took after a month: after a full name ("on 3 May. Then")
    it can only end the sentence and is given back; after an abbreviation ("25 Dec.")
    it is the abbreviation's unless another sentence follows."""
    if not m.group().endswith("."):
        return ""
    if month.lower() in dates.MONTHS:
        return "."
    after = m.string[m.end() : m.end() + 2]
    return "." if after[:1] == " " and after[1:2].isupper() else ""


def _shortyear(m):
    return dates.year_words(m["sy_y"])


def _hm(m):
    hours, minutes = int(m["hm_h"]), int(m["hm_m"])
    words = f"{cardinal(str(hours))} {'hour' if hours == 1 else 'hours'}"
    if minutes:
        words += f" {cardinal(str(minutes))} {'minute' if minutes == 1 else 'minutes'}"
    return words


def _era(m):
    if m["er_pre"]:
        return f"AD {dates.era_year(m['er_pn'])}"
    era = ERAS["".join(ch for ch in m["er_e"] if ch.isalpha())]
    return f"{dates.era_year(m['er_n'])} {era}" + _sentence_end(m)


def _plural_of_last(words):
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


def _decade_words(value):
    value = value.lstrip("'")
    words = year(value) if len(value) == 4 else cardinal(value)
    return _plural_of_last(words)


def _decade(m):
    return _decade_words(m["dec_n"])


def _decades(m):
    return f"{_decade_words(m['dr_a'])} to {_decade_words(m['dr_b'])}"


def _quarter(m):
    part = f"{ordinal(m['qu_q'])} quarter" if m["qu_q"] else f"{ordinal(m['qu_h'])} half"
    article = "" if _before(m, 4).lower() == "the " else "the "
    return f"{article}{part} of {dates.year_words(m['qu_y'])}"


# --- numbers --------------------------------------------------------------------------


def _feet(m):
    feet, inches = m["ft_a"], m["ft_b"]
    return (
        f"{cardinal(feet)} {'foot' if feet == '1' else 'feet'} "
        f"{cardinal(inches)} {'inch' if inches == '1' else 'inches'}"
    )


def _ordinal(m):
    words = _one_ordinal(m["ord_n"], m["ord_s"])
    if m["ord_n2"]:
        words += " to " + _one_ordinal(m["ord_n2"], m["ord_s2"])  # "1st-5th": a range
    return words


def _one_ordinal(value, suffix):
    if ordinal_suffix(int(value.replace(",", ""))) == suffix.lower():
        return ordinal(value)
    return f"{number(value)} {suffix}"  # "21th" is not guessed to be 21st


def _factorial(m):
    return number(m["fa_n"]) + " factorial"


def _minus(m):
    if m["mi_a"]:
        return f"{number(m['mi_a'])} minus {number(m['mi_b'])}"
    return f"{number(m['mi_c'])} minus {number(m['mi_d'])}"


def _version(m):
    return " point ".join(number(part) for part in m.group().split("."))


def _unit_ok(m, unit, spaced):
    """Short unit symbols that are also words ('5 in the box') count only when attached
    to the number or when no word follows them."""
    if unit not in AMBIGUOUS_UNITS or not spaced:
        return True
    rest = m.string[m.end() : m.end() + 2]
    return not (rest[:1] == " " and rest[1:2].isalnum())


def _range(m):
    a, b = m["rg_a"], m["rg_b"]
    unit = m["rg_u"]
    text = m.string
    if m["rg_spaced"] and not (
        unit and unit != "%" and _rising(a, b) and _unit_ok(m, unit, m["rg_sp"])
    ):
        # "5 - 7 kg" is a range of a measure; a bare "12 - 7" may be a subtraction, so
        # its hyphen is left as written.
        first = _number_words(m, a, None, m.start("rg_a"), m.end("rg_a"))
        second = _number_words(m, b, None, m.start("rg_b"), m.end("rg_b"))
        if unit == "%":
            second = measures.percent(b)
        elif unit and _unit_ok(m, unit, m["rg_sp"]):
            second = measures.unit_words(b, unit)
        else:
            rest = m.group()[m.end("rg_b") - m.start() :]
            return _pad(m, f"{first} - {second}", end=m.end("rg_b")) + rest
        return f"{first} - {second}"
    if (
        not unit
        and "-" in m.group()
        and (text[m.start() - 1 : m.start()] == "-" or text[m.end() : m.end() + 1] == "-")
    ):
        return f"{number(a)} {number(b)}"  # b-c-1-5-b: a code with dashes, not a range
    if id_context(_before(m)) and "." not in a + b:
        return digit_groups([a, b])
    plain_a, plain_b = a.replace(",", ""), b.replace(",", "")
    year_pair = len(plain_a) == 4 and len(plain_b) in (2, 4) and plain_b.isdigit()
    if (
        not unit
        and "-" in m.group()
        and plain_a.isdigit()
        and plain_b.isdigit()
        and int(plain_b) < int(plain_a)
        and len(plain_a) > 2
        and not (year_pair and len(plain_b) == 2)
    ):
        return digit_groups([plain_a, plain_b])  # 978-0: an identifier, not "to zero"
    first = _integer(a, allow_year=not unit)
    if year_pair and len(plain_b) == 2 and not unit:
        second = cardinal(plain_b)
    else:
        second = _integer(b, allow_year=not unit)
    words = f"{first} to {second}"
    if m["rg_pc"]:
        # "5%-10%" is five to ten percent; "5%-10" names no second unit: left to the numbers.
        return words + " percent" if unit == "%" else None
    if not unit:
        return words
    if unit == "%":
        return words + " percent"
    if not _unit_ok(m, unit, m["rg_sp"]):
        return _pad(m, words, end=m.start("rg_sp")) + m.group()[m.start("rg_sp") - m.start() :]
    return f"{number(a)} to {measures.unit_words(b, unit)}"


def _rising(a, b):
    return float(a.replace(",", "")) < float(b.replace(",", ""))


def _dims(m):
    parts = [number(m["dm_a"]), number(m["dm_b"])]
    if m["dm_c"]:
        parts.append(number(m["dm_c"]))
    words = " by ".join(parts)
    unit = m["dm_u"]
    if unit:
        if not _unit_ok(m, unit, True):
            return _pad(m, words, end=m.start("dm_sp")) + m.group()[m.start("dm_sp") - m.start() :]
        last = m["dm_c"] or m["dm_b"]
        power = m["dm_pow"] and m["dm_pow"][-1]
        words = " by ".join(parts[:-1]) + " by " + measures.unit_words(last, unit, power=power)
    return words


def _product(m):
    unit = m["pr_u"]
    if unit and _unit_ok(m, unit, m["pr_sp"]):
        last = measures.unit_words(m["pr_b"], unit, singular=_after_article(m))
        return f"{number(m['pr_a'])} times {last}"
    words = f"{number(m['pr_a'])} times {number(m['pr_b'])}"
    return words + (m.group()[m.start("pr_sp") - m.start() :] if unit else "")


def _times(m):
    return number(m["ti_a"]) + " times"


def _mixed(m):
    whole, num, den = m["mx_w"], m["mx_n"], m["mx_d"]
    if int(den) == 0:
        return None
    part = fraction(num, den)
    if num == "1":
        name = part.split(" ", 1)[1]
        part = ("an " if name[0] in "aeiou" else "a ") + name
    words = f"{cardinal(whole)} and {part}"
    unit = m["mx_u"]
    if unit and _unit_ok(m, unit, m["mx_sp"]):
        return f"{words} {measures.unit_names(unit)[1]}"
    return words + (m.group()[m.start("mx_sp") - m.start() :] if unit else "")


def _perunit(m):
    return f"{number(m['pu_a'])} {measures.rate(m['pu_u'])}"


def _frac(m):
    num, den = m["fr_n"], m["fr_d"]
    if len(num) > 5 or len(den) > 5:
        # No one writes a fraction over a million: "25/235212" is a code, read as written.
        return _slashes(m)
    if (
        "/" in m.group()
        and " " not in m.group()
        and _DATE_BEFORE.search(_before(m, 16))
        and not m.string.startswith(" of", m.end())
    ):
        words = dates.month_first(int(num), int(den))  # "on 5/12", "Thurs., 4/23"
        if words:
            return words
    if (num, den) == ("24", "7"):
        words = "twenty four seven"
    elif (
        not m["fr_u"]
        and " " not in m.group()
        and _word_before(m) in SCORE_WORDS
        and not m.string.startswith((" of", " off"), m.end())
    ):
        return f"{number(num)} out of {number(den)}"  # "Score: 18/20", "rated 4/5"
    elif int(den) == 0:
        words = f"{cardinal(num)} over zero"
    else:
        words = fraction(num, den)
    unit = m["fr_u"]
    if unit and _unit_ok(m, unit, m["fr_sp"]) and int(den):
        one, many = measures.unit_names(unit)
        if int(num) < int(den):
            return f"{words} of a {one}"
        return f"{words} {many}"
    return words + (m.group()[m.start("fr_sp") - m.start() :] if unit else "")


def _ratio(m):
    return " to ".join(number(part) for part in m.group().split(":"))  # 3:2:1


_RATING_AFTER = re.compile(r"\s(?:stars?|points?|rating)\b")


def _quotient(m):
    rated = _RATING_AFTER.match(m.string, m.end()) or _word_before(m) in SCORE_WORDS
    return f"{number(m['qo_a'])} {'out of' if rated else 'over'} {number(m['qo_b'])}"


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
    words = measures.percent(m["pc_a"])
    if m["pc_per"]:
        words += " " + measures.rate(m["pc_per"])
    return _signed(m["pc_sign"], words)


def _after_article(m):
    """'a $15 ticket', 'a 10 kg bag': the amount is an adjective, its unit singular."""
    start = m.start()
    before = m.string[max(0, start - 4) : start].lower()
    if before.endswith((" a ", " an ")):
        return True
    return start <= 3 and before in ("a ", "an ")


def _measure(m):
    unit = m["me_u"]
    if not _unit_ok(m, unit, m["me_sp"]):
        # "in 1999 in Paris", "dial 999 in the UK": no unit, so the number is read as the
        # number pattern would read it (a year, a dialled number), and the word kept.
        last = "me_sc" if m["me_sc"] else "me_a"
        words = _number_words(m, m["me_a"], m["me_sign"], m.start("me_a"), m.end("me_a"))
        if m["me_sc"]:
            words += " " + m["me_sc"]
        return _pad(m, words, end=m.end(last)) + m.group()[m.end(last) - m.start() :]
    power = m["me_pow"] and m["me_pow"][-1]
    words = measures.unit_words(
        m["me_a"],
        unit,
        m["me_per"],
        singular=_after_article(m),
        power=power,
        scale=m["me_sc"],
    )
    if m["me_dot"] and not _unit_period(m, unit):
        words += "."  # "at 5 km/h. doctor Smith ran": a full stop before an expanded title
    return _signed(m["me_sign"], words) + (_sentence_end(m) if unit.endswith(".") else "")


# Unit abbreviations written with a period of their own ("5 ft. tall", "2 tsp. of salt").
_PERIOD_UNITS = frozenset(
    """ft in lb lbs oz tsp tbsp yd yds mi sec secs min mins hr hrs wk wks mo mos yr yrs
    qt pt gal cu sq""".split()
)
# Lower-case words the abbreviation pass made from a title ("Dr." -> doctor): the word
# after the period is then the start of a sentence, not a continuation.
_TITLE_WORDS = frozenset(
    [words for key, words in ABBREVIATIONS.items() if key[:1].isupper()]
    + [title for title, _ in TITLE_OR_PLACE.values()]
)


def _unit_period(m, unit):
    """True when the period after a unit is the abbreviation's own, not a full stop."""
    if m["me_per"] or unit.lower() not in _PERIOD_UNITS:
        return False
    following = re.match(r"\s([a-z]+)", m.string[m.end() : m.end() + 20])
    return following is not None and following.group(1) not in _TITLE_WORDS


def _scale(m):
    if _word_before(m) in LABEL_WORDS:
        return f"{number(m['sc_a'])} {m['sc_s']}"  # "Room 204B at 3pm": a label, not billions
    return f"{number(m['sc_a'])} {SCALES[m['sc_s']]}"


_LAST_WORD = re.compile(r"([A-Za-z]+)\.?:?\s$")


def _word_before(m):
    """The word just before the match, lower-cased ('' when there is none)."""
    found = _LAST_WORD.search(_before(m, 16))
    return found.group(1).lower() if found else ""


def _numero(m):
    return "number "


def _number(m):
    return _number_words(m, m["nu_a"], m["nu_sign"], m.start("nu_a"), m.end("nu_a"))


def _number_words(m, value, sign, start, end):
    """A plain number found at m.string[start:end]: a code, an identifier or a dialled
    number digit by digit, otherwise a year or an amount."""
    if value.isdigit():
        if _code_token(m.string, start, end, value):
            return digits(value)
        before = m.string[max(0, start - 30) : start]
        if len(value) >= 3 and (id_context(before) or is_dialled(value, m.string, start)):
            return digits(value)
    return _signed(sign, _integer(value))


_WORD_REACH = 32
_DIGIT_RUN = re.compile(r"\d+")
# A word of element symbols and counts (C6H12O6, Fe2O3) is a formula: its counts are numbers.
_FORMULA = re.compile(r"(?:(?:" + "|".join(sorted(ELEMENTS, key=len, reverse=True)) + r")\d*)+")


def _code_token(text, start, end, value):
    """XR2000, 1Z999, ab9453, B2A23C: digits inside a word of letters are a code when
    there are four or more of them or when letters and digits alternate more than once;
    A4, B12, MP3 and C6H12O6 keep their numbers (value is text[start:end])."""
    # The word is looked at only so far either side, so a long run of letters and digits
    # costs the same for each of its numbers (not its whole length each time); a run
    # longer than that is no word, and its digits are a code.
    low, high = max(0, start - _WORD_REACH), min(len(text), end + _WORD_REACH)
    while start > low and text[start - 1].isalnum():
        start -= 1
    while end < high and text[end].isalnum():
        end += 1
    if (start == low and low and text[low - 1].isalnum()) or (
        end == high and high < len(text) and text[high].isalnum()
    ):
        return True
    token = text[start:end]
    if token == value or not token.isascii():
        return False
    if len(value) >= 3 and sum(ch.isdigit() for ch in token) >= 4:
        return True
    return len(_DIGIT_RUN.findall(token)) >= 2 and not _FORMULA.fullmatch(token)


# --- money -----------------------------------------------------------------------------


def _money(m):
    names = _as_modifier(m, CURRENCY_SYMBOLS[m["mo_c"]])
    rate = " " + measures.rate(m["mo_per"]) if m["mo_per"] else ""
    if m["mo_b"]:
        last = measures.money(m["mo_b"], names, m["mo_s2"])
        if measures.has_cents(m["mo_a"]) or measures.has_cents(m["mo_b"]):
            return f"{measures.money(m['mo_a'], names, m['mo_s'])} to {last}{rate}"
        first = number(m["mo_a"].split(".")[0]) + (" " + SCALES[m["mo_s"]] if m["mo_s"] else "")
        return f"{first} to {last}{rate}"
    return _signed(m["mo_sign"], measures.money(m["mo_a"], names, m["mo_s"]) + rate)


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


_HANDLERS = {
    "address": _address,
    "statezip": _statezip,
    "phone": _phone,
    "ip": _ip,
    "iso": _iso,
    "numdate": _numdate,
    "idgroups": _idgroups,
    "zip4": _zip4,
    "slashes": _slashes,
    "trange": _trange,
    "time": _time,
    "ampm": _ampm,
    "money": _money,
    "code": _code,
    "postmoney": _postmoney,
    "ddate": _ddate,
    "shortyear": _shortyear,
    "hm": _hm,
    "era": _era,
    "statute": _statute,
    "feet": _feet,
    "decades": _decades,
    "decade": _decade,
    "quarter": _quarter,
    "ordinal": _ordinal,
    "factorial": _factorial,
    "minus": _minus,
    "version": _version,
    "range": _range,
    "product": _product,
    "dims": _dims,
    "times": _times,
    "mixed": _mixed,
    "perunit": _perunit,
    "frac": _frac,
    "ratio": _ratio,
    "quotient": _quotient,
    "percent": _percent,
    "measure": _measure,
    "scale": _scale,
    "numero": _numero,
    "number": _number,
}
# Kinds as the preview names them.
KINDS = {
    "address": "address",
    "statezip": "address",
    "phone": "telephone",
    "ip": "identifier",
    "idgroups": "identifier",
    "zip4": "identifier",
    "slashes": "number",
    "iso": "date",
    "numdate": "date",
    "ddate": "date",
    "month_date": "date",
    "era": "date",
    "shortyear": "date",
    "hm": "time",
    "decades": "date",
    "decade": "date",
    "quarter": "date",
    "trange": "time",
    "time": "time",
    "ampm": "time",
    "money": "money",
    "code": "money",
    "postmoney": "money",
    "measure": "measure",
    "perunit": "measure",
    "feet": "measure",
    "dims": "measure",
    "percent": "percent",
    "range": "range",
    "factorial": "math",
    "product": "math",
    "minus": "math",
    "ordinal": "ordinal",
    "mixed": "fraction",
    "frac": "fraction",
    "quotient": "fraction",
}


def _dispatch(m):
    kind = m.lastgroup
    words = _HANDLERS[kind](m)
    if words is None:
        words = _pad(m, _numbers_only(m.group()))
    elif kind != "numero":
        words = _pad(m, words)
    trace.record(KINDS.get(kind, "number"), m.group(), words)
    return words


def _month_dispatch(m):
    words = _month_date(m)
    trace.record("date", m.group(), words)
    return words


# --- entry point -----------------------------------------------------------------------

_GREEK_LETTER = re.compile("(?<![\u0370-\u03ff])[" + "".join(GREEK_CHARS) + "](?![\u0370-\u03ff])")
# A mu after a number and before a unit letter is the micro prefix (5 μm, 10 μg): the
# unit reader says it. Unicode normalization has already turned every micro sign µ into μ.
_MICRO_UNIT = re.compile(
    r"(?:(?<=\d)|(?<=\d ))μ(?:"
    + "|".join(sorted((unit[1:] for unit in UNITS if unit[0] == "μ"), key=len, reverse=True))
    + r")(?![A-Za-z])"
)


def _greek(m):
    return _pad(m, GREEK_CHARS[m.group()])


def _greek_unless_micro(m):
    return m.group() if _MICRO_UNIT.match(m.string, m.start()) else _greek(m)


def _web(m):
    words = _pad(m, web.read_web(m.group()))
    trace.record("web address", m.group(), words)
    return words


_WORD_RATE = re.compile(
    r"(?<=\d )([a-z]+)/(min|minute|hr|hour|h|day|wk|week|mo|month|yr|year|sec|night)\b"
)


def _word_rate(m):
    """'60 words/min' is sixty words a minute ('5 km/h' is left to the unit reader)."""
    if measures.unit_names(m.group(1)) is not None:
        return m.group()
    return f"{m.group(1)} {measures.rate(m.group(2))}"


# A number over one letter, or one letter over a number, is a quotient of a variable:
# "1/x" is one over x, "n/2" n over two. A letter that is a unit ("5/m", "1/s") is left to
# the rate reader; two letters ("a/b", "and/or"), codes ("x/2/3") and labels ("page 3/b")
# are left as they are.
_OVER_LETTER = re.compile(r"(?<![\w/.,])(?:(\d+)/([A-Za-z])|([A-Za-z])/(\d+))(?![\w/]|[.,]\d)")


def _over_letter(m):
    if _word_before(m) in LABEL_WORDS:  # "page 3/b", "room 2/a" are labels
        return m.group()
    if m[1] is not None:
        if measures.unit_names(m[2]) is not None or m[2] in RATE_WORDS:
            return m.group()
        return f"{m[1]} over {m[2]}"
    return f"{m[3]} over {m[4]}"


def _may_be_over_letter(text):
    """A digit and a letter on the two sides of some slash: a string scan, 25 times
    cheaper than running the pattern over every paragraph that has a slash."""
    i = text.find("/")
    while i != -1:
        if i:
            a, b = text[i - 1], text[i + 1 : i + 2]
            if (a.isdigit() and b.isalpha()) or (a.isalpha() and b.isdigit()):
                return True
        i = text.find("/", i + 1)
    return False


def normalize_written(text: str) -> str:
    """Speak the written forms in a stretch of prose (no LaTeX in it)."""
    if not text.isascii():
        text = _GREEK_LETTER.sub(_greek_unless_micro, text)
    if web.HINT.search(text):
        text = web.WEB.sub(_web, text)
    text = abbreviations.expand(text)
    if "<" in text:
        text = TAG.sub(read_tag, text)  # before the numbers: <h1> is a tag, not h one
    if _HAS_WORK.search(text) or "#" in text:
        if "/" in text:
            text = _WORD_RATE.sub(_word_rate, text)
            if _may_be_over_letter(text):
                text = _OVER_LETTER.sub(_over_letter, text)
        if MONTH_HINT.search(text):
            text = MONTH_DATE.sub(_month_dispatch, text)
        text = MASTER.sub(_dispatch, text)
    if ROMAN_HINT.search(text):
        text = ROMAN.sub(read_roman, text)
    if "μ" in text:
        text = _GREEK_LETTER.sub(_greek, text)  # a micro prefix no unit reading took
    return SYMBOL.sub(read_symbol, text)
