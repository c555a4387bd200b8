"""Uploads over the cap are refused while streaming, never buffered whole."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from heygem_site.uploads import CappedUploadHandler, UploadLimitMiddleware, UploadTooLarge
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(settings):
    settings.HEYGEM = {**settings.HEYGEM, "MAX_UPLOAD_BYTES": 50_000}


class UnreadableBody(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def test_a_declared_oversized_body_is_refused_before_it_is_read(small_cap):
    request = RequestFactory().post("/api/v1/jobs/", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(2_000_000_000)
    request.META["wsgi.input"] = UnreadableBody()
    response = UploadLimitMiddleware(lambda request: pytest.fail("view reached"))(request)
    assert response.status_code == 413
    assert "larger than the limit of 50 kB" in response.content.decode()


def test_an_oversized_api_upload_is_a_413_and_nothing_is_stored(api, small_cap, media_root):
    upload = SimpleUploadedFile("big.mp4", b"\0" * 80_000)
    response = api.post("/api/v1/jobs/", {"text": "Hi", "video": upload})
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert not Job.objects.exists() and not (media_root / "jobs").exists()


def test_an_oversized_page_upload_is_a_413_page(client, owner, small_cap):
    client.force_login(owner)
    upload = SimpleUploadedFile("big.mp4", b"\0" * 80_000)
    response = client.post("/jobs/new/", {"text": "Hi", "video": upload, "priority": 0})
    assert response.status_code == 413
    assert "Upload too large" in response.content.decode()


def test_the_streaming_handler_stops_a_body_of_unknown_length_at_the_cap(small_cap):
    handler = CappedUploadHandler()
    handler.handle_raw_input(None, {}, None, b"x")
    handler.receive_data_chunk(b"\0" * 40_000, 0)
    with pytest.raises(UploadTooLarge):
        handler.receive_data_chunk(b"\0" * 20_000, 40_000)


@pytest.fixture
def without_the_middleware(settings):
    """As behind a server that streams bodies without a Content-Length check."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "UploadLimit" not in m]


def test_without_the_up_front_check_the_api_still_answers_413(
    api, small_cap, without_the_middleware
):
    upload = SimpleUploadedFile("big.mp4", b"\0" * 80_000)
    response = api.post("/api/v1/jobs/", {"text": "Hi", "video": upload})
    assert response.status_code == 413
    assert not Job.objects.exists()


def test_without_the_up_front_check_a_page_still_answers_413(
    client, owner, small_cap, without_the_middleware
):
    client.force_login(owner)
    upload = SimpleUploadedFile("big.mp4", b"\0" * 80_000)
    response = client.post("/jobs/new/", {"text": "Hi", "video": upload, "priority": 0})
    assert response.status_code == 413
    assert not Job.objects.exists()
