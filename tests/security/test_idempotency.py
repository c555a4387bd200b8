"""Idempotency-Key: a retry gets its job back; the key on another request is a 422."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job
from tests.api.conftest import error

pytestmark = pytest.mark.django_db


def create(api, key, **body):
    return api.post("/api/v1/jobs/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_answer_with_the_same_job(api):
    first = create(api, "k1", text="Hello", priority=2)
    again = create(api, "k1", text="Hello", priority=2)

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Job.objects.count() == 1


@pytest.mark.parametrize("change", [
    {"text": "Hello again"}, {"priority": 3}, {"callback_url": "https://example.com/hook"},
])  # fmt: skip
def test_the_same_key_with_another_body_is_a_422_saying_so(api, change):
    create(api, "k1", text="Hello", priority=2)

    response = create(api, "k1", **{"text": "Hello", "priority": 2, **change})

    assert response.status_code == 422
    assert "already used for a different request" in error(response)
    assert Job.objects.count() == 1


def test_the_uploaded_videos_bytes_are_part_of_the_request(api, sample_video, silent_video,
                                                           media_root):  # fmt: skip
    def upload(path):
        video = SimpleUploadedFile("clip.mp4", path.read_bytes())
        return api.post("/api/v1/jobs/", {"text": "Hi", "video": video},
                        HTTP_IDEMPOTENCY_KEY="vid")  # fmt: skip

    first, again = upload(sample_video), upload(sample_video)
    other = upload(silent_video)

    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 422
    job = Job.objects.get()
    assert {p.parent.name for p in (media_root / "jobs").rglob("speaker.*")} == {str(job.pk)}
