"""The pronunciation page, PLS files on it, and a job under review on its page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from lexicons.models import Lexicon, LexiconEntry, SpeechSettings
from tests.factories import make_job

pytestmark = pytest.mark.django_db


def test_the_lexicon_pages_ask_a_visitor_to_log_in(client):
    for url in ["/lexicon/", "/lexicon/site/", "/lexicon/mine/export"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_owner_adds_an_entry_and_sees_it_listed_with_the_new_version(browser_as, owner):
    page = browser_as(owner)
    response = page.post("/lexicon/", {"grapheme": "SQL", "alias": "sequel"}, follow=True)
    text = response.text
    assert "“SQL” is now said “sequel”." in text
    assert 'value="SQL"' in text and 'value="sequel"' in text and "version 1" in text
    assert 'href="/lexicon/mine/export"' in text and 'id="import-form"' in text
    assert "<script>" not in text and "style=" not in text  # the CSP allows neither


def test_an_entry_is_changed_and_deleted_on_the_page(browser_as, owner):
    page = browser_as(owner)
    page.post("/lexicon/", {"grapheme": "SQL", "alias": "sequel"})
    entry = LexiconEntry.objects.get()
    page.post("/lexicon/", {"action": "update", "pk": entry.pk, "grapheme": "SQL",
                            "alias": "ess cue ell", "case_sensitive": "on"})  # fmt: skip
    entry.refresh_from_db()
    assert entry.alias == "ess cue ell" and entry.case_sensitive
    page.post(f"/lexicon/mine/entries/{entry.pk}/delete")
    assert not LexiconEntry.objects.exists()
    assert Lexicon.objects.get(owner=owner).version == 3


def test_a_looping_entry_is_shown_next_to_its_field_and_not_stored(browser_as, owner):
    page = browser_as(owner)
    page.post("/lexicon/", {"grapheme": "AI", "alias": "artificial intelligence"})
    response = page.post("/lexicon/", {"grapheme": "artificial intelligence", "alias": "AI"})
    assert response.status_code == 400
    assert "never settle" in response.text and LexiconEntry.objects.count() == 1


def test_a_pls_file_is_imported_and_downloaded_on_the_page(browser_as, owner):
    page = browser_as(owner)
    pls = (
        '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">'
        "<lexeme><grapheme>GIF</grapheme><alias>jif</alias></lexeme></lexicon>"
    )
    upload = SimpleUploadedFile("words.pls", pls.encode())
    response = page.post("/lexicon/mine/import", {"file": upload}, follow=True)
    assert "1 entries imported." in response.text and 'value="jif"' in response.text
    download = page.get("/lexicon/mine/export")
    assert download["Content-Type"] == "application/pls+xml"
    assert b"<grapheme>GIF</grapheme>" in download.content


def test_a_file_that_is_not_pls_is_refused_on_the_page_saying_why(browser_as, owner):
    page = browser_as(owner)
    upload = SimpleUploadedFile("notes.pls", b"<html><body>hi</body></html>")
    response = page.post("/lexicon/mine/import", {"file": upload})
    assert response.status_code == 400
    assert "the root element is &lt;html&gt;, not &lt;lexicon&gt;" in response.text
    assert not LexiconEntry.objects.exists()


def test_the_site_wide_lexicon_is_read_only_for_users_and_editable_for_staff(
    browser_as, owner, operator
):
    page = browser_as(owner)
    assert page.post("/lexicon/site/", {"grapheme": "GPU", "alias": "g"}).status_code == 403
    assert page.post("/lexicon/site/import", {}).status_code == 403
    text = page.get("/lexicon/site/").text
    assert "Only staff change it." in text and 'id="entry-form"' not in text
    staff = browser_as(operator)
    staff.post("/lexicon/site/", {"grapheme": "GPU", "alias": "graphics card"})
    assert Lexicon.objects.get(owner=None).entries.get().alias == "graphics card"
    assert "graphics card" in browser_as(owner).get("/lexicon/site/").text


def test_the_review_default_is_set_on_the_page_and_offered_on_the_submit_form(browser_as, owner):
    page = browser_as(owner)
    response = page.post("/settings/speech", {"review_before_render": "on"}, follow=True)
    assert "New jobs stop for your review" in response.text
    assert SpeechSettings.objects.get(user=owner).review_before_render
    form = page.get("/jobs/new/").text
    assert 'name="review"' in form and "checked" in form.split('name="review"')[1][:40]
    assert 'id="readings"' in form


def test_a_job_under_review_offers_approve_and_speak_again(browser_as, owner):
    job = make_job(owner, status=Job.Status.SPEECH_REVIEW, with_files=True, review=True,
                   lexicon_versions={"site": 2, "own": 5})  # fmt: skip
    page = browser_as(owner)
    text = page.get(f"/jobs/{job.pk}/").text
    assert "Speech ready for review" in text and 'id="approve-button"' in text
    assert 'id="respeak-text"' in text and 'id="speech-audio"' in text
    assert "site-wide v2, yours v5" in text
    page.post(f"/jobs/{job.pk}/approve")
    job.refresh_from_db()
    assert job.status == Job.Status.AUDIO_READY
    assert 'id="approve-button"' not in page.get(f"/jobs/{job.pk}/").text


def test_speaking_again_with_new_text_from_the_page_queues_the_speech(browser_as, owner):
    job = make_job(owner, status=Job.Status.SPEECH_REVIEW, with_files=True, review=True)
    page = browser_as(owner)
    page.post(f"/jobs/{job.pk}/respeak", {"text": "Now 2 words."})
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.text == "Now 2 words."
    assert job.spoken_text == "Now two words." and job.speech_audio == ""
    bad = make_job(owner, status=Job.Status.SPEECH_REVIEW, with_files=True)
    response = page.post(f"/jobs/{bad.pk}/respeak", {"text": "<speak><em>x</em></speak>"},
                         follow=True)  # fmt: skip
    assert "&lt;em&gt; is not supported" in response.text
    bad.refresh_from_db()
    assert bad.status == Job.Status.SPEECH_REVIEW


def test_another_users_job_cannot_be_approved(browser_as, owner, outsider):
    job = make_job(owner, status=Job.Status.SPEECH_REVIEW, with_files=True)
    assert browser_as(outsider).post(f"/jobs/{job.pk}/approve").status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.SPEECH_REVIEW
