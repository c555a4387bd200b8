"""Readings adopted where public text-normalization sets agree with each other and with a
careful English reader (docs/normalization.md, "Measuring on text we did not tune for"):
clock times on the hour, quarters and halves of a year, money ranges that name their
currency twice, micro units written with a Greek mu, codes that mix letters and digits,
the hash sign, markup tags in prose, military titles and unit designators in addresses.
Each case is our own sentence, not one of the public ones."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


ON_THE_HOUR = [
    ("The bus leaves at 16:00.", "The bus leaves at sixteen o'clock."),
    ("Doors open 19:00 sharp", "Doors open nineteen o'clock sharp"),
    ("21:00", "twenty one o'clock"),
    ("Lunch is at 12:00.", "Lunch is at twelve o'clock."),
    ("We start at 08:00 on site.", "We start at eight o'clock on site."),
    ("The shop is open 10:00-18:00.", "The shop is open ten o'clock to eighteen o'clock."),
    ("from 13:00 to 15:45", "from thirteen o'clock to fifteen forty five"),
    ("the server restarts at 00:00", "the server restarts at midnight"),
    ("Submit before 24:00 on Friday.", "Submit before midnight on Friday."),
    ("at 22:00 CET", "at twenty two o'clock CET"),
    ("10:00 am", "ten AM"),
    ("the 7:00 p.m. show", "the seven PM show"),
    ("16:05", "sixteen oh five"),
]

SECONDS_ON_THE_HOUR = [
    ("The alarm fired at 06:00:12.", "The alarm fired at six o'clock and twelve seconds."),
    ("logged at 3:00:01 p.m.", "logged at three o'clock and one second PM."),
    ("by 11:00:00 pm", "by eleven PM"),
    ("at 9:00:00", "at nine o'clock"),
    ("The run lasted 2:00:40.", "The run lasted two hours zero minutes and forty seconds."),
]

QUARTERS_AND_HALVES = [
    ("Sales rose in 4Q23.", "Sales rose in the fourth quarter of twenty three."),
    ("Guidance for 1H2025 is flat.", "Guidance for the first half of twenty twenty five is flat."),
    ("in the 3Q19 call", "in the third quarter of nineteen call"),
    ("2H08 was weak", "the second half of oh eight was weak"),
    (
        "1Q2030 and 2Q2030",
        "the first quarter of twenty thirty and the second quarter of twenty thirty",
    ),
    # Not a quarter or half of a year (a fifth quarter, a third half): a code.
    ("5Q22", "five Q two two"),
    ("3H21", "three H two one"),
    ("Q3 2024 results", "Q three twenty twenty four results"),
]

FRACTIONS_WITH_SUFFIX = [
    ("Add 3 2/3rd cups of flour.", "Add three and two thirds cups of flour."),
    ("It grew 1 1/4th times.", "It grew one and a quarter times."),
    ("a 5 7/8th share", "a five and seven eighths share"),
]

MICRO_UNITS = [
    ("Take 400 µg of folate daily.", "Take four hundred micrograms of folate daily."),
    ("Pipette 50 μL into each well.", "Pipette fifty microliters into each well."),
    ("a current of 20 μA", "a current of twenty microamps"),
    ("The pulse lasts 3 µs.", "The pulse lasts three microseconds."),
    ("a 1 µs delay", "a one microsecond delay"),
    ("Cells are 8μm wide.", "Cells are eight micrometers wide."),
    ("The grain is 20 µm² in area.", "The grain is twenty square micrometers in area."),
    ("1.5 μmol of salt", "one point five micromoles of salt"),
    ("2 mmol per litre", "two millimoles per litre"),
    ("The dose is 250 mcg.", "The dose is two hundred fifty micrograms."),
    ("a signal of 40 µV", "a signal of forty microvolts"),
    # A mu that is no micro prefix is still the letter.
    ("The mean μ is 5.", "The mean mu is five."),
    ("5 μx", "five mu x"),
    ("the μ-law codec", "the mu-law codec"),
]

PRODUCTS_WITH_UNITS = [
    ("Cut 4 * 25 cm strips.", "Cut four times twenty five centimeters strips."),
    ("a 2 * 3 m board", "a two times three meter board"),
    ("Load 3 * 10 μm beads.", "Load three times ten micrometers beads."),
    ("2 * 10 in the box", "two times ten in the box"),
    ("6 * 7 = 42", "six times seven equals forty two"),
]

CODES = [
    ("The code is B7K29X.", "The code is B seven K two nine X."),
    ("Part 4h7q22 is stamped.", "Part four h seven q two two is stamped."),
    ("Use voucher X12Y34 today.", "Use voucher X one two Y three four today."),
    ("The droid R2D2 beeps.", "The droid R two D two beeps."),
    ("Seat 14C12", "Seat one four C one two"),
    # One run of digits in a word keeps its number; so do chemical formulas.
    ("Vitamin B12 and A4 paper", "Vitamin B twelve and A four paper"),
    ("an MP3 file", "an MP three file"),
    ("C6H12O6 is glucose.", "C six H twelve O six is glucose."),
    ("Fe2O3 rusts.", "Fe two O three rusts."),
    ("C12H22O11 is sucrose.", "C twelve H twenty two O eleven is sucrose."),
    ("H2SO4", "H two SO four"),
]

HASH_SIGN = [
    ("Press # to repeat the menu.", "Press hash to repeat the menu."),
    ("Follow #mathclub for notes.", "Follow hash mathclub for notes."),
    ("We counted the # of votes.", "We counted the number of votes."),
    ("She won #3 in the race.", "She won number three in the race."),
    ("The piece is in C# minor.", "The piece is in C sharp minor."),
    ("We write the app in C#.", "We write the app in C sharp."),
    ("F# and G# are black keys", "F sharp and G sharp are black keys"),
    ("a key like H# is no note", "a key like H hash is no note"),
]

MARKUP_TAGS = [
    ("The <ul> tag starts a list.", "The ul tag starts a list."),
    ("Wrap it in <em>this</em> way.", "Wrap it in em this closing em way."),
    ("Use <br/> for a line break.", "Use br for a line break."),
    ("Headings go from <h1> to <h6>.", "Headings go from h one to h six."),
    # Comparisons stay comparisons.
    ("if a<b>c then stop", "if a less than b greater than c then stop"),
    ("x < y and y > z", "x less than y and y greater than z"),
    ("keep 3 < 5", "keep three less than five"),
]

TITLES_AND_UNITS = [
    ("Maj. Reed met Cpl. Ortiz.", "major Reed met corporal Ortiz."),
    ("Pvt. Lee saluted Cmdr. Shaw.", "private Lee saluted commander Shaw."),
    ("Brig. Hale retired.", "brigadier Hale retired."),
    ("She lives in Apt. 4B.", "She lives in apartment four B."),
    ("Send it to Ste. 200.", "Send it to suite two hundred."),
    ("Meet in Rm. 12.", "Meet in room twelve."),
    ("Bldg. 7 is closed.", "building seven is closed."),
    # Not before a number: the word or abbreviation stays as written.
    ("The comparison is apt.", "The comparison is apt."),
    ("Call Rm. service.", "Call Rm. service."),
]

CONVENTIONS = (
    ON_THE_HOUR
    + SECONDS_ON_THE_HOUR
    + QUARTERS_AND_HALVES
    + FRACTIONS_WITH_SUFFIX
    + MICRO_UNITS
    + PRODUCTS_WITH_UNITS
    + CODES
    + HASH_SIGN
    + MARKUP_TAGS
    + TITLES_AND_UNITS
)


@pytest.mark.parametrize(("written", "spoken"), CONVENTIONS)
def test_readings_shared_by_public_sets_and_careful_readers(written, spoken):
    assert say(written) == spoken
