"""Letters an engine spells, country-marked dollars, relations in prose, a number over a
letter and an address after a stray period. Each case is our own sentence, with what a
careful reader says.

Letters: AM and PM after a time, a time zone of two or three letters, WWW and PhD are
written as joined capitals. espeak-ng reads "ten AM" as "ay em" but "ten a m" as "ten uh
em" (the article "a"); it spells every two- and three-letter zone. A four-letter zone
stays spaced, since joined it may be read as a word (CEST as "sest")."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


LETTERS = [
    ("The shop opens at 8:30 a.m. sharp.", "The shop opens at eight thirty AM sharp."),
    ("Lunch is at 12:15 PM EST.", "Lunch is at twelve fifteen PM EST."),
    ("The call is at 4 p.m. BST.", "The call is at four PM BST."),
    ("We go live at 7pm UTC tonight.", "We go live at seven PM UTC tonight."),
    ("The stream starts at 9 a.m. CEST.", "The stream starts at nine AM C E S T."),
    ("Office hours run 1-3 p.m. on Tuesdays.", "Office hours run one to three PM on Tuesdays."),
    ("Go to www.school.org for the notes.", "Go to WWW dot school dot org for the notes."),
    ("She earned a Ph.D. in 2019.", "She earned a PhD in twenty nineteen."),
    ("His PhD took five years.", "His PhD took five years."),
]

DOLLARS = [
    ("Revenue was US$3 billion.", "Revenue was three billion US dollars."),
    ("The ticket is NZ$45.", "The ticket is forty five new zealand dollars."),
    ("It sold for HK$2.5 million.", "It sold for two point five million hong kong dollars."),
    ("A meal costs S$12.50 there.", "A meal costs twelve singapore dollars fifty cents there."),
    # Letters that are not a country stay as written; the sign is read on its own.
    ("The code IS$5 is odd.", "The code IS five dollars is odd."),
]

RELATIONS = [
    ("Here 3 ≠ 4, so we stop.", "Here three not equal to four, so we stop."),
    ("Take p ≈ 0.5 for now.", "Take p approximately equal to zero point five for now."),
    ("Each A ⊆ B by design.", "Each A subset of or equal to B by design."),
    ("Note 7 ∉ S here.", "Note seven not in S here."),
]

QUOTIENTS = [
    ("The noise falls off as 1/f at low pitch.", "The noise falls off as one over f at low pitch."),
    ("Plot y = 1/x for x > 0.", "Plot y equals one over x for x greater than zero."),
    ("Halve it: take n/2 steps.", "Halve it: take n over two steps."),
    # A unit after the slash is a rate; a label keeps its slash.
    ("It decays at 3/s.", "It decays at three a second."),
    ("See page 4/b for more.", "See page four/b for more."),
    ("Use a/b testing.", "Use a/b testing."),
]

ADDRESSES = [
    ("Write to .help@school.org today.", "Write to .help at school dot org today."),
]

CASES = LETTERS + DOLLARS + RELATIONS + QUOTIENTS + ADDRESSES


@pytest.mark.parametrize(("written", "spoken"), CASES)
def test_letters_signs_and_relations_read_as_a_careful_reader_says_them(written, spoken):
    assert say(written) == spoken
