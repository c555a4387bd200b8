"""Submit, history and job pages as a creator uses them."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from jobs.models import Job
from tests.factories import RESULT_BYTES, make_job, make_slot, make_voice

pytestmark = pytest.mark.django_db


def test_every_page_asks_a_visitor_to_log_in_first(client, owner):
    job = make_job(owner)
    for url in [
        "/jobs/new/",
        "/jobs/",
        f"/jobs/{job.pk}/",
        f"/jobs/{job.pk}/live",
        "/slots/",
        "/voices/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_login_page_logs_a_user_in(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": "owner-pass-123"})
    assert response.status_code == 302
    assert client.get("/jobs/").status_code == 200


def test_the_submit_form_creates_a_job_and_opens_its_page(browser_as, owner, sample_video):
    page = browser_as(owner)
    with sample_video.open("rb") as video:
        response = page.post("/jobs/new/", {"text": "Hello class.", "video": video, "priority": 2})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.priority, job.speaker_video) == (2, f"jobs/{job.pk}/speaker.mp4")


def test_the_submit_form_can_use_a_saved_voice(browser_as, owner):
    voice = make_voice(owner, "Calm")
    page = browser_as(owner)
    assert "Calm" in page.get("/jobs/new/").text
    page.post("/jobs/new/", {"text": "Hi.", "voice": voice.pk, "priority": 0})
    assert Job.objects.get().voice == voice


def test_the_submit_form_shows_errors_next_to_their_fields(browser_as, owner, tmp_path):
    fake = tmp_path / "lecture.mp4"
    fake.write_text("not a video at all")
    page = browser_as(owner)
    with fake.open("rb") as video:
        response = page.post("/jobs/new/", {"text": "Hello.", "video": video, "priority": 0})
    assert response.status_code == 400
    assert 'id="id_video-errors"' in response.text and "not usable" in response.text
    response = page.post("/jobs/new/", {"text": "   ", "priority": 11})
    assert 'id="id_text-errors"' in response.text and 'id="id_priority-errors"' in response.text
    assert not Job.objects.exists()


def test_the_submit_page_says_plainly_when_only_embedded_engines_run(browser_as, owner):
    make_slot("local-tts", stage="tts", backend="espeak")
    make_slot("local-video", stage="video", backend="dub")
    text = browser_as(owner).get("/jobs/new/").text
    assert "no voice cloning" in text and "no lip-sync" in text


def test_the_submit_page_has_the_spoken_text_preview_and_drop_zone(browser_as, owner):
    text = browser_as(owner).get("/jobs/new/").text
    assert 'id="spoken-preview"' in text and 'data-url="/api/v1/normalize/"' in text
    assert 'id="dropzone"' in text and "js/submit.js" in text


def test_history_lists_only_my_jobs_with_stage_durations(browser_as, owner, outsider):
    make_job(owner, text="My lesson", status=Job.Status.SUCCEEDED, with_files=True)
    make_job(outsider, text="Their lesson")
    text = browser_as(owner).get("/jobs/").text
    assert "My lesson" in text and "Their lesson" not in text
    assert "2.0 s" in text  # speech took 2 s in the factory's timings


def test_history_filters_by_status_date_and_words_and_paginates(browser_as, owner):
    for index in range(22):
        make_job(owner, text=f"Fractions part {index}")
    make_job(owner, text="Photosynthesis", status=Job.Status.FAILED)
    old = make_job(owner, text="Ancient history")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    page = browser_as(owner)
    assert "Page 1 of 2 (24 jobs)" in page.get("/jobs/").text
    failed = page.get("/jobs/?status=failed").text
    assert "Photosynthesis" in failed and "Fractions" not in failed
    recent = page.get(f"/jobs/?created_from={timezone.now().date().isoformat()}").text
    assert "Ancient history" not in recent
    found = page.get("/jobs/?q=ancient").text
    assert "Ancient history" in found and "Fractions" not in found
    second = page.get("/jobs/?q=fractions&page=2").text
    assert "Page 2 of 2" in second and "q=fractions" in second


def test_the_job_page_shows_progress_timeline_players_and_spoken_text(browser_as, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True, text="Read $x^2$.")
    text = browser_as(owner).get(f"/jobs/{job.pk}/").text
    assert 'aria-valuenow="100"' in text and 'data-live="false"' in text
    assert 'id="stage-chart"' in text
    assert f'src="/jobs/{job.pk}/result"' in text and f'src="/jobs/{job.pk}/speech"' in text
    assert f'href="/jobs/{job.pk}/result?download=1"' in text
    assert 'id="spoken-text"' in text and "js/job-live.js" in text


def test_the_live_fragment_reports_a_running_job_until_it_ends(browser_as, owner):
    job = make_job(owner, status=Job.Status.RENDERING, progress=55)
    page = browser_as(owner)
    fragment = page.get(f"/jobs/{job.pk}/live").text
    assert 'data-live="true"' in fragment and 'aria-valuenow="55"' in fragment
    assert "<html" not in fragment and 'id="cancel-button"' in fragment
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="Engine lost.")
    fragment = page.get(f"/jobs/{job.pk}/live").text
    assert 'data-live="false"' in fragment and "Engine lost." in fragment
    assert 'id="retry-button"' in fragment


def test_the_job_page_cancels_and_retries(browser_as, owner):
    job = make_job(owner)
    page = browser_as(owner)
    page.post(f"/jobs/{job.pk}/cancel")
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    response = page.post(f"/jobs/{job.pk}/retry", follow=True)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and "queued again" in response.text


def test_another_users_job_page_and_media_are_not_found(browser_as, owner, outsider):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    page = browser_as(outsider)
    for url in [f"/jobs/{job.pk}/", f"/jobs/{job.pk}/live", f"/jobs/{job.pk}/result"]:
        assert page.get(url).status_code == 404
    assert page.post(f"/jobs/{job.pk}/cancel").status_code == 404


def test_the_video_player_can_seek_with_byte_ranges(browser_as, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    response = browser_as(owner).get(f"/jobs/{job.pk}/result", HTTP_RANGE="bytes=256-511")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == RESULT_BYTES[256:512]


def test_the_voice_of_a_jobs_speaker_video_can_be_kept(browser_as, owner, sample_video):
    page = browser_as(owner)
    with sample_video.open("rb") as video:
        page.post("/jobs/new/", {"text": "Hello class.", "video": video, "priority": 0})
    job = Job.objects.get()
    assert "Keep this voice" in page.get(f"/jobs/{job.pk}/").text
    response = page.post(f"/jobs/{job.pk}/save-voice", {"name": "Lecture voice"}, follow=True)
    assert "Voice “Lecture voice” saved" in response.text
    assert "Keep this voice" not in response.text
    assert "Lecture voice" in page.get("/jobs/new/").text  # offered for the next video


def test_a_failed_job_shows_a_red_bar_and_readable_event_names(browser_as, owner):
    job = make_job(owner, status=Job.Status.FAILED, error="HeyGem said no.", progress=40)
    job.events.create(kind="failed", message="HeyGem said no.")
    text = browser_as(owner).get(f"/jobs/{job.pk}/").text
    assert 'class="bar bar-failed"' in text
    assert (
        '<td class="event-kind">Failed</td>' in text
        and '<td class="event-kind">Queued</td>' in text
    )
    assert ">created<" not in text and ">failed<" not in text


def test_a_job_waiting_for_its_retry_says_which_attempt_comes_when(browser_as, owner):
    make_slot("gpu0-tts", stage="tts", backend="espeak")
    make_slot("gpu0-video")
    job = make_job(owner, attempt=1, max_attempts=3,
                   not_before=timezone.now() + timedelta(seconds=12))  # fmt: skip
    text = browser_as(owner).get(f"/jobs/{job.pk}/").text
    assert "attempt 2 of 3 in 12 s" in text or "attempt 2 of 3 in 11 s" in text


def test_a_job_whose_stage_has_no_healthy_slot_says_it_waits_for_an_operator(browser_as, owner):
    make_slot("gpu0-tts", stage="tts", backend="espeak", healthy=False)
    job = make_job(owner)
    text = browser_as(owner).get(f"/jobs/{job.pk}/").text
    assert "waiting: no healthy speech slot" in text


def test_cancel_asks_first_and_the_speech_can_be_downloaded(browser_as, owner):
    live = make_job(owner, status=Job.Status.RENDERING, with_files=True)
    text = browser_as(owner).get(f"/jobs/{live.pk}/").text
    assert 'data-confirm="Cancel this job?' in text
    assert f'href="/jobs/{live.pk}/speech?download=1"' in text
    assert "js/site.js" in text and "<script>" not in text  # no inline script (CSP)


def test_the_timeline_has_lane_labels_and_a_time_axis(browser_as, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    start = job.created_at
    for kind, seconds in (("tts_started", 1), ("tts_finished", 9), ("video_started", 10),
                          ("render_finished", 40), ("succeeded", 40)):  # fmt: skip
        job.events.create(kind=kind)
        job.events.filter(kind=kind).update(at=start + timedelta(seconds=seconds))
    text = browser_as(owner).get(f"/jobs/{job.pk}/").text
    for label in ("Waiting", "Speech", "Video"):
        assert f'<span class="util-name lane-label">{label}</span>' in text
    assert ">0 s<" in text and ">30 s<" in text


def test_on_espeak_the_voice_options_it_cannot_honour_are_not_offered(
    browser_as, owner, sample_video
):
    make_slot("local-tts", stage="tts", backend="espeak")
    make_slot("local-video", stage="video", backend="dub")
    make_voice(owner, "Calm")
    page = browser_as(owner)
    form = page.get("/jobs/new/").text
    assert 'name="voice"' not in form and "The video's own voice" not in form
    assert "cannot clone a voice" in form
    with sample_video.open("rb") as video:
        page.post("/jobs/new/", {"text": "Hello class.", "video": video, "priority": 0})
    job = Job.objects.get()
    assert "Keep this voice" not in page.get(f"/jobs/{job.pk}/").text


def test_history_rows_have_a_thumbnail_length_download_and_retry(browser_as, owner, sample_video):
    done = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    (Path(settings.MEDIA_ROOT) / done.result_video).write_bytes(sample_video.read_bytes())
    failed = make_job(owner, status=Job.Status.FAILED)
    running = make_job(owner, status=Job.Status.RENDERING, progress=30)
    page = browser_as(owner)
    text = page.get("/jobs/").text
    assert f'src="/jobs/{done.pk}/thumbnail"' in text and ">0:02<" in text
    assert f'href="/jobs/{done.pk}/result?download=1"' in text
    assert f'action="/jobs/{failed.pk}/retry"' in text
    assert f'data-job="{running.pk}" data-live="true"' in text
    thumbnail = page.get(f"/jobs/{done.pk}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    rows = page.get(f"/jobs/rows?ids={running.pk},{failed.pk}").json()["rows"]
    assert {r["id"]: r["live"] for r in rows} == {str(running.pk): True, str(failed.pk): False}
    assert page.get("/jobs/rows?ids=not-an-id").status_code == 400
