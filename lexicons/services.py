"""Every write to lexicons and speech settings.

A change is checked on the whole lexicon it would make (size limits, duplicates, loops;
an owner's together with the site-wide one) before anything is written, under a lock on
the lexicon's row, and bumps the lexicon's version in the same transaction. Refused
changes raise ValidationError saying what and where; nothing is stored.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

import normalization
from normalization.pls import parse_pls_entries

from . import selectors
from .models import Lexicon, LexiconEntry, SpeechSettings, entry_key


def lexicon_of(*, owner: Any) -> Lexicon:
    """The owner's lexicon (owner None: the site-wide one), made empty on first use."""
    lexicon, _ = Lexicon.objects.get_or_create(owner=owner)
    return lexicon


def _clean(text: Any) -> str:
    return " ".join(text.split()) if isinstance(text, str) else ""


def _check(lexicon: Lexicon, entries: list[normalization.Entry], field: str) -> None:
    """Refuse a lexicon that could not be used, alone or with the site-wide one."""
    try:
        normalization.Lexicon.from_entries(entries)
    except normalization.LexiconError as exc:
        raise ValidationError({field: str(exc)}) from None
    if lexicon.is_site:
        return
    site = Lexicon.objects.filter(owner__isnull=True).first()
    if site is None:
        return
    try:
        combined = selectors.combined_entries(selectors.entries_of(site), entries)
        normalization.Lexicon.from_entries(combined)
    except normalization.LexiconError as exc:
        raise ValidationError({field: f"together with the site-wide lexicon: {exc}"}) from None


def _locked(lexicon: Lexicon) -> Lexicon:
    return Lexicon.objects.select_for_update().get(pk=lexicon.pk)


def _bump(lexicon: Lexicon) -> None:
    Lexicon.objects.filter(pk=lexicon.pk).update(version=F("version") + 1)
    lexicon.refresh_from_db()


def _current(lexicon: Lexicon, *, without: int | None = None) -> list[normalization.Entry]:
    rows = lexicon.entries.all() if without is None else lexicon.entries.exclude(pk=without)
    return [row.as_entry() for row in rows]


def _validated(grapheme: Any, alias: Any) -> tuple[str, str]:
    grapheme, alias = _clean(grapheme), _clean(alias)
    errors = {}
    if not grapheme:
        errors["grapheme"] = "Write the word or phrase."
    if not alias:
        errors["alias"] = "Write how to say it."
    if errors:
        raise ValidationError(errors)
    return grapheme, alias


def _refuse_duplicate(
    lexicon: Lexicon, grapheme: str, case_sensitive: bool, pk: int | None = None
) -> None:
    key = entry_key(grapheme, case_sensitive)
    twins = lexicon.entries.filter(key=key, case_sensitive=case_sensitive)
    if pk is not None:
        twins = twins.exclude(pk=pk)
    if twins.exists():
        raise ValidationError(
            {"grapheme": f"{grapheme!r} already has an entry in this lexicon; change that one."}
        )


def entry_validate(
    *,
    lexicon: Lexicon,
    grapheme: Any,
    alias: Any,
    case_sensitive: bool = False,
    entry: LexiconEntry | None = None,
) -> tuple[str, str]:
    """Refuse an entry (new, or ``entry`` changed) that would make the lexicon unusable;
    returns the word and its reading with their spacing tidied."""
    grapheme, alias = _validated(grapheme, alias)
    pk = entry.pk if entry is not None else None
    _refuse_duplicate(lexicon, grapheme, case_sensitive, pk=pk)
    phoneme = (entry.phoneme or None) if entry is not None else None
    changed = normalization.Entry(grapheme, alias, case_sensitive, phoneme)
    _check(lexicon, [*_current(lexicon, without=pk), changed], "alias")
    return grapheme, alias


def entry_create(
    *, lexicon: Lexicon, grapheme: Any, alias: Any, case_sensitive: bool = False
) -> LexiconEntry:
    with transaction.atomic():
        lexicon = _locked(lexicon)
        grapheme, alias = entry_validate(
            lexicon=lexicon, grapheme=grapheme, alias=alias, case_sensitive=case_sensitive
        )
        entry = LexiconEntry.objects.create(
            lexicon=lexicon, grapheme=grapheme, alias=alias, case_sensitive=case_sensitive,
            key=entry_key(grapheme, case_sensitive),
        )  # fmt: skip
        _bump(lexicon)
    return entry


def entry_update(*, entry: LexiconEntry, **changes: Any) -> LexiconEntry:
    """Change any of grapheme, alias, case_sensitive."""
    case_sensitive = bool(changes.get("case_sensitive", entry.case_sensitive))
    with transaction.atomic():
        lexicon = _locked(entry.lexicon)
        grapheme, alias = entry_validate(
            lexicon=lexicon, grapheme=changes.get("grapheme", entry.grapheme),
            alias=changes.get("alias", entry.alias), case_sensitive=case_sensitive, entry=entry,
        )  # fmt: skip
        entry.grapheme, entry.alias, entry.case_sensitive = grapheme, alias, case_sensitive
        entry.key = entry_key(grapheme, case_sensitive)
        entry.save()
        _bump(lexicon)
    return entry


def entry_delete(*, entry: LexiconEntry) -> None:
    with transaction.atomic():
        lexicon = _locked(entry.lexicon)
        entry.delete()
        _bump(lexicon)


def lexicon_import_pls(*, lexicon: Lexicon, document: bytes, replace: bool = False) -> int:
    """Read a W3C PLS file into the lexicon; an imported word replaces the entry for the
    same word (``replace``: every entry). Returns how many entries were imported."""
    try:
        imported = parse_pls_entries(document)
    except normalization.PLSError as exc:
        raise ValidationError({"file": str(exc)}) from None
    rows: dict[tuple[str, bool], normalization.Entry] = {}
    for entry in imported:
        grapheme = _clean(entry.grapheme)
        clean = normalization.Entry(
            grapheme, _clean(entry.alias) or None, entry.case_sensitive, entry.phoneme or None
        )
        rows[(entry_key(grapheme, entry.case_sensitive), entry.case_sensitive)] = clean
    with transaction.atomic():
        lexicon = _locked(lexicon)
        kept = [] if replace else [
            row for row in lexicon.entries.all()
            if (row.key, row.case_sensitive) not in rows
        ]  # fmt: skip
        _check(lexicon, [row.as_entry() for row in kept] + list(rows.values()), "file")
        lexicon.entries.exclude(pk__in=[row.pk for row in kept]).delete()
        LexiconEntry.objects.bulk_create(
            LexiconEntry(
                lexicon=lexicon, grapheme=e.grapheme, alias=e.alias or "",
                case_sensitive=e.case_sensitive, phoneme=e.phoneme or "",
                key=entry_key(e.grapheme, e.case_sensitive),
            )
            for e in rows.values()
        )  # fmt: skip
        _bump(lexicon)
    return len(rows)


def lexicon_export_pls(*, lexicon: Lexicon) -> str:
    entries = selectors.entries_of(lexicon)
    return normalization.to_pls(normalization.Lexicon.from_entries(entries))


def speech_settings_update(*, user: Any, review_before_render: bool) -> SpeechSettings:
    settings, _ = SpeechSettings.objects.update_or_create(
        user=user, defaults={"review_before_render": bool(review_before_render)}
    )
    return settings


__all__ = [
    "entry_create",
    "entry_delete",
    "entry_update",
    "entry_validate",
    "lexicon_export_pls",
    "lexicon_import_pls",
    "lexicon_of",
    "speech_settings_update",
]
