"""The pronunciation lexicon and its W3C PLS import and export."""

import pytest

from normalization import (
    MAX_ENTRIES,
    Entry,
    Lexicon,
    LexiconError,
    PLSError,
    parse_pls,
    to_pls,
    to_speech,
)
from normalization.lexicon import MAX_TOTAL_CHARS


def test_an_entry_is_said_instead_of_its_word_before_normalizing():
    lexicon = Lexicon.from_entries([("HeyGem", "hey gem"), ("SQL", "sequel")])
    assert to_speech("HeyGem runs SQL at 5 pm.", lexicon=lexicon) == (
        "hey gem runs sequel at five PM."
    )


def test_entries_match_whole_words_only():
    lexicon = Lexicon.from_entries([("Dr", "Doctor")])
    assert lexicon.apply("Dr Drive and dr, Dr.") == "Doctor Drive and Doctor, Doctor."


def test_a_case_sensitive_entry_leaves_other_cases_alone():
    lexicon = Lexicon.from_entries([("US", "U S", True)])
    assert lexicon.apply("US law applies to us") == "U S law applies to us"


def test_the_longest_entry_wins_where_two_start_together():
    lexicon = Lexicon.from_entries([("New York", "the big apple"), ("New", "gnu")])
    assert lexicon.apply("New York is New") == "the big apple is gnu"


def test_an_alias_naming_another_entry_is_expanded_once_and_for_all():
    lexicon = Lexicon.from_entries([("K8s", "Kubernetes"), ("Kubernetes", "koo ber net ees")])
    assert lexicon.apply("K8s") == "koo ber net ees"
    assert lexicon.apply(lexicon.apply("K8s")) == "koo ber net ees"


def test_an_entry_that_says_itself_is_refused_naming_it():
    with pytest.raises(LexiconError, match="'gif'.*contains 'gif' again"):
        Lexicon.from_entries([("gif", "jif or gif")])


def test_entries_that_lead_back_to_each_other_are_refused_naming_them():
    with pytest.raises(LexiconError, match="'tomato' → 'tomahto' → 'tomato'"):
        Lexicon.from_entries([("tomato", "tomahto"), ("tomahto", "tomato")])


def test_the_same_word_with_two_readings_is_refused():
    with pytest.raises(LexiconError, match="listed twice"):
        Lexicon.from_entries([("read", "reed"), ("READ", "red")])


def test_too_many_entries_are_refused_with_the_limit():
    entries = [(f"w{i}", "x") for i in range(MAX_ENTRIES + 1)]
    with pytest.raises(LexiconError, match=f"at most {MAX_ENTRIES} entries"):
        Lexicon.from_entries(entries)


def test_too_much_text_is_refused_with_the_limit():
    entries = [(f"word{i}", "y" * 450) for i in range(MAX_TOTAL_CHARS // 450 + 1)]
    with pytest.raises(LexiconError, match="characters of words and readings"):
        Lexicon.from_entries(entries)


def test_an_empty_reading_is_refused():
    with pytest.raises(LexiconError, match="entry 1.*empty"):
        Lexicon.from_entries([("word", "  ")])


def test_applying_a_large_lexicon_is_a_single_pass():
    entries = [(f"term{i}", f"reading {i}") for i in range(MAX_ENTRIES)]
    lexicon = Lexicon.from_entries(entries)
    text = "term12 and term4999 but not term5000x " * 2000
    spoken = lexicon.apply(text)
    assert spoken.startswith("reading 12 and reading 4999 but not term5000x")


def test_the_fingerprint_changes_with_the_entries():
    first = Lexicon.from_entries([("a1", "one")]).fingerprint
    assert first == Lexicon.from_entries([("a1", "one")]).fingerprint
    assert first != Lexicon.from_entries([("a1", "won")]).fingerprint


PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
    alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
  <lexeme><grapheme>tomato</grapheme><phoneme>təˈmɑːtoʊ</phoneme></lexeme>
  <lexeme><grapheme>BTW</grapheme><grapheme>btw</grapheme><alias>by the way</alias></lexeme>
</lexicon>"""


def test_a_pls_file_reads_into_a_lexicon_whose_aliases_are_spoken():
    lexicon = parse_pls(PLS)
    assert to_speech("W3C says tomato, BTW.", lexicon=lexicon) == (
        "World Wide Web Consortium says tomato, by the way."
    )
    assert Entry("tomato", None, True, "təˈmɑːtoʊ") in lexicon.entries


def test_a_lexicon_survives_export_and_import():
    lexicon = Lexicon.from_entries([("Dr", "Doctor"), ("NASA", "nasa", True)])
    again = parse_pls(to_pls(lexicon))
    assert again.entries == lexicon.entries


def test_phoneme_entries_are_kept_on_export():
    assert "<phoneme>təˈmɑːtoʊ</phoneme>" in to_pls(parse_pls(PLS))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<html><body/></html>", "root element is <html>, not <lexicon>"),
        ("<lexicon>\n<lexeme>\n", r"not well-formed XML.*\(line 3"),
        ("just some words", r"not well-formed XML.*\(line 1"),
        ("<lexicon><lexeme><alias>x</alias></lexeme></lexicon>", "lexeme 1 has no <grapheme>"),
        (
            "<lexicon><lexeme><grapheme>a</grapheme></lexeme></lexicon>",
            "lexeme 1 .* neither <alias> nor <phoneme>",
        ),
        ('<lexicon version="2.0"/>', "version '2.0' is not supported"),
        ('<lexicon xmlns="urn:other"/>', "namespace is not"),
    ],
)
def test_a_file_that_is_not_pls_is_refused_saying_what_and_where(document, message):
    with pytest.raises(PLSError, match=message):
        parse_pls(document)


def test_hostile_xml_is_refused_without_expanding_entities():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<lexicon><lexeme><grapheme>&lol2;</grapheme><alias>x</alias></lexeme></lexicon>"
    )
    with pytest.raises(PLSError, match="DTDs and entities are not allowed"):
        parse_pls(bomb)


def test_external_entities_are_refused():
    doc = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<lexicon><lexeme><grapheme>&e;</grapheme><alias>x</alias></lexeme></lexicon>"
    )
    with pytest.raises(PLSError):
        parse_pls(doc)
