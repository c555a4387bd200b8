"""Written forms inside running sentences: a form that ends a sentence keeps the sentence's
period, ranges of percentages, ordinals and spaced measures, numbers before a word that
only looks like a unit, labels and scores, national telephone numbers, money past the
cents, unit symbols that are no English word. Each case is our own sentence, with what a
careful reader says."""

import pytest

from normalization import to_speech


def say(text):
    return " ".join(to_speech(text).split())


SENTENCE_ENDS = [
    (
        "The server is at 192.168.0.1.",
        "The server is at one nine two dot one six eight dot zero dot one.",
    ),
    ("Ping 10.0.0.7. Then wait.", "Ping one zero dot zero dot zero dot seven. Then wait."),
    ("Install version 3.2.1.", "Install version three point two point one."),
    ("Update to 2.10.4. It is faster.", "Update to two point ten point four. It is faster."),
    ("We left on 3 May. Then we came back.", "We left on the third of may. Then we came back."),
    ("The fair is on the 3rd of June.", "The fair is on the third of june."),
    ("It ends 25 Dec. Then we rest.", "It ends the twenty fifth of december. Then we rest."),
    ("It ends 25 Dec.", "It ends the twenty fifth of december"),
    ("It hit the max. Then it fell.", "It hit the maximum. Then it fell."),
    ("She has a Ph.D. Her thesis was long.", "She has a PhD. Her thesis was long."),
    ("He lives on Oak Ave. The house is red.", "He lives on Oak avenue. The house is red."),
    ("He is 5 ft. tall.", "He is five feet tall."),
    ("Add 2 tsp. of salt.", "Add two teaspoons of salt."),
    ("It weighs 5 kg. Then we lift it.", "It weighs five kilograms. Then we lift it."),
    # A title after the period starts a sentence, even once it is spelled out in lower case.
    (
        "He ran at 5 km/h. Dr. Smith ran too.",
        "He ran at five kilometers per hour. doctor Smith ran too.",
    ),
    ("He is 6 ft. Dr. Lee is not.", "He is six feet. doctor Lee is not."),
]

RANGES = [
    ("Prices fell 5%-10% in May.", "Prices fell five to ten percent in May."),
    ("a rise of 2%–3%", "a rise of two to three percent"),
    ("Read the 1st-5th chapters.", "Read the first to fifth chapters."),
    ("rows 2nd–4th", "rows second to fourth"),
    ("It weighs 5 - 7 kg.", "It weighs five to seven kilograms."),
    ("a tank of 20 - 30 L", "a tank of twenty to thirty liters"),
    # Without a unit, or falling, a spaced hyphen may be a subtraction: left as written.
    ("Take 12 - 7.", "Take twelve - seven."),
    ("It is 12 - 7 kg = 5 kg.", "It is twelve - seven kilograms equals five kilograms."),
    ("Put 5 - 7 in the box.", "Put five - seven in the box."),
]

NUMBER_BEFORE_A_WORD = [
    ("We met in 1999 in Paris.", "We met in nineteen ninety nine in Paris."),
    ("It opened in 2004 in Leeds.", "It opened in two thousand four in Leeds."),
    ("Dial 999 in the UK.", "Dial nine nine nine in the UK."),
    ("Put 5 in the box.", "Put five in the box."),
    ("It was -5 in the morning.", "It was minus five in the morning."),
    ("About 5 million in the bank.", "About five million in the bank."),
]

LABELS_AND_SCORES = [
    ("Room 204B at 3pm.", "Room two hundred four B at three PM."),
    ("Go to Apt. 12B now.", "Go to apartment twelve B now."),
    ("Do Exercise 3B tonight.", "Do Exercise three B tonight."),
    ("We trained 75B parameters.", "We trained seventy five billion parameters."),
    ("It has 3M users.", "It has three million users."),
    ("Score: 18/20.", "Score: eighteen out of twenty."),
    ("I got 45/50 on the quiz.", "I got forty five out of fifty on the quiz."),
    ("She scored 9/10 today.", "She scored nine out of ten today."),
    ("Rated 4/5 stars.", "Rated four out of five stars."),
    ("I got 1/2 of it.", "I got one half of it."),
    ("It's 4.5/5 stars.", "It's four point five out of five stars."),
    ("Score: 8.5/10.", "Score: eight point five out of ten."),
    ("Divide 7.5/2.5 now.", "Divide seven point five over two point five now."),
    ("Mix them 3:2:1.", "Mix them three to two to one."),
    ("Submit by 11:59 p.m. Sun.", "Submit by eleven fifty nine PM. Sunday."),
    ("Meet at 9 am Sat. for the trip.", "Meet at nine AM Saturday for the trip."),
    ("Add 3/4 cup.", "Add three quarters cup."),
]

TELEPHONE = [
    ("Call 020 7946 0958.", "Call zero two zero, seven nine four six, zero nine five eight."),
    (
        "Ring 0161 496 0000 today.",
        "Ring zero one six one, four nine six, zero zero zero zero today.",
    ),
    (
        "Call +49 (0)30 1234567.",
        "Call plus four nine, zero, three zero, one two three four five six seven.",
    ),
    (
        "Call +81 3 12345678 now",
        "Call plus eight one, three, one two three four five six seven eight now",
    ),
]

MONEY_AND_UNITS = [
    ("It trades at $1.2320 a share.", "It trades at one point two three two dollars a share."),
    ("$0.5000 each", "fifty cents each"),
    ("It costs $20.506.", "It costs twenty point five zero six dollars."),
    ("It is 3.5 mi away.", "It is three point five miles away."),
    ("a fence of 20 yd across", "a fence of twenty yards across"),
    ("Give 5 cc twice a day.", "Give five cubic centimeters twice a day."),
    (
        "see http://school.org/img/map.jpg",
        "see http colon slash slash school dot org slash img slash map dot jpeg",
    ),
    # A fraction over a million is a code: read as written, slash and digits.
    ("part MIG-25/235212", "part MIG-twenty five slash two three five two one two"),
    (
        "12639/12640",
        "twelve thousand six hundred thirty nine twelve thousand six hundred fortieths",
    ),
]

DATES_AND_DURATIONS = [
    ("The test is on 03-04-25.", "The test is on march fourth twenty five."),
    ("Due on 3.4.21 at noon", "Due on march fourth twenty one at noon"),
    # No date word before it: a version or a code, as written.
    ("Version 3.4.21", "Version three point four point twenty one"),
    ("ID 03-04-25", "ID zero three, zero four, two five"),
    ("In '99 we won.", "In ninety nine we won."),
    ("the class of '05", "the class of oh five"),
    ("The video is 1h 20m long.", "The video is one hour twenty minutes long."),
    ("It took 2h30.", "It took two hours thirty minutes."),
    ("a 1h 05m drive", "a one hour five minutes drive"),
    ("It takes 3h.", "It takes three hours."),
    ("₹1,00,000", "one hundred thousand rupees"),
    (
        "a budget of 12,34,567",
        "a budget of one million two hundred thirty four thousand five hundred sixty seven",
    ),
]

CASES = (
    DATES_AND_DURATIONS
    + SENTENCE_ENDS
    + RANGES
    + NUMBER_BEFORE_A_WORD
    + LABELS_AND_SCORES
    + TELEPHONE
    + MONEY_AND_UNITS
)


@pytest.mark.parametrize(("written", "spoken"), CASES)
def test_forms_in_sentences_read_as_a_careful_reader_says_them(written, spoken):
    assert say(written) == spoken
