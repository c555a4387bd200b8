"""The meaning guard: sentences where a wrong expansion would change what is said.
Operators against punctuation, abbreviations against words, numbers against identifiers:
each must be read with the meaning its writer had, or left as written."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


# (written, what is said)
GUARD = [
    # factorials, exclamations, comparisons
    ("$5! = 120$", "five factorial equals one hundred twenty"),
    ("$n! = n(n-1)!$", "n factorial equals n times n minus one factorial"),
    ("$0! = 1$", "zero factorial equals one"),
    ("5! = 120", "five factorial equals one hundred twenty"),
    ("We scored 5!", "We scored five!"),
    ("Wow, 100!", "Wow, one hundred!"),
    ("if a != b then stop", "if a is not equal to b then stop"),
    ("$a \\neq b$", "a is not equal to b"),
    ("$a != b$", "a is not equal to b"),
    ("Is 3 > 2? Yes!", "Is three greater than two? Yes!"),
    # minus against dash and range
    ("7 - 2 = 5", "seven minus two equals five"),
    ("pages 7-12", "pages seven to twelve"),
    ("ages 7 – 12", "ages seven to twelve"),
    ("The score was 3-1.", "The score was three to one."),
    ("x = 10 - 4", "x equals ten minus four"),
    ("a well-known fact", "a well-known fact"),
    ("COVID-19 rules", "COVID-nineteen rules"),
    # weekdays against words
    ("I love the Sun.", "I love the Sun."),
    ("The Sun rises at 6 a.m.", "The Sun rises at six AM."),
    ("Look at the Sun now.", "Look at the Sun now."),
    ("Our Sun. is a star.", "Our Sun. is a star."),
    ("He Sat. down.", "He Sat. down."),
    ("Mon is Jamaican for man.", "Mon is Jamaican for man."),
    ("They Wed in June.", "They Wed in June."),
    ("We met on Sun.", "We met on Sunday."),
    ("Open Mon. to Fri.", "Open Monday to Friday."),
    ("Closed Sat. and Sun.", "Closed Saturday and Sunday."),
    ("Due Fri., Oct. 9", "Due Friday, october ninth"),
    ("See you Thu. at 3 pm", "See you Thursday at three PM"),
    ("The distance from the Sun to Earth", "The distance from the Sun to Earth"),
    # months against names and words
    ("I met Jan. She was kind.", "I met Jan. She was kind."),
    ("Jan and Dean sang.", "Jan and Dean sang."),
    ("You may go.", "You may go."),
    ("They march on.", "They march on."),
    ("On the mar.", "On the mar."),
    ("Jan. 5, 2020", "january fifth twenty twenty"),
    ("Mar. 3", "march third"),
    ("It is May 5.", "It is may fifth."),
    # saints, streets, doctors and drives
    ("St. Louis is big.", "saint Louis is big."),
    (
        "Nancy lived at 1428 Elm St. It was quiet.",
        "Nancy lived at fourteen twenty eight Elm street. It was quiet.",
    ),
    ("He lives on Main St.", "He lives on Main street"),
    ("Walk down 5th St. to the shop.", "Walk down fifth street to the shop."),
    ("10 St. Mark's Place", "ten saint Mark's Place"),
    ("Dr. Smith is here.", "doctor Smith is here."),
    ("Park on Elm Dr. Then walk.", "Park on Elm drive. Then walk."),
    # eras against units
    ("340 A.D", "three forty AD"),
    ("In 500 B.C the city fell.", "In five hundred BC the city fell."),
    ("44 BC", "forty four BC"),
    ("10 A", "ten amps"),
    ("5 AD students", "five AD students"),
    # LaTeX labels against operators
    ("$T_{\\max}$", "T sub max"),
    ("$v_{\\min} < v$", "v sub min is less than v"),
    ("$\\max_i x_i$", "the maximum over i of x sub i"),
    ("$\\min(a, b)$", "the minimum of a, b"),
    # identifiers against amounts
    ("Call 911.", "Call nine one one."),
    ("Your PIN is 1234.", "Your PIN is one two three four."),
    ("code 0042", "code zero zero four two"),
    ("order ID 58213", "order ID five eight two one three"),
    ("192.168.1.1", "one nine two dot one six eight dot one dot one"),
    ("555-123-4567", "five five five, one two three, four five six seven"),
    ("978-0-306-40615-7", "nine seven eight, zero, three zero six, four zero six one five, seven"),
    ("Room 12B", "Room twelve B"),
    ("221B Baker Street", "two hundred twenty one B Baker Street"),
    ("ab9453", "ab nine four five three"),
    ("999 balloons", "nine hundred ninety nine balloons"),
    ("She is 112 years old.", "She is one hundred twelve years old."),
    ("75B parameters", "seventy five billion parameters"),
    ("1 in 4 people", "one in four people"),
    ("5 in the box", "five in the box"),
    ("3 s later", "three s later"),
    # dates against fractions
    ("3/4 of the cake", "three quarters of the cake"),
    ("on 3/4", "on march fourth"),
    ("about 1/2 the class", "about one half the class"),
    ("on 1/2 of the days", "on one half of the days"),
    ("12/25/2025", "december twenty fifth twenty twenty five"),
    ("31/31/100", "thirty one slash thirty one slash one hundred"),
    ("open 24/7", "open twenty four seven"),
    # times against ratios and decimals
    ("a ratio of 3:1", "a ratio of three to one"),
    ("at 3:15", "at three fifteen"),
    ("pi is 3.14", "pi is three point one four"),
    ("It took 1:05:30.", "It took one hour five minutes and thirty seconds."),
    ("at 10:05:30", "at ten oh five and thirty seconds"),
    ("version 2.10.1", "version two point ten point one"),
    # ordinals and suffixes
    ("21st", "twenty first"),
    ("21th", "twenty one th"),
    ("the 3rd row", "the third row"),
    # abbreviations kept rather than guessed
    ("No. I will not.", "No. I will not."),
    ("No. 5 wins", "number five wins"),
    ("see p. 4", "see page four"),
    ("Mrs. Smith", "missus Smith"),
    ("the U.S. team", "the u s team"),
    ("I am in.", "I am in."),
    ("It is 5 in.", "It is five inches."),
    ("Chapter I", "Chapter one"),
    ("Then I left.", "Then I left."),
    ("Henry VIII", "Henry the eighth"),
    ("MIX it well", "MIX it well"),
    # symbols
    ("Tom & Jerry", "Tom and Jerry"),
    ("*very* good", "very good"),
    ("2*8", "two times eight"),
    ("and/or", "and/or"),
    ("R&D", "R and D"),
    ("5 ± 1", "five plus or minus one"),
    # web addresses are not formulas
    ("mail first_last@school.edu", "mail first underscore last at school dot edu"),
    ("see some_page.com now", "see some underscore page dot com now"),
    # money against plain numbers
    ("$5 and $10", "five dollars and ten dollars"),
    ("It costs $5. Then $x$ is free.", "It costs five dollars. Then x is free."),
    ("a $5 bill", "a five dollar bill"),
    ("$20.5", "twenty dollars fifty cents"),
    ("The $ sign", "The dollar sign"),
    # labels against scales, scores against fractions
    ("Meet in Room 204B at noon.", "Meet in Room two hundred four B at noon."),
    ("Seat 12B is free.", "Seat twelve B is free."),
    ("a 7B model", "a seven billion model"),
    ("I got 1/2 of the pie.", "I got one half of the pie."),
    # a subtraction is not a range, a year is not inches
    ("Work out 15 - 8 for me.", "Work out fifteen - eight for me."),
    ("Use 12 - 7 kg = 5 kg.", "Use twelve - seven kilograms equals five kilograms."),
    ("We moved in 2001 in June.", "We moved in two thousand one in June."),
    # an address or a version at the end of a sentence is not a decimal
    ("Connect to 10.1.1.254.", "Connect to one zero dot one dot one dot two five four."),
    ("Run release 1.4.2.", "Run release one point four point two."),
    # a weekday after a clock time, but a word after a plain number
    ("Due 11:59 p.m. Fri.", "Due eleven fifty nine PM. Friday."),
    ("I have 5 Sun. cards.", "I have five Sun. cards."),
]


@pytest.mark.parametrize(("written", "spoken"), GUARD)
def test_no_reading_changes_what_the_writer_meant(written, spoken):
    assert say(written) == spoken


def test_the_guard_holds_at_least_a_hundred_sentences():
    assert len(GUARD) >= 100
