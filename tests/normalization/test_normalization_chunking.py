"""split_for_tts: sentence-aware chunks that never cut a word, number or formula."""

import pytest

from normalization import split_for_tts, to_speech

CASES = [
    ("One. Two. Three.", 100, ["One. Two. Three."]),
    ("One. Two. Three.", 8, ["One.", "Two.", "Three."]),
    (
        "First sentence here! Second one? Third; fourth.",
        25,
        ["First sentence here!", "Second one? Third;", "fourth."],
    ),
    (
        "a long clause, another clause, and a third",
        20,
        ["a long clause,", "another clause,", "and a third"],
    ),
    ("cats and dogs sit on mats", 9, ["cats and", "dogs sit", "on mats"]),
    ("pay three point one four now", 12, ["pay", "three point", "one four now"]),
    ("we got three point one four now", 24, ["we got", "three point one four now"]),
    ("supercalifragilistic word", 5, ["supercalifragilistic", "word"]),
    ("   ", 10, []),
    ("", 10, []),
    ("Line one\nLine two", 100, ["Line one Line two"]),
    ("Line one\nLine two", 8, ["Line one", "Line two"]),
]


@pytest.mark.parametrize(("text", "limit", "chunks"), CASES)
def test_split_for_tts(text, limit, chunks):
    assert split_for_tts(text, limit) == chunks


def test_formula_reading_has_no_sentence_break_inside():
    spoken = to_speech("So. The value $3.14 \\times 2.5$ is large. Next.")
    reading = "three point one four times two point five"
    for limit in (50, 60, 80):
        chunks = split_for_tts(spoken, limit)
        assert any(reading in chunk for chunk in chunks), chunks


def test_raw_text_is_spoken_before_splitting():
    # A number is never cut in two, even when the caller forgets to call to_speech.
    chunks = split_for_tts("It costs 3.50 dollars. Then $\\frac{1}{2}$.", 30)
    assert chunks == ["It costs three point five zero", "dollars. Then one half."]


def test_limit_below_one_is_treated_as_one():
    assert split_for_tts("a b", 0) == ["a", "b"]
