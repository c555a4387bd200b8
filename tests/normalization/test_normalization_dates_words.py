"""Dates, times, abbreviations, symbols and prose that must pass through unchanged."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


DATES = [
    ("2026-03-03", "march third twenty twenty six"),
    ("1999-12-31", "december thirty first nineteen ninety nine"),
    ("2000-01-01", "january first two thousand"),
    ("03/03/2026", "march third twenty twenty six"),
    ("12/25/2025", "december twenty fifth twenty twenty five"),
    ("25/12/2025", "the twenty fifth of december twenty twenty five"),
    ("31/01/2024", "the thirty first of january twenty twenty four"),
    ("03.04.2026", "march fourth twenty twenty six"),
    ("7/4/76", "july fourth seventy six"),
    ("March 3, 2026", "march third twenty twenty six"),
    ("March 3 2026", "march third twenty twenty six"),
    ("March 3rd", "march third"),
    ("Jan. 5, 2020", "january fifth twenty twenty"),
    ("Sept 11", "september eleventh"),
    ("on May 1", "on may first"),
    ("3 March 2026", "the third of march twenty twenty six"),
    ("3rd March", "the third of march"),
    ("the 21st of June", "the twenty first of june"),
    ("1 January 2000", "the first of january two thousand"),
    ("22 Nov 1963", "the twenty second of november nineteen sixty three"),
    ("March 2026", "March twenty twenty six"),
    (
        "in 2026-01-15 and 2026-02-15",
        "in january fifteenth twenty twenty six and february fifteenth twenty twenty six",
    ),
    ("Born on July 4, 1776.", "Born on july fourth seventeen seventy six."),
]

TIMES = [
    ("10:30", "ten thirty"),
    ("10:05", "ten oh five"),
    ("10:00", "ten o'clock"),
    ("14:05", "fourteen oh five"),
    ("14:00", "fourteen o'clock"),
    ("0:45", "zero forty five"),
    ("23:59", "twenty three fifty nine"),
    ("10:30:15", "ten hours thirty minutes and fifteen seconds"),
    ("at 10:30:15", "at ten thirty and fifteen seconds"),
    ("5pm", "five PM"),
    ("5 PM", "five PM"),
    ("11am", "eleven AM"),
    ("7:15 am", "seven fifteen AM"),
    ("7:15 a.m. tomorrow", "seven fifteen AM tomorrow"),
    ("Meet at 5 p.m. Then leave.", "Meet at five PM. Then leave."),
    ("Class starts at 9:00.", "Class starts at nine o'clock."),
    ("12:00 pm", "twelve PM"),
    ("from 9am to 5pm", "from nine AM to five PM"),
]

ABBREVIATIONS = [
    ("Dr. Smith", "doctor Smith"),
    ("Mr. Jones", "mister Jones"),
    ("Mrs. Brown", "missus Brown"),
    ("Ms. Lee", "miz Lee"),
    ("Prof. Adams", "professor Adams"),
    ("St. Louis", "saint Louis"),
    ("Main St.", "Main street"),
    ("Elm Dr.", "Elm drive"),
    ("John Smith Jr. arrived", "John Smith junior arrived"),
    ("apples, pears, etc.", "apples, pears, et cetera."),
    ("fruit, e.g. apples", "fruit, for example apples"),
    ("that is, i.e. this one", "that is, that is this one"),
    ("cats vs. dogs", "cats versus dogs"),
    ("cats vs dogs", "cats versus dogs"),
    ("See Fig. 3", "See figure three"),
    ("see p. 12", "see page twelve"),
    ("pp. 10-20", "pages ten to twenty"),
    ("Mt. Everest", "mount Everest"),
    ("the U.S. economy", "the u s economy"),
    ("approx. 5 kg", "approximately five kilograms"),
    ("No. 10 Downing Street", "number ten Downing Street"),
    ("No. I will not.", "No. I will not."),
    ("Acme Inc. makes tools", "Acme incorporated makes tools"),
    ("Smith et al. showed", "Smith et al showed"),
]

SYMBOLS = [
    ("Tom & Jerry", "Tom and Jerry"),
    ("R&D", "R and D"),
    ("2 + 2 = 4", "two plus two equals four"),
    ("5 ± 0.1", "five plus or minus zero point one"),
    ("±5", "plus or minus five"),
    ("3 × 4", "three times four"),
    ("8 ÷ 2", "eight divided by two"),
    ("x > 5", "x greater than five"),
    ("a < b", "a less than b"),
    ("email me @ home", "email me at home"),
    ("#hashtag", "hash hashtag"),
    ("~ 5 km", "about five kilometers"),
    ("a → b", "a to b"),
    ("100° angle", "one hundred degrees angle"),
    ("α and β", "alpha and beta"),
    ("*important*", "important"),
    ("snake_case", "snake case"),
    ("value {x}", "value x"),
    ("fish & chips & peas", "fish and chips and peas"),
    ("it's 100% sure", "it's one hundred percent sure"),
]

WEB_AND_MISC = [
    ("www.example.com", "WWW dot example dot com"),
    ("user@example.com", "user at example dot com"),
    (
        "Visit https://heygem.ai/docs today.",
        "Visit https colon slash slash heygem dot ai slash docs today.",
    ),
    ("5'10\"", "five feet ten inches"),
    ("He is 6'2'' tall.", "He is six feet two inches tall."),
    ("Section 3.2", "Section three point two"),
    ("Apollo 11", "Apollo eleven"),
    ("in 1200 BC", "in twelve hundred BC"),
    ("2nd Ave.", "second avenue"),
    ("mid-1990s", "mid-nineteen nineties"),
]

PLAIN = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "Teachers paste lecture notes into the studio.",
    "Well-known facts (and some opinions) are here; really?",
    'She said: "yes" -- and left.',
    "  Leading and trailing spaces stay.  ",
    "Multiple   spaces   stay too.",
    "Line one\nLine two",
    "A story about I and me.",
    "Café, naïve and résumé are words.",
    "Don't stop believing.",
    "Questions? Answers! Ellipses...",
]


@pytest.mark.parametrize(("written", "spoken"), DATES)
def test_dates(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), TIMES)
def test_times(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), ABBREVIATIONS)
def test_abbreviations(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), SYMBOLS)
def test_symbols(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), WEB_AND_MISC)
def test_web_addresses_and_misc(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize("text", PLAIN)
def test_plain_english_is_untouched(text):
    assert to_speech(text) == text
