"""Numbers in prose: cardinals, ordinals, decimals, fractions, percentages, ranges,
years, telephone numbers and roman numerals. Each expectation is what a careful
reader says aloud."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


CARDINALS = [
    ("0", "zero"),
    ("7", "seven"),
    ("13", "thirteen"),
    ("42", "forty two"),
    ("100", "one hundred"),
    ("101", "one hundred one"),
    ("999", "nine hundred ninety nine"),
    ("1,000", "one thousand"),
    ("1,234", "one thousand two hundred thirty four"),
    ("12,345", "twelve thousand three hundred forty five"),
    ("1,000,000", "one million"),
    ("3,500,000", "three million five hundred thousand"),
    ("-5", "minus five"),
    ("-1,200", "minus one thousand two hundred"),
    ("There are 3 cats.", "There are three cats."),
    ("We sold 250 copies", "We sold two hundred fifty copies"),
    ("About 12000 people came", "About twelve thousand people came"),
    ("007", "zero zero seven"),
    ("Room 404 is empty", "Room four hundred four is empty"),
    ("+3 points", "plus three points"),
    ("A4 paper", "A four paper"),
    ("COVID-19 cases", "COVID-nineteen cases"),
    ("H2O", "H two O"),
    ("3D printing", "three D printing"),
    ("2.5M downloads", "two point five million downloads"),
    ("10K steps", "ten thousand steps"),
    ("3bn people", "three billion people"),
    ("75B parameters", "seventy five billion parameters"),
    ("#1 hit", "number one hit"),
    ("No. 5 on the list", "number five on the list"),
    ("~20 minutes", "about twenty minutes"),
]

ORDINALS = [
    ("1st", "first"),
    ("2nd", "second"),
    ("3rd", "third"),
    ("4th", "fourth"),
    ("11th", "eleventh"),
    ("12th", "twelfth"),
    ("21st", "twenty first"),
    ("22nd", "twenty second"),
    ("23rd", "twenty third"),
    ("100th", "one hundredth"),
    ("the 101st time", "the one hundred first time"),
    ("She came 2nd in the race", "She came second in the race"),
]

DECIMALS = [
    ("3.14", "three point one four"),
    ("0.5", "zero point five"),
    ("2.05", "two point zero five"),
    ("-0.25", "minus zero point two five"),
    ("1,234.5", "one thousand two hundred thirty four point five"),
    ("The rate is .5 today", "The rate is point five today"),
    ("pi is about 3.14159", "pi is about three point one four one five nine"),
    ("version 2.4.1", "version two point four point one"),
]

FRACTIONS = [
    ("1/2", "one half"),
    ("1/3", "one third"),
    ("2/3", "two thirds"),
    ("3/4", "three quarters"),
    ("1/4", "one quarter"),
    ("5/8", "five eighths"),
    ("7/10", "seven tenths"),
    ("2 1/2", "two and a half"),
    ("1 3/4", "one and three quarters"),
    ("3 1/2 kg", "three and a half kilograms"),
    ("1/2 cup of milk", "one half cup of milk"),
    ("3/4 km", "three quarters of a kilometer"),
    ("½", "one half"),
    ("2½ hours", "two and a half hours"),
    ("¾", "three quarters"),
    ("open 24/7", "open twenty four seven"),
]

PERCENTAGES = [
    ("50%", "fifty percent"),
    ("3.5%", "three point five percent"),
    ("100 %", "one hundred percent"),
    ("-2%", "minus two percent"),
    ("a 10-20% rise", "a ten to twenty percent rise"),
    ("Prices rose 7% in 2023.", "Prices rose seven percent in twenty twenty three."),
]

RANGES = [
    ("10-20", "ten to twenty"),
    ("10–20", "ten to twenty"),
    ("pages 5-10", "pages five to ten"),
    ("1990-2000", "nineteen ninety to two thousand"),
    ("1939–1945", "nineteen thirty nine to nineteen forty five"),
    ("1990-91", "nineteen ninety to ninety one"),
    ("5-10 km", "five to ten kilometers"),
    ("ages 3 – 5", "ages three to five"),
    ("a 3x3 grid", "a three by three grid"),
    ("1920×1080 pixels", "one thousand nine hundred twenty by one thousand eighty pixels"),
    ("a ratio of 3:1", "a ratio of three to one"),
    ("It is 2x faster", "It is two times faster"),
]

YEARS = [
    ("1999", "nineteen ninety nine"),
    ("2026", "twenty twenty six"),
    ("2000", "two thousand"),
    ("2008", "two thousand eight"),
    ("2010", "twenty ten"),
    ("1905", "nineteen oh five"),
    ("1800", "eighteen hundred"),
    ("1066", "one thousand sixty six"),
    ("In 1492 Columbus sailed", "In fourteen ninety two Columbus sailed"),
    ("the 1990s", "the nineteen nineties"),
    ("the 1900s", "the nineteen hundreds"),
    ("the 2000s", "the two thousands"),
    ("the 80s", "the eighties"),
    ("the '60s", "the sixties"),
    ("in the 1800s", "in the eighteen hundreds"),
]

# Groups are kept apart by commas, so a TTS engine pauses where a person would.
TELEPHONE = [
    ("555-123-4567", "five five five, one two three, four five six seven"),
    ("(555) 123-4567", "five five five, one two three, four five six seven"),
    ("+1 555 123 4567", "plus one, five five five, one two three, four five six seven"),
    ("1-800-555-1234", "one, eight hundred, five five five, one two three four"),
    ("Call 555-0199 now", "Call five five five, zero one nine nine now"),
    ("+44 20 7946 0958", "plus four four, two zero, seven nine four six, zero nine five eight"),
]

ROMAN = [
    ("Chapter IV", "Chapter four"),
    ("chapter XII", "chapter twelve"),
    ("Henry VIII", "Henry the eighth"),
    ("Louis XIV", "Louis the fourteenth"),
    ("Elizabeth II", "Elizabeth the second"),
    ("World War II", "World War two"),
    ("World War I ended", "World War one ended"),
    ("WWII", "world war two"),
    ("Part III", "Part three"),
    ("Super Bowl LVIII", "Super Bowl fifty eight"),
    ("Pope John Paul II", "Pope John Paul the second"),
    ("Volume IX", "Volume nine"),
    ("Then I went home", "Then I went home"),
    ("Type II diabetes", "Type two diabetes"),
]


@pytest.mark.parametrize(
    ("written", "spoken"),
    CARDINALS + ORDINALS + DECIMALS + FRACTIONS + PERCENTAGES + RANGES + YEARS + ROMAN,
)
def test_numbers_read_as_words(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), TELEPHONE)
def test_telephone_numbers_read_digit_by_digit(written, spoken):
    assert say(written) == spoken
