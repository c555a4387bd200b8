"""A segmented job through the API: one job, its segments nested, subtitles to download."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jobs.apps import check_heygem_settings
from jobs.models import Job
from tests.factories import make_job

pytestmark = pytest.mark.django_db

LONG = "\n\n".join([" ".join(["This sentence carries the lecture further."] * 6)] * 8)


@pytest.fixture(autouse=True)
def short_segments(settings):
    settings.HEYGEM = {**settings.HEYGEM, "SEGMENT_SECONDS": 20}


def test_a_long_text_is_one_job_with_its_segments_nested(api, owner):
    response = api.post("/api/v1/jobs/", {"text": LONG, "burn_subtitles": True}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "segmented" and body["burn_subtitles"] is True
    assert len(body["segments"]) == Job.objects.filter(parent_id=body["id"]).count() > 1
    assert [s["index"] for s in body["segments"]] == list(range(len(body["segments"])))
    assert all(s["status"] == "queued" for s in body["segments"])

    listed = api.get("/api/v1/jobs/").json()
    assert [job["id"] for job in listed["results"]] == [body["id"]]
    segment = Job.objects.filter(parent_id=body["id"]).first()
    assert api.get(f"/api/v1/jobs/{segment.pk}/").status_code == 404
    seed = api.get(f"/api/status/{body['id']}").json()
    assert seed["status"] == "processing" and seed["job_status"] == "segmented"


def test_subtitles_download_as_srt_and_webvtt_once_the_speech_is_timed(api, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED)
    assert api.get(f"/api/v1/jobs/{job.pk}/subtitles.srt").status_code == 404
    Job.objects.filter(pk=job.pk).update(
        speech_timing=[["Hello there. This is the second sentence.", 3.0], ["Bye.", 1.0]]
    )
    srt = api.get(f"/api/v1/jobs/{job.pk}/subtitles.srt")
    assert srt.status_code == 200 and srt["Content-Type"].startswith("application/x-subrip")
    assert srt.content.decode().startswith("1\n00:00:00,000 --> 00:00:00,")
    assert "3\n00:00:03,000 --> 00:00:04,000\nBye.\n" in srt.content.decode()
    vtt = api.get(f"/api/v1/jobs/{job.pk}/subtitles.vtt?download=0")
    assert vtt["Content-Type"].startswith("text/vtt") and "Content-Disposition" not in vtt
    assert vtt.content.decode().startswith("WEBVTT\n\n00:00:00.000 --> ")
    links = api.get(f"/api/v1/jobs/{job.pk}/").json()["links"]
    assert links["subtitles_vtt"] == f"/api/v1/jobs/{job.pk}/subtitles.vtt"


def test_someone_elses_subtitles_are_not_found(api, outsider):
    job = make_job(outsider, status=Job.Status.SUCCEEDED)
    Job.objects.filter(pk=job.pk).update(speech_timing=[["Private words.", 1.0]])
    assert api.get(f"/api/v1/jobs/{job.pk}/subtitles.srt").status_code == 404


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SEGMENT_SECONDS", 5.0, "HEYGEM_SEGMENT_SECONDS is 5; it must be 0"),
        ("SEGMENT_SECONDS", 7200.0, "between 10 and 3600"),
        ("SEGMENT_SECONDS", -1.0, "HEYGEM_SEGMENT_SECONDS is -1"),
        ("SPEECH_CHARS_PER_SECOND", 0.0, "HEYGEM_SPEECH_CHARS_PER_SECOND is 0"),
    ],
)
def test_segment_settings_out_of_range_are_refused_at_start(settings, name, value, words):
    settings.HEYGEM = {**settings.HEYGEM, name: value}
    errors = check_heygem_settings()
    assert any(words in error.msg for error in errors), [e.msg for e in errors]
    with pytest.raises(SystemCheckError, match=name.replace("_", ".")):
        call_command("check")


def test_zero_turns_splitting_off(settings, api):
    settings.HEYGEM = {**settings.HEYGEM, "SEGMENT_SECONDS": 0}
    assert check_heygem_settings() == []
    body = api.post("/api/v1/jobs/", {"text": LONG}, format="json").json()
    assert body["status"] == "queued" and body["segments"] == []
