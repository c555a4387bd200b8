"""The v1 jobs API as an integrator uses it."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import Job
from tests.api.conftest import error, error_fields
from tests.factories import RESULT_BYTES, make_job, make_slot, make_voice

pytestmark = pytest.mark.django_db


def test_it_creates_a_job_from_json_text_and_a_saved_voice(api, owner):
    voice = make_voice(owner)
    response = api.post(
        "/api/v1/jobs/",
        {"text": "Solve $x^2 = 4$.", "voice": voice.pk, "priority": 3},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    job = Job.objects.get(pk=body["id"])
    assert (job.owner, job.voice, job.priority) == (owner, voice, 3)
    assert body["status"] == "queued" and body["stage"] == "tts"
    assert body["spoken_text"] == job.spoken_text and "x" in body["spoken_text"]
    assert body["links"]["self"] == f"/api/v1/jobs/{job.pk}/"


def test_it_creates_a_job_from_a_multipart_upload_with_a_speaker_video(api, sample_video):
    with sample_video.open("rb") as video:
        response = api.post("/api/v1/jobs/", {"text": "Hello class.", "video": video})
    assert response.status_code == 201, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.speaker_video == f"jobs/{job.pk}/speaker.mp4"
    assert job.voice is not None  # the video's own voice


def test_a_repeated_idempotency_key_returns_the_same_job(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "lesson-42"}
    first = api.post("/api/v1/jobs/", {"text": "Once."}, format="json", **headers)
    again = api.post("/api/v1/jobs/", {"text": "Once."}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Job.objects.count() == 1


def test_an_overlong_idempotency_key_is_refused_by_name(api):
    response = api.post(
        "/api/v1/jobs/", {"text": "Once."}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 129
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in error_fields(response)
    assert not Job.objects.exists()


def test_the_list_filters_by_status_date_and_search_and_paginates(api, owner):
    for index in range(25):
        make_job(owner, text=f"Lesson {index} about fractions")
    make_job(owner, text="The water cycle", status=Job.Status.FAILED)
    old = make_job(owner, text="An old lesson about fractions")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))

    first = api.get("/api/v1/jobs/").json()
    assert first["count"] == 27 and len(first["results"]) == 20 and first["next"]
    assert len(api.get(first["next"]).json()["results"]) == 7
    failed = api.get("/api/v1/jobs/?status=failed").json()
    assert [job["text"] for job in failed["results"]] == ["The water cycle"]
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert api.get(f"/api/v1/jobs/?created_from={since}").json()["count"] == 26
    assert api.get("/api/v1/jobs/?search=old lesson").json()["count"] == 1
    assert api.get("/api/v1/jobs/?status=queued,failed&page_size=5").json()["count"] == 27


def test_an_unknown_status_filter_is_refused_by_name(api):
    response = api.get("/api/v1/jobs/?status=finished")
    assert response.status_code == 400
    assert "status" in error_fields(response)


def test_the_detail_shows_queue_position_eta_timing_events_and_links(api, owner):
    make_slot("tts-a", stage="tts", backend="espeak")
    make_slot("video-a", stage="video", backend="dub", seconds_per_audio_second=0.5)
    ahead = make_job(owner, text="First in line.")
    job = make_job(owner, text="Second in line.")
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["queue_position"] == 2
    assert body["eta_seconds"] > 0
    assert body["stage"] == "tts"
    assert [event["kind"] for event in body["events"]] == ["created"]
    assert set(body["timing"]) >= {"tts_seconds", "render_seconds", "total_seconds"}
    assert body["links"]["cancel"] == f"/api/v1/jobs/{job.pk}/cancel/"
    assert body["links"]["result"] is None
    assert any("no lip-sync" in notice for notice in body["notices"])
    assert api.get(f"/api/v1/jobs/{ahead.pk}/").json()["queue_position"] == 1


def test_a_higher_priority_job_is_ahead_in_the_queue(api, owner):
    make_job(owner, text="Normal.")
    urgent = make_job(owner, text="Urgent.", priority=5)
    assert api.get(f"/api/v1/jobs/{urgent.pk}/").json()["queue_position"] == 1


def test_a_live_job_can_be_canceled_once(api, owner):
    job = make_job(owner)
    response = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    again = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert again.status_code == 409 and "canceled" in error(again)


def test_a_failed_job_with_speech_is_retried_from_the_video_stage(api, owner):
    job = make_job(
        owner,
        status=Job.Status.FAILED,
        with_files=True,
        error="Engine down.",
        attempt=3,
        finished_at=timezone.now(),
    )
    response = api.post(f"/api/v1/jobs/{job.pk}/retry/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["error"], body["attempt"]) == ("audio_ready", "", 0)
    assert body["events"][-1]["kind"] == "retried"


def test_a_failed_job_without_speech_is_retried_from_the_start(api, owner):
    job = make_job(owner, status=Job.Status.FAILED, error="TTS down.")
    assert api.post(f"/api/v1/jobs/{job.pk}/retry/").json()["status"] == "queued"


def test_a_job_in_progress_cannot_be_retried(api, owner):
    job = make_job(owner, status=Job.Status.QUEUED)
    response = api.post(f"/api/v1/jobs/{job.pk}/retry/")
    assert response.status_code == 409
    assert "only failed or canceled" in error(response)


def test_the_result_downloads_whole_with_accept_ranges(api, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    response = api.get(f"/api/v1/jobs/{job.pk}/result/")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert f'filename="heygem-{job.pk}.mp4"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == RESULT_BYTES


@pytest.mark.parametrize(
    "header, start, end",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=16000-", 16000, 16383),
        ("bytes=-10", 16374, 16383),
        ("bytes=100-999999", 100, 16383),
    ],
)
def test_the_result_downloads_in_byte_ranges(api, owner, header, start, end):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    response = api.get(f"/api/v1/jobs/{job.pk}/result/", HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(RESULT_BYTES)}"
    assert int(response["Content-Length"]) == end - start + 1
    assert b"".join(response.streaming_content) == RESULT_BYTES[start : end + 1]


def test_a_range_past_the_end_is_unsatisfiable(api, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    response = api.get(f"/api/v1/jobs/{job.pk}/result/", HTTP_RANGE="bytes=99999-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(RESULT_BYTES)}"


def test_the_result_of_an_unfinished_job_is_not_found(api, owner):
    job = make_job(owner, status=Job.Status.RENDERING)
    response = api.get(f"/api/v1/jobs/{job.pk}/result/")
    assert response.status_code == 404
    assert "rendering" in error(response)


def test_the_speech_can_be_fetched_once_it_exists(api, owner):
    job = make_job(owner, status=Job.Status.AUDIO_READY, with_files=True)
    response = api.get(f"/api/v1/jobs/{job.pk}/speech/")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"


def test_a_job_runs_end_to_end_through_the_api(
    api, sample_video, embedded_slots, sync_tasks, django_capture_on_commit_callbacks
):
    with sample_video.open("rb") as video, django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/jobs/", {"text": "Two plus two is 4.", "video": video})
    assert created.status_code == 201
    body = api.get(created.json()["links"]["self"]).json()
    assert body["status"] == "succeeded" and body["progress"] == 100
    assert body["timing"]["tts_seconds"] > 0 and body["timing"]["render_seconds"] > 0
    assert body["eta_seconds"] is None and body["queue_position"] is None
    video = api.get(body["links"]["result"], HTTP_RANGE="bytes=4-11")
    assert video.status_code == 206
    assert b"".join(video.streaming_content) == b"ftypisom"


def test_polling_the_detail_sees_every_change_at_once(api, owner):
    job = make_job(owner, status=Job.Status.RENDERING, progress=50)
    assert api.get(f"/api/v1/jobs/{job.pk}/").json()["progress"] == 50
    Job.objects.filter(pk=job.pk).update(progress=51)
    assert api.get(f"/api/v1/jobs/{job.pk}/").json()["progress"] == 51
    api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "canceled" and body["events"][-1]["kind"] == "canceled"


def test_the_eta_counts_down_between_polls_of_an_unchanged_job(api, owner):
    make_slot("video-a", stage="video", backend="dub", seconds_per_audio_second=1.0)
    started = timezone.now() - timedelta(seconds=2)
    job = make_job(owner, status=Job.Status.RENDERING, audio_seconds=20.0,
                   render_started_at=started)  # fmt: skip
    first = api.get(f"/api/v1/jobs/{job.pk}/").json()["eta_seconds"]
    time.sleep(1.1)
    assert api.get(f"/api/v1/jobs/{job.pk}/").json()["eta_seconds"] <= first - 1
