"""W3C Pronunciation Lexicon Specification (PLS) 1.0 import and export, the lexicon format
Azure and Amazon Polly read.

Only `<alias>` readings are spoken: this product sends text, not phonemes, to its TTS
engines, so a lexeme with only `<phoneme>` is kept (and exported again) but says nothing.
PLS has no notion of case; we export an any-case entry as one lexeme listing the word's
case variants, and read such a lexeme back as one any-case entry. Other graphemes are
matched exactly as written.

Uploaded files are parsed with defusedxml: no entity expansion, no DTD, no external
references, so a hostile file cannot exhaust memory or reach the network.
"""

from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import PLSError
from .lexicon import MAX_ENTRIES, Entry, Lexicon

NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
MAX_BYTES = 2_000_000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_pls(document: str | bytes) -> Lexicon:
    """Read a PLS document into a Lexicon; PLSError says what is wrong and where."""
    return Lexicon.from_entries(parse_pls_entries(document))


def parse_pls_entries(document: str | bytes) -> list[Entry]:
    if isinstance(document, str):
        document = document.encode("utf-8")
    if len(document) > MAX_BYTES:
        raise PLSError(f"a PLS file is at most {MAX_BYTES:,} bytes; this one has {len(document):,}")
    try:
        root = fromstring(document)
    except ParseError as exc:
        line, column = exc.position
        raise PLSError(
            f"not well-formed XML: {_reason(exc)}", line=line, column=column + 1
        ) from None
    except DefusedXmlException as exc:
        raise PLSError(
            f"refused: {type(exc).__name__} (DTDs and entities are not allowed)"
        ) from None
    if _local(root.tag) != "lexicon":
        raise PLSError(
            f"not a PLS lexicon: the root element is <{_local(root.tag)}>, not <lexicon>"
        )
    if root.tag.startswith("{") and not root.tag.startswith("{" + NAMESPACE + "}"):
        raise PLSError(f"not a PLS lexicon: its namespace is not {NAMESPACE}")
    version = root.get("version")
    if version is not None and version != "1.0":
        raise PLSError(f"PLS version {version!r} is not supported (only 1.0)")
    entries = []
    for index, lexeme in enumerate((c for c in root if _local(c.tag) == "lexeme"), 1):
        entries.extend(_lexeme_entries(lexeme, index))
        if len(entries) > MAX_ENTRIES:
            raise PLSError(f"a lexicon holds at most {MAX_ENTRIES} entries")
    return entries


def _reason(exc):
    return str(exc).split(":", 1)[0]


def _lexeme_entries(lexeme, index):
    graphemes = [_text(c) for c in lexeme if _local(c.tag) == "grapheme"]
    aliases = [_text(c) for c in lexeme if _local(c.tag) == "alias"]
    phonemes = [_text(c) for c in lexeme if _local(c.tag) == "phoneme"]
    graphemes = [g for g in graphemes if g]
    if not graphemes:
        raise PLSError(f"lexeme {index} has no <grapheme>")
    alias = next((a for a in aliases if a), None)
    phoneme = next((p for p in phonemes if p), None)
    if alias is None and phoneme is None:
        raise PLSError(f"lexeme {index} ({graphemes[0]!r}) has neither <alias> nor <phoneme>")
    if len(graphemes) > 1 and set(graphemes) <= set(_case_variants(graphemes[0])):
        return [Entry(graphemes[0], alias, False, phoneme)]
    return [Entry(g, alias, True, phoneme) for g in graphemes]


def _text(element):
    return " ".join("".join(element.itertext()).split())


def _case_variants(word):
    variants = []
    for form in (word, word.lower(), word.capitalize(), word.upper()):
        if form not in variants:
            variants.append(form)
    return variants


def to_pls(lexicon: Lexicon, *, lang: str = "en-US") -> str:
    """The lexicon as a PLS 1.0 document (UTF-8 text)."""
    root = Element(
        "lexicon",
        {"version": "1.0", "xmlns": NAMESPACE, "alphabet": "ipa", "xml:lang": lang},
    )
    for entry in lexicon.entries:
        lexeme = SubElement(root, "lexeme")
        forms = [entry.grapheme] if entry.case_sensitive else _case_variants(entry.grapheme)
        for form in forms:
            SubElement(lexeme, "grapheme").text = form
        if entry.phoneme:
            SubElement(lexeme, "phoneme").text = entry.phoneme
        if entry.alias:
            SubElement(lexeme, "alias").text = entry.alias
    _indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def _indent(element, level=0):
    pad = "\n" + "  " * (level + 1)
    if len(element):
        element.text = pad
        for child in element:
            _indent(child, level + 1)
            child.tail = pad
        element[-1].tail = "\n" + "  " * level
