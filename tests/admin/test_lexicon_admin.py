"""Lexicon entries in the admin go through the same checks and versions as the API."""

import pytest

from lexicons import services
from lexicons.models import Lexicon, LexiconEntry

pytestmark = pytest.mark.django_db


def site_lexicon() -> Lexicon:
    return services.lexicon_of(owner=None)


def test_staff_add_a_site_wide_entry_in_the_admin_and_its_version_grows(client, operator):
    client.force_login(operator)
    lexicon = site_lexicon()
    response = client.post("/admin/lexicons/lexiconentry/add/", {
        "lexicon": lexicon.pk, "grapheme": "GPU", "alias": "graphics card",
    })  # fmt: skip
    assert response.status_code == 302, response.text[:2000]
    entry = LexiconEntry.objects.get()
    assert entry.key == "gpu" and entry.lexicon == lexicon
    lexicon.refresh_from_db()
    assert lexicon.version == 1
    change = client.post(f"/admin/lexicons/lexiconentry/{entry.pk}/change/",
                         {"grapheme": "GPU", "alias": "graphics processor"})  # fmt: skip
    assert change.status_code == 302
    lexicon.refresh_from_db()
    assert lexicon.version == 2 and LexiconEntry.objects.get().alias == "graphics processor"


def test_a_looping_entry_is_refused_in_the_admin_with_the_reason(client, operator):
    client.force_login(operator)
    lexicon = site_lexicon()
    services.entry_create(lexicon=lexicon, grapheme="AI", alias="artificial intelligence")
    response = client.post("/admin/lexicons/lexiconentry/add/", {
        "lexicon": lexicon.pk, "grapheme": "artificial intelligence", "alias": "AI",
    })  # fmt: skip
    assert response.status_code == 200 and "never settle" in response.text
    assert LexiconEntry.objects.count() == 1


def test_deleting_entries_in_the_admin_bumps_the_version(client, operator):
    client.force_login(operator)
    lexicon = site_lexicon()
    entry = services.entry_create(lexicon=lexicon, grapheme="CPU", alias="processor")
    form = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    client.post("/admin/lexicons/lexiconentry/", form)
    lexicon.refresh_from_db()
    assert not LexiconEntry.objects.exists() and lexicon.version == 2


def test_the_lexicon_admin_shows_entries_read_only(client, operator, owner):
    own = services.lexicon_of(owner=owner)
    services.entry_create(lexicon=own, grapheme="SQL", alias="sequel")
    client.force_login(operator)
    text = client.get(f"/admin/lexicons/lexicon/{own.pk}/change/").text
    assert "sequel" in text and "Lexicon of owner" in text
    assert client.get("/admin/lexicons/lexicon/add/").status_code == 403
