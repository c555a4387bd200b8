"""A pronunciation lexicon: words or phrases and how to say them, applied before the
normalizer reads the text.

An entry matches whole words only ("Dr" does not match inside "Drive"), either exactly as
written or in any case. The text is scanned once, left to right, taking the longest entry
that matches at each word start, so applying a lexicon costs time proportional to the
text (times the longest grapheme), not to the number of entries.

An alias that contains another entry's grapheme is expanded when the lexicon is built,
so what is spoken never depends on how often the lexicon is applied; entries whose aliases
lead back to themselves (directly or through others) are refused, naming them.
"""

import hashlib
from dataclasses import dataclass

from .errors import LexiconError

MAX_ENTRIES = 5000
MAX_TOTAL_CHARS = 200_000  # graphemes and aliases together
MAX_GRAPHEME_CHARS = 100
MAX_ALIAS_CHARS = 500


@dataclass(frozen=True)
class Entry:
    grapheme: str
    alias: str | None  # None: a phoneme-only entry kept from a PLS file, never spoken
    case_sensitive: bool = False
    phoneme: str | None = None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _fold(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


class _Matcher:
    """Whole-word, longest-first matching of graphemes in one left-to-right scan."""

    def __init__(self, replacements):
        self._exact: dict = {}
        self._folded: dict = {}
        self._first_chars = set()
        for entry, replacement in replacements:
            trie = self._exact if entry.case_sensitive else self._folded
            key = entry.grapheme if entry.case_sensitive else "".join(map(_fold, entry.grapheme))
            node = trie
            for ch in key:
                node = node.setdefault(ch, {})
            node[None] = (entry, replacement)
            first = entry.grapheme[0]
            self._first_chars.update({first, first.lower(), first.upper()})

    def segments(self, text: str):
        """Yield (piece, entry or None): unchanged runs and replacements, in order."""
        cursor = i = 0
        n = len(text)
        first_chars = self._first_chars
        while i < n:
            ch = text[i]
            if ch in first_chars and (i == 0 or not (_is_word(ch) and _is_word(text[i - 1]))):
                found = self._longest(text, i)
                if found is not None:
                    end, entry, replacement = found
                    if i > cursor:
                        yield text[cursor:i], None
                    yield replacement, entry
                    cursor = i = end
                    continue
            i += 1
        if cursor < n:
            yield text[cursor:], None

    def _longest(self, text, start):
        best = None
        for trie, fold in ((self._folded, True), (self._exact, False)):
            node = trie
            i = start
            while i < len(text) and i - start < MAX_GRAPHEME_CHARS:
                node = node.get(_fold(text[i]) if fold else text[i])
                if node is None:
                    break
                i += 1
                if None in node and _ends_word(text, i):
                    if best is None or i > best[0] or (i == best[0] and not fold):
                        best = (i, *node[None])
        return best


class Lexicon:
    """Build with Lexicon.from_entries([...]); apply with lexicon.apply(text)."""

    def __init__(self, entries: tuple[Entry, ...]):
        self.entries = entries
        spoken = [e for e in entries if e.alias is not None]
        resolved = _resolve(spoken)
        self._matcher = _Matcher((e, resolved[e]) for e in spoken)

    @classmethod
    def from_entries(cls, entries) -> "Lexicon":
        """entries: Entry objects, or (grapheme, alias) / (grapheme, alias, case_sensitive)
        tuples, or dicts with those keys. Raises LexiconError naming what is wrong."""
        built = tuple(_entry(item, index) for index, item in enumerate(entries, 1))
        _check_limits(built)
        _check_duplicates(built)
        return cls(built)

    def __len__(self):
        return len(self.entries)

    @property
    def fingerprint(self) -> str:
        """A short digest of the entries: the version a job can record it was spoken with."""
        digest = hashlib.sha256()
        for e in sorted(self.entries, key=lambda e: (e.grapheme, e.case_sensitive)):
            digest.update(repr((e.grapheme, e.alias, e.case_sensitive, e.phoneme)).encode())
        return digest.hexdigest()[:16]

    def apply(self, text: str) -> str:
        return "".join(piece for piece, _ in self._matcher.segments(text))

    def segments(self, text: str):
        """(piece, entry or None) for each unchanged run and each replacement."""
        return self._matcher.segments(text)


def _ends_word(text, end):
    return end >= len(text) or not (_is_word(text[end - 1]) and _is_word(text[end]))


def _entry(item, index) -> Entry:
    if isinstance(item, Entry):
        entry = item
    elif isinstance(item, dict):
        entry = Entry(
            grapheme=item.get("grapheme"),
            alias=item.get("alias"),
            case_sensitive=bool(item.get("case_sensitive", False)),
            phoneme=item.get("phoneme"),
        )
    else:
        entry = Entry(*item)
    if not isinstance(entry.grapheme, str) or not entry.grapheme.strip():
        raise LexiconError(f"entry {index}: the word or phrase is empty")
    grapheme = " ".join(entry.grapheme.split())
    alias = entry.alias
    if alias is not None:
        if not isinstance(alias, str) or not alias.strip():
            raise LexiconError(f"entry {index} ({grapheme!r}): how to say it is empty")
        alias = " ".join(alias.split())
    if len(grapheme) > MAX_GRAPHEME_CHARS:
        raise LexiconError(
            f"entry {index} ({grapheme[:30]!r}…): a word or phrase is at most "
            f"{MAX_GRAPHEME_CHARS} characters"
        )
    if alias is not None and len(alias) > MAX_ALIAS_CHARS:
        raise LexiconError(
            f"entry {index} ({grapheme!r}): how to say it is at most {MAX_ALIAS_CHARS} characters"
        )
    return Entry(grapheme, alias, entry.case_sensitive, entry.phoneme)


def _check_limits(entries):
    if len(entries) > MAX_ENTRIES:
        raise LexiconError(
            f"a lexicon holds at most {MAX_ENTRIES} entries; this one has {len(entries)}"
        )
    total = sum(len(e.grapheme) + len(e.alias or "") + len(e.phoneme or "") for e in entries)
    if total > MAX_TOTAL_CHARS:
        raise LexiconError(
            f"a lexicon holds at most {MAX_TOTAL_CHARS:,} characters of words and readings; "
            f"this one has {total:,}"
        )


def _key(entry):
    return entry.grapheme if entry.case_sensitive else entry.grapheme.lower()


def _check_duplicates(entries):
    seen = {}
    for entry in entries:
        if entry.alias is None:
            continue
        key = (_key(entry), entry.case_sensitive)
        other = seen.get(key)
        if other is not None and other.alias != entry.alias:
            raise LexiconError(
                f"{entry.grapheme!r} is listed twice with different readings "
                f"({other.alias!r} and {entry.alias!r})"
            )
        seen[key] = entry


def _resolve(entries):
    """Each entry's alias with other entries' graphemes in it expanded; loops refused."""
    single = _Matcher((e, e.alias) for e in entries)
    graph = {e: [hit for _, hit in single.segments(e.alias) if hit is not None] for e in entries}
    resolved = {}
    visiting = []

    def visit(entry):
        if entry in resolved:
            return resolved[entry]
        if entry in visiting:
            cycle = visiting[visiting.index(entry) :] + [entry]
            if len(cycle) == 2:
                raise LexiconError(
                    f"{entry.grapheme!r} would be said as {entry.alias!r}, which contains "
                    f"{entry.grapheme!r} again: the reading never settles"
                )
            path = " → ".join(repr(e.grapheme) for e in cycle)
            raise LexiconError(f"these entries lead back to each other and never settle: {path}")
        visiting.append(entry)
        if graph[entry]:
            pieces = [
                visit(hit) if hit is not None else piece
                for piece, hit in single.segments(entry.alias)
            ]
            text = "".join(pieces)
        else:
            text = entry.alias
        visiting.pop()
        if len(text) > MAX_ALIAS_CHARS:
            raise LexiconError(
                f"{entry.grapheme!r} expands (through other entries) to more than "
                f"{MAX_ALIAS_CHARS} characters"
            )
        resolved[entry] = text
        return text

    for entry in entries:
        visit(entry)
    return resolved
