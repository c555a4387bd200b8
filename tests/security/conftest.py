"""Every door an upload comes through, as one fixture: the API, the seed's API and the pages."""

import html
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job

# The API tests' fixtures, for these tests too.
from tests.api.conftest import api, api_as, throttle_rates  # noqa: F401
from voices.models import Voice


@dataclass(frozen=True)
class Door:
    name: str
    field: str  # "video" or "audio"
    path: str
    page: bool  # a form page (HTML answer) rather than JSON


DOORS = [
    Door("api-job", "video", "/api/v1/jobs/", False),
    Door("seed-generate", "video", "/api/generate", False),
    Door("submit-page", "video", "/jobs/new/", True),
    Door("api-voice", "audio", "/api/v1/voices/", False),
    Door("voice-page", "audio", "/voices/", True),
]
VIDEO_DOORS = [d for d in DOORS if d.field == "video"]


@pytest.fixture
def upload_through(owner, client, api_as):  # noqa: F811
    """Factory: post ``content`` as the door's file field; (status, readable answer text)."""
    token_client = api_as(owner)
    client.force_login(owner)

    def post(door: Door, content: bytes, name: str, **fields):
        data = {"text": "Hello there.", "priority": 0} if door.field == "video" else {"name": "V"}
        data.update(fields)
        data[door.field] = SimpleUploadedFile(name, content)
        response = (client if door.page else token_client).post(door.path, data)
        return response.status_code, html.unescape(response.content.decode(errors="replace"))

    return post


def nothing_kept(media_root) -> None:
    assert not Job.objects.exists()
    assert not Voice.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
