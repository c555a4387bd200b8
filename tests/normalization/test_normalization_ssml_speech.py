"""SSML documents, plan_speech (chunks with pauses) and explain (the preview)."""

import pytest

from normalization import (
    Lexicon,
    SpeechChunk,
    SSMLError,
    check_ssml,
    explain,
    is_ssml,
    plan_speech,
    split_for_tts,
    to_speech,
)


def test_plain_text_is_never_taken_for_ssml():
    assert not is_ssml("Use <speak> tags like <break/> in SSML.")
    assert "break" in to_speech("Use <speak> tags like <break/> in SSML.")
    check_ssml("x < y and <speak>")  # plain text always passes


def test_breaks_become_silence_between_chunks():
    doc = '<speak>Hello class. <break time="1.5s"/> Open your books.</speak>'
    assert plan_speech(doc, max_chars=100) == [
        SpeechChunk("Hello class.", 1.5),
        SpeechChunk("Open your books.", 0.0),
    ]


def test_break_strengths_and_paragraphs_have_their_pauses():
    doc = '<speak><p>One.</p><p>Two <break strength="x-strong"/>three</p></speak>'
    assert plan_speech(doc, max_chars=100) == [
        SpeechChunk("One.", 0.5),
        SpeechChunk("Two", 1.25),
        SpeechChunk("three.", 0.5),
    ]


def test_a_pause_before_any_words_is_an_empty_chunk():
    chunks = plan_speech('<speak><break time="300ms"/>Go.</speak>', max_chars=50)
    assert chunks == [SpeechChunk("", 0.3), SpeechChunk("Go.", 0.0)]


def test_plain_text_plans_like_split_for_tts_without_pauses():
    text = "Call 555-123-4567 now. Then pay $5."
    chunks = plan_speech(text, max_chars=20)
    assert [c.text for c in chunks] == split_for_tts(to_speech(text), 20)
    assert all(c.pause_after_seconds == 0 for c in chunks)


@pytest.mark.parametrize(
    ("markup", "spoken"),
    [
        ('<say-as interpret-as="characters">NASA</say-as>', "N A S A"),
        ('<say-as interpret-as="spell-out">b2b</say-as>', "B two B"),
        ('<say-as interpret-as="digits">2026</say-as>', "two zero two six"),
        ('<say-as interpret-as="cardinal">2026</say-as>', "two thousand twenty six"),
        (
            '<say-as interpret-as="cardinal">12,345</say-as>',
            "twelve thousand three hundred forty five",
        ),
        ('<say-as interpret-as="ordinal">3</say-as>', "third"),
        ('<say-as interpret-as="ordinal">21st</say-as>', "twenty first"),
        (
            '<say-as interpret-as="date" format="dmy">03/04/2026</say-as>',
            "the third of april twenty twenty six",
        ),
        (
            '<say-as interpret-as="date" format="mdy">03/04/2026</say-as>',
            "march fourth twenty twenty six",
        ),
        (
            '<say-as interpret-as="date" format="ymd">2026-04-03</say-as>',
            "april third twenty twenty six",
        ),
        ('<say-as interpret-as="date" format="md">12/25</say-as>', "december twenty fifth"),
        ('<say-as interpret-as="time">10:30pm</say-as>', "ten thirty PM"),
        (
            '<say-as interpret-as="telephone">555-0100</say-as>',
            "five five five, zero one zero zero",
        ),
        ('<sub alias="World Wide Web Consortium">W3C</sub>', "World Wide Web Consortium"),
    ],
)
def test_say_as_and_sub_read_what_the_markup_says(markup, spoken):
    assert to_speech(f"<speak>It is {markup} now</speak>") == f"It is {spoken} now"


def test_the_lexicon_applies_to_ssml_text_but_not_to_markup_readings():
    lexicon = Lexicon.from_entries([("SQL", "sequel")])
    doc = '<speak>SQL or <say-as interpret-as="characters">SQL</say-as></speak>'
    assert to_speech(doc, lexicon=lexicon) == "sequel or S Q L"


