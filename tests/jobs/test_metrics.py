import pytest
from django.utils import timezone

from jobs.models import GpuSlot, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(settings):
    settings.HEYGEM = {**settings.HEYGEM, "METRICS_TOKEN": "scrape-me"}
    return "scrape-me"


def sample(text: str, line_start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(line_start))


def test_metrics_show_queue_depth_outcomes_and_slot_health(client, owner, token):
    GpuSlot.objects.create(name="gpu0-video", stage="video", backend="dub", gpu="gpu0",
                           lease_until=timezone.now(), consecutive_failures=2)  # fmt: skip
    GpuSlot.objects.create(name="gpu0-tts", stage="tts", backend="espeak", healthy=False)
    for status in ["queued", "queued", "audio_ready", "failed"]:
        Job.objects.create(owner=owner, text="t", spoken_text="t", status=status)

    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert sample(text, 'heygem_queue_depth{stage="tts"}') == 'heygem_queue_depth{stage="tts"} 2'
    assert sample(text, 'heygem_queue_depth{stage="video"}').endswith(" 1")
    assert sample(text, 'heygem_jobs{status="failed"}').endswith(" 1")
    assert sample(text, 'heygem_slot_busy{slot="gpu0-video"').endswith(" 1")
    assert sample(text, 'heygem_slot_up{slot="gpu0-tts"').endswith(" 0")
    assert sample(text, 'heygem_slot_consecutive_failures{slot="gpu0-video"').endswith(" 2")


def test_metrics_refuse_a_wrong_token_and_ordinary_users(client, owner, token):
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 403
    client.force_login(owner)
    assert client.get("/metrics").status_code == 403


def test_staff_may_read_metrics_in_the_browser(client, operator):
    client.force_login(operator)

    assert b"# TYPE heygem_jobs gauge" in client.get("/metrics").content
