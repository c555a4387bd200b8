"""Bad input gets a 4xx naming the field, and nothing is stored."""

import json

import pytest

from jobs.models import Job
from tests.api.conftest import error, error_fields
from tests.factories import make_voice
from voices.models import Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def nothing_stored(media_root):
    """Asserts after the test that no job row and no job folder was left behind."""
    yield
    assert not Job.objects.exists()
    jobs_folder = media_root / "jobs"
    assert not jobs_folder.exists() or not any(jobs_folder.iterdir())


def post_json(api, body):
    return api.post("/api/v1/jobs/", body, format="json")


def test_malformed_json_is_a_400_saying_so(api, nothing_stored):
    response = api.generic(
        "POST", "/api/v1/jobs/", '{"text": "Hi",', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in error(response)


def test_a_body_that_is_not_an_object_is_a_400(api, nothing_stored):
    response = post_json(api, ["text", "Hi"])
    assert response.status_code == 400
    assert "Expected a dictionary" in json.dumps(response.json())


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": 42}, "text"),
        ({"text": ["a", "b"]}, "text"),
        ({"text": "Hi", "priority": "high"}, "priority"),
        ({"text": "Hi", "priority": 2.5}, "priority"),
        ({"text": "Hi", "voice": "narrator"}, "voice"),
        ({"text": "Hi", "callback_url": "not a url"}, "callback_url"),
    ],
)
def test_a_wrong_type_is_refused_by_field_name(api, nothing_stored, body, field):
    response = post_json(api, body)
    assert response.status_code == 400
    assert error_fields(response) == [field]


def test_an_unknown_field_is_refused_by_name(api, nothing_stored):
    response = post_json(api, {"text": "Hi", "speed": 2})
    assert response.status_code == 400
    assert error_fields(response) == ["speed"]
    assert error(response, "speed") == "Unknown field."


@pytest.mark.parametrize("priority", [-11, 11, 1000])
def test_a_priority_out_of_range_is_refused(api, nothing_stored, priority):
    response = post_json(api, {"text": "Hi", "priority": priority})
    assert response.status_code == 400
    assert "priority" in error_fields(response)


def test_blank_and_missing_text_are_refused(api, nothing_stored):
    assert "text" in error_fields(post_json(api, {"text": "   "}))
    assert "text" in error_fields(post_json(api, {"priority": 1}))


def test_text_over_the_limit_is_refused(api, nothing_stored, settings):
    settings.HEYGEM = {**settings.HEYGEM, "MAX_TEXT_CHARS": 50}
    response = post_json(api, {"text": "word " * 20})
    assert response.status_code == 400 and "limit" in error(response, "text")


def test_another_owners_voice_id_is_refused(api, outsider, nothing_stored):
    theirs = make_voice(outsider, "Theirs")
    response = post_json(api, {"text": "Hi", "voice": theirs.pk})
    assert response.status_code == 400
    assert error_fields(response) == ["voice"]


def test_a_file_that_only_looks_like_a_video_is_refused(api, tmp_path, nothing_stored):
    fake = tmp_path / "lesson.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    with fake.open("rb") as video:
        response = api.post("/api/v1/jobs/", {"text": "Hi", "video": video})
    assert response.status_code == 400
    assert "not usable" in error(response, "video")


def test_an_audio_file_is_refused_as_a_speaker_video(api, audio_only, nothing_stored):
    with audio_only.open("rb") as video:
        response = api.post("/api/v1/jobs/", {"text": "Hi", "video": video})
    assert response.status_code == 400
    assert "no video stream" in error(response, "video")


def test_a_hostile_file_name_is_never_used_as_a_path(api, sample_video, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("../../../etc/cron.d/evil.mp4", sample_video.read_bytes())
    response = api.post("/api/v1/jobs/", {"text": "Hi", "video": upload})
    assert response.status_code == 201
    job = Job.objects.get()
    assert job.speaker_video == f"jobs/{job.pk}/speaker.mp4"
    assert not list(media_root.parent.rglob("evil*"))


def test_a_voice_upload_without_a_name_or_file_is_refused_by_field(api):
    response = api.post("/api/v1/voices/", {})
    assert response.status_code == 400
    assert set(error_fields(response)) == {"name", "audio"}
    assert not Voice.objects.exists()


def test_a_seed_generate_with_bad_input_answers_in_the_seeds_shape(api, nothing_stored):
    response = api.post("/api/generate", {"text": ""})
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["message"].startswith("text:")