def test_sentences_end_where_s_ends():
    assert to_speech("<speak><s>One</s><s>Two</s></speak>") == "One. Two."


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ('<speak><audio src="a.mp3"/></speak>', "<audio> is not supported"),
        ('<speak><prosody rate="slow">x</prosody></speak>', "<prosody> is not supported"),
        ('<speak><say-as interpret-as="unit">5</say-as></speak>', 'interpret-as="unit"'),
        ('<speak><say-as interpret-as="cardinal">five</say-as></speak>', "cannot read 'five'"),
        ('<speak><say-as interpret-as="date" format="xyz">1</say-as></speak>', 'format="xyz"'),
        ('<speak><break time="30s"/></speak>', "longer than 10 s"),
        ('<speak><break time="soon"/></speak>', "500ms or 1.5s"),
        ('<speak><break strength="huge"/></speak>', 'strength="huge"'),
        ("<speak><sub>x</sub></speak>", "needs an alias"),
        ("<speak>\n<p>open\n</speak>", r"malformed SSML: mismatched tag \(line 3, column 3\)"),
        ("<speak>a & b</speak>", r"malformed SSML.*\(line 1"),
    ],
)
def test_bad_ssml_is_refused_naming_the_tag_or_the_place(doc, message):
    with pytest.raises(SSMLError, match=message):
        check_ssml(doc)
    with pytest.raises(SSMLError):
        plan_speech(doc, max_chars=100)


def test_to_speech_reads_bad_ssml_without_its_markup_instead_of_raising():
    assert to_speech('<speak><audio src="x"/>Hello 5</speak>').split() == ["Hello", "five"]


TEXTS = [
    "Dr. Smith paid $5 on 3/14/2026 at 10:30 a.m.",
    "Solve $x^2 - 5x + 6 = 0$ by Fri., Oct. 9.",
    "Call (555) 123-4567 ext. 12 or visit www.example.com today.",
    "Nothing to change here.",
    "Plain and $\\frac{1}{2}$ and 2 apples and 2 pears.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_explained_readings_join_to_what_is_spoken(text):
    lexicon = Lexicon.from_entries([("Smith", "Smyth")])
    spans = explain(text, lexicon=lexicon)
    assert "".join(s.reading for s in spans) == to_speech(text, lexicon=lexicon)
    assert "".join(s.source for s in spans) == text


def test_each_written_form_is_shown_with_its_reading_and_kind():
    spans = explain(
        "Pay $5 on 3/14/2026, SQL says.", lexicon=Lexicon.from_entries([("SQL", "sequel")])
    )
    shown = {(s.source.strip(" ,"), s.reading.strip(" ,"), s.kind) for s in spans}
    assert ("$5", "five dollars", "money") in shown
    assert ("3/14/2026", "march fourteenth twenty twenty six", "date") in shown
    assert ("SQL", "sequel", "lexicon") in shown


def test_a_formula_is_one_span():
    spans = explain("Then $x^2 + 1$ grows.")
    assert any(s.kind == "formula" and s.reading.strip() == "x squared plus one" for s in spans)


def test_explain_works_for_ssml_documents_too():
    doc = '<speak>Hi <break time="200ms"/><sub alias="doctor">Dr.</sub> 5</speak>'
    spans = explain(doc)
    assert "".join(s.reading for s in spans) == to_speech(doc)
    assert ("Dr.", "doctor", "substitution") in {
        (s.source, s.reading.strip(), s.kind) for s in spans
    }


@pytest.mark.parametrize("formula", ["$x^2$", "$$x^2$$", "\\(x^2\\)", "\\[x^2\\]"])
def test_a_formula_span_holds_its_delimiters(formula):
    spans = explain(f"We take {formula} rows.")
    assert [(s.source.strip(), s.kind) for s in spans if s.kind == "formula"] == [
        (formula, "formula")
    ]
    assert spans[0].source == "We take "
