"""v1 lexicons: yours and the site-wide one, entries, limits, loops, PLS in and out, the
spoken-text preview with readings side by side, SSML refused at submit, speech settings."""

import pytest

import normalization
from jobs.models import Job
from lexicons.models import Lexicon, LexiconEntry
from tests.api.conftest import error
from tests.factories import make_job

pytestmark = pytest.mark.django_db

PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>SQL</grapheme><alias>sequel</alias></lexeme>
  <lexeme><grapheme>Nguyen</grapheme><grapheme>nguyen</grapheme><grapheme>NGUYEN</grapheme>
    <alias>win</alias></lexeme>
  <lexeme><grapheme>tomato</grapheme><phoneme>təˈmɑːtoʊ</phoneme></lexeme>
</lexicon>
"""


def add(api, grapheme, alias, path="/api/v1/lexicon/entries/", **fields):
    return api.post(path, {"grapheme": grapheme, "alias": alias, **fields}, format="json")


def own_lexicon(user) -> Lexicon:
    return Lexicon.objects.get(owner=user)


def test_an_owner_adds_changes_and_deletes_entries_and_each_change_is_a_version(api, owner):
    assert api.get("/api/v1/lexicon/").json()["version"] == 0
    created = add(api, "  SQL ", "sequel", case_sensitive=True)
    assert created.status_code == 201, created.json()
    entry = created.json()
    assert entry["grapheme"] == "SQL" and entry["case_sensitive"] is True
    assert created["Location"].endswith(f"/api/v1/lexicon/entries/{entry['id']}/")
    patched = api.patch(f"/api/v1/lexicon/entries/{entry['id']}/", {"alias": "ess cue ell"},
                        format="json")  # fmt: skip
    assert patched.status_code == 200 and patched.json()["alias"] == "ess cue ell"
    listing = api.get("/api/v1/lexicon/entries/").json()
    assert [e["alias"] for e in listing["results"]] == ["ess cue ell"]
    assert api.delete(f"/api/v1/lexicon/entries/{entry['id']}/").status_code == 204
    summary = api.get("/api/v1/lexicon/").json()
    assert summary["version"] == 3 and summary["entry_count"] == 0 and summary["scope"] == "own"
    assert summary["limits"]["max_entries"] == normalization.MAX_ENTRIES


def test_lexicons_are_private_to_their_owner(api_as, owner, teammate):
    entry = add(api_as(owner), "SQL", "sequel").json()
    other = api_as(teammate)
    assert other.get("/api/v1/lexicon/entries/").json()["count"] == 0
    for call in (other.get, other.delete):
        response = call(f"/api/v1/lexicon/entries/{entry['id']}/")
        assert response.status_code == 404 and response.json()["type"] == "client_error"
    assert LexiconEntry.objects.filter(pk=entry["id"]).exists()


def test_everyone_reads_the_site_wide_lexicon_and_only_staff_change_it(api_as, owner, operator):
    refused = add(api_as(owner), "GPU", "graphics card", path="/api/v1/lexicon/site/entries/")
    assert refused.status_code == 403 and error(refused).startswith("Only staff")
    made = add(api_as(operator), "GPU", "graphics card", path="/api/v1/lexicon/site/entries/")
    assert made.status_code == 201
    site = api_as(owner).get("/api/v1/lexicon/site/").json()
    assert site["scope"] == "site" and site["entry_count"] == 1 and site["editable"] is False
    listed = api_as(owner).get("/api/v1/lexicon/site/entries/").json()["results"]
    assert [e["grapheme"] for e in listed] == ["GPU"]


def test_an_entry_that_would_loop_is_refused_naming_it_and_nothing_is_stored(api):
    assert add(api, "ML", "machine learning ai").status_code == 201
    assert add(api, "AI", "artificial intelligence").status_code == 201
    version = api.get("/api/v1/lexicon/").json()["version"]
    looping = add(api, "artificial intelligence", "AI")
    assert looping.status_code == 400
    message = error(looping, "alias")
    assert (
        "'AI'" in message and "'artificial intelligence'" in message and "never settle" in message
    )
    assert LexiconEntry.objects.count() == 2
    assert api.get("/api/v1/lexicon/").json()["version"] == version


def test_an_entry_that_loops_with_the_site_wide_lexicon_is_refused(api_as, owner, operator):
    add(api_as(operator), "CPU", "processor", path="/api/v1/lexicon/site/entries/")
    refused = add(api_as(owner), "processor", "CPU")
    assert refused.status_code == 400
    assert error(refused, "alias").startswith("together with the site-wide lexicon")


def test_a_second_entry_for_the_same_word_is_refused(api):
    add(api, "SQL", "sequel")
    again = add(api, "sql", "ess cue ell")
    assert again.status_code == 400 and "already has an entry" in error(again, "grapheme")
    exact = add(api, "SQL", "ess cue ell", case_sensitive=True)  # a different match rule
    assert exact.status_code == 201


def test_a_lexicon_over_its_size_limit_is_refused(api, monkeypatch):
    monkeypatch.setattr("normalization.lexicon.MAX_ENTRIES", 2)
    add(api, "one", "1")
    add(api, "two", "2")
    over = add(api, "three", "3")
    assert over.status_code == 400
    assert error(over, "alias") == "a lexicon holds at most 2 entries; this one has 3"
    assert LexiconEntry.objects.count() == 2


def test_an_empty_word_or_reading_and_unknown_fields_are_refused(api):
    blank = add(api, "   ", "x")
    assert blank.status_code == 400 and error(blank, "grapheme") == "This field may not be blank."
    odd = add(api, "SQL", "sequel", whole_word=False)
    assert odd.status_code == 400 and error(odd, "whole_word") == "Unknown field."


def test_a_pls_file_is_imported_and_exported_again(api, owner):
    imported = api.post("/api/v1/lexicon/import/", {"file": upload(PLS)}, format="multipart")
    assert imported.status_code == 200, imported.json()
    assert imported.json()["imported"] == 3 and imported.json()["lexicon"]["version"] == 1
    rows = {e.grapheme: e for e in own_lexicon(owner).entries.all()}
    assert rows["SQL"].case_sensitive and rows["SQL"].alias == "sequel"
    assert not rows["Nguyen"].case_sensitive and rows["Nguyen"].alias == "win"
    assert rows["tomato"].alias == "" and rows["tomato"].phoneme == "təˈmɑːtoʊ"

    exported = api.get("/api/v1/lexicon/export/")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/pls+xml"
    assert 'filename="lexicon.pls"' in exported["Content-Disposition"]
    again = normalization.parse_pls(exported.content)
    assert {(e.grapheme, e.alias, e.case_sensitive) for e in again.entries} == {
        ("SQL", "sequel", True), ("Nguyen", "win", False), ("tomato", None, True),
    }  # fmt: skip


def test_an_import_replaces_the_entries_for_its_words(api, owner):
    add(api, "SQL", "ess cue ell", case_sensitive=True)
    add(api, "GPU", "graphics card")
    api.post("/api/v1/lexicon/import/", {"file": upload(PLS)}, format="multipart")
    rows = {e.grapheme: e.alias for e in own_lexicon(owner).entries.all()}
    assert rows["SQL"] == "sequel" and rows["GPU"] == "graphics card"
    api.post("/api/v1/lexicon/import/", {"file": upload(PLS), "replace": True}, format="multipart")
    assert "GPU" not in {e.grapheme for e in own_lexicon(owner).entries.all()}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("<html><body>Hi</body></html>", "not a PLS lexicon: the root element is <html>"),
        ('<lexicon version="1.0"><lexeme><grapheme>a</grapheme>', "not well-formed XML"),
        ("%PDF-1.4 binary", "not well-formed XML: not well-formed (invalid token) (line 1, col"),
        ('<lexicon version="1.0"><lexeme><alias>x</alias></lexeme></lexicon>',
         "lexeme 1 has no <grapheme>"),
        ('<lexicon version="1.0"><lexeme><grapheme>a</grapheme><alias>b a</alias></lexeme>'
         "</lexicon>", "contains 'a' again"),
        ('<!DOCTYPE x [<!ENTITY e "boom">]><lexicon version="1.0"/>', "refused"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_usable_pls_is_refused_saying_what_and_where(api, document, expected):
    add(api, "GPU", "graphics card")
    refused = api.post("/api/v1/lexicon/import/", {"file": upload(document)}, format="multipart")
    assert refused.status_code == 400
    assert expected in error(refused, "file")
    assert [e.grapheme for e in LexiconEntry.objects.all()] == ["GPU"]
    assert api.get("/api/v1/lexicon/").json()["version"] == 1


def test_a_pls_file_over_the_size_limit_is_refused(api, monkeypatch):
    monkeypatch.setattr("normalization.pls.MAX_BYTES", 100)
    refused = api.post("/api/v1/lexicon/import/", {"file": upload(PLS)}, format="multipart")
    assert refused.status_code == 400 and "at most 100 bytes" in error(refused, "file")


def upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("lexicon.pls", text.encode(), content_type="application/pls+xml")


# --- The preview and jobs ----------------------------------------------------------


def test_the_preview_applies_the_lexicons_and_shows_each_reading_beside_its_source(api):
    add(api, "SQL", "sequel")
    text = "SQL costs $5 today. Then $x^2$ grows."
    body = api.post("/api/v1/normalize/", {"text": text}, format="json").json()
    assert body["spoken_text"] == "sequel costs five dollars today. Then x squared grows."
    pairs = [(s["source"].strip(), s["reading"].strip(), s["kind"]) for s in body["spans"]]
    assert ("SQL", "sequel", "lexicon") in pairs and ("$5", "five dollars", "money") in pairs
    assert any("x^2" in src and said == "x squared" for src, said, _ in pairs)
    assert "".join(s["source"] for s in body["spans"]) == text
    assert body["lexicon_versions"] == {"site": 0, "own": 1} and body["ssml"] is False
    plain = api.post("/api/v1/normalize/", {"text": "SQL", "lexicon": False}, format="json")
    assert plain.json()["spoken_text"] == "SQL"


def test_the_preview_lists_the_pauses_of_an_ssml_document(api):
    text = '<speak><p>One.</p><p>Two <break time="2s"/> three.</p></speak>'
    body = api.post("/api/v1/normalize/", {"text": text}, format="json").json()
    assert body["ssml"] is True and body["chunks"] == ["One.", "Two", "three."]
    assert body["pauses"] == [0.5, 2.0, 0.5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<speak>Hello <voice name="x">there</voice></speak>', "<voice> is not supported"),
        ('<speak>Hello <break time="1s"></speak>', "malformed SSML: mismatched tag (line 1"),
        ('<speak>Wait <break time="a while"/></speak>', "write the pause as 500ms or 1.5s"),
        ('<speak><say-as interpret-as="cardinal">many</say-as></speak>', "cannot read 'many'"),
    ],
)
def test_ssml_that_cannot_be_read_is_refused_at_submit_naming_the_tag(api, text, expected):
    refused = api.post("/api/v1/jobs/", {"text": text}, format="json")
    assert refused.status_code == 400 and expected in error(refused, "text")
    assert not Job.objects.exists()
    preview = api.post("/api/v1/normalize/", {"text": text}, format="json")
    assert preview.status_code == 400 and expected in error(preview, "text")


def test_plain_text_with_angle_brackets_is_never_read_as_ssml(api):
    created = api.post("/api/v1/jobs/", {"text": "If a<b and <speak> is a word, fine."},
                       format="json")  # fmt: skip
    assert created.status_code == 201
    job = Job.objects.get()
    assert job.speech_plan == [] and "less than" in job.spoken_text


def test_a_job_records_the_lexicon_versions_it_was_spoken_with(api, api_as, operator):
    add(api_as(operator), "GPU", "graphics card", path="/api/v1/lexicon/site/entries/")
    add(api, "SQL", "sequel")
    add(api, "ML", "machine learning")
    body = api.post("/api/v1/jobs/", {"text": "SQL on a GPU."}, format="json").json()
    assert body["lexicon_versions"] == {"site": 1, "own": 2}
    assert body["spoken_text"] == "sequel on a graphics card."
    assert body["review"] is False and body["links"]["approve"] is None


def test_speech_settings_set_the_review_default_of_new_jobs(api):
    assert api.get("/api/v1/speech-settings/").json() == {"review_before_render": False}
    put = api.put("/api/v1/speech-settings/", {"review_before_render": True}, format="json")
    assert put.status_code == 200 and put.json() == {"review_before_render": True}
    assert api.post("/api/v1/jobs/", {"text": "Hi."}, format="json").json()["review"] is True
    off = api.post("/api/v1/jobs/", {"text": "Hi.", "review": False}, format="json")
    assert off.json()["review"] is False


def test_approve_and_respeak_refuse_a_job_not_under_review(api, owner):
    job = make_job(owner, status=Job.Status.QUEUED)
    assert api.post(f"/api/v1/jobs/{job.pk}/approve/").status_code == 409
    refused = api.post(f"/api/v1/jobs/{job.pk}/respeak/", {"text": "x"}, format="json")
    assert refused.status_code == 409 and "under review" in error(refused)


def test_respeak_with_bad_ssml_changes_nothing(api, owner):
    job = make_job(owner, status=Job.Status.SPEECH_REVIEW, text="Hi.", with_files=True)
    refused = api.post(f"/api/v1/jobs/{job.pk}/respeak/", {"text": "<speak><b>x</b></speak>"},
                       format="json")  # fmt: skip
    assert refused.status_code == 400 and "<b> is not supported" in error(refused, "text")
    job.refresh_from_db()
    assert job.status == Job.Status.SPEECH_REVIEW and job.text == "Hi." and job.speech_audio


def test_the_schema_lists_the_lexicon_and_review_operations(api):
    import yaml

    schema = yaml.safe_load(api.get("/api/schema/").content)
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"lexicon_retrieve", "lexicon_entries_create", "lexicon_import", "lexicon_export",
            "lexicon_site_entries_create", "jobs_approve", "jobs_respeak",
            "speech_settings_update"} <= ids  # fmt: skip
    status = schema["components"]["schemas"]["JobStatusEnum"]["enum"]
    assert "speech_review" in status
