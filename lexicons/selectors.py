"""Reads of lexicons: the lexicon a text of one owner is spoken with, and user defaults."""

from typing import Any

from django.db.models import Q

import normalization

from .models import Lexicon, SpeechSettings


def entries_of(lexicon: Lexicon | None) -> list[normalization.Entry]:
    if lexicon is None:
        return []
    return [row.as_entry() for row in lexicon.entries.all()]


def combined_entries(
    site: list[normalization.Entry], own: list[normalization.Entry]
) -> list[normalization.Entry]:
    """Site-wide entries, then the owner's: an owner's entry replaces every site entry for
    the same word in any case, so the owner always wins."""
    own_words = {entry.grapheme.lower() for entry in own}
    return [e for e in site if e.grapheme.lower() not in own_words] + list(own)


def lexicon_rows(owner: Any) -> tuple[Lexicon | None, Lexicon | None]:
    """(site-wide, owner's) lexicon rows with their entries; None where there is none."""
    owner_q = Q(owner__isnull=True)
    if owner is not None and owner.pk is not None:
        owner_q |= Q(owner=owner)
    site = own = None
    for row in Lexicon.objects.filter(owner_q).prefetch_related("entries"):
        if row.owner_id is None:
            site = row
        else:
            own = row
    return site, own


def lexicon_for(owner: Any) -> tuple[normalization.Lexicon | None, dict[str, int]]:
    """The lexicon ``owner``'s text is spoken with and the versions it is made of
    ({"site": 4, "own": 9}; a lexicon that was never created is left out).

    Raises normalization.LexiconError when the two together cannot be used (a site entry
    and an owner's entry that lead to each other)."""
    site, own = lexicon_rows(owner)
    versions = {name: row.version for name, row in (("site", site), ("own", own)) if row}
    entries = combined_entries(entries_of(site), entries_of(own))
    if not any(entry.alias for entry in entries):
        return None, versions
    return normalization.Lexicon.from_entries(entries), versions


def review_by_default(user: Any) -> bool:
    """Whether ``user``'s new jobs stop for review after the speech."""
    return SpeechSettings.objects.filter(user=user, review_before_render=True).exists()
