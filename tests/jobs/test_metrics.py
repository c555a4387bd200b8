from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from jobs.models import GpuSlot, Host, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(settings):
    settings.HEYGEM = {**settings.HEYGEM, "METRICS_TOKEN": "scrape-me"}
    return "scrape-me"


def value(text: str, name: str, **labels: str) -> float:
    """The sample ``name`` whose labels include ``labels``, read as Prometheus reads it."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return sample.value
    raise AssertionError(f"no sample {name} {labels}")


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
    assert value(text, "heygem_queue_depth", stage="tts") == 2
    assert value(text, "heygem_queue_depth", stage="video") == 1
    assert value(text, "heygem_jobs", status="failed") == 1
    assert value(text, "heygem_slot_busy", slot="gpu0-video") == 1
    assert value(text, "heygem_slot_up", slot="gpu0-tts") == 0
    assert value(text, "heygem_slot_consecutive_failures", slot="gpu0-video") == 2


def test_metrics_refuse_a_wrong_token_and_ordinary_users(client, owner, token):
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 403
    client.force_login(owner)
    assert client.get("/metrics").status_code == 403


def test_staff_may_read_metrics_in_the_browser(client, operator):
    client.force_login(operator)

    assert b"# TYPE heygem_jobs gauge" in client.get("/metrics").content


def test_stage_durations_and_queue_waits_are_histograms(client, operator):
    client.force_login(operator)
    now = timezone.now()
    for seconds in (3, 40):
        Job.objects.create(
            owner=operator, text="t", spoken_text="t", status="succeeded",
            tts_started_at=now - timedelta(seconds=seconds + 10),
            tts_finished_at=now - timedelta(seconds=10),
            render_started_at=now - timedelta(seconds=9), render_finished_at=now, finished_at=now,
        )  # fmt: skip
    text = client.get("/metrics").content.decode()
    assert value(text, "heygem_stage_duration_seconds_bucket", stage="tts", le="5.0") == 1
    assert value(text, "heygem_stage_duration_seconds_bucket", stage="tts", le="60.0") == 2
    assert value(text, "heygem_stage_duration_seconds_count", stage="tts") == 2
    assert value(text, "heygem_stage_duration_seconds_sum", stage="tts") == pytest.approx(43)
    assert value(text, "heygem_queue_wait_seconds_count", stage="video") == 2


def test_http_requests_are_counted_by_route_and_status(client, operator):
    client.force_login(operator)
    client.get("/jobs/")
    client.get("/no/such/page/")
    text = client.get("/metrics").content.decode()
    assert value(text, "heygem_http_requests_total", route="jobs/", status="200") >= 1
    assert value(text, "heygem_http_requests_total", route="unmatched", status="404") >= 1
    assert value(text, "heygem_http_request_duration_seconds_count", route="jobs/") >= 1


def test_metrics_say_which_hosts_work(client, token):
    Host.objects.create(name="box-a", seen_at=timezone.now(), stage_workers=8)
    Host.objects.create(name="box-b", seen_at=timezone.now() - timedelta(minutes=1))
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    assert value(text, "heygem_host_up", host="box-a") == 1
    assert value(text, "heygem_host_up", host="box-b") == 0
    assert value(text, "heygem_host_stage_workers", host="box-a") == 8


def test_readyz_says_what_is_missing_and_answers_200_when_all_is_there(client, embedded_slots):
    Host.objects.create(name="local", seen_at=timezone.now() - timedelta(minutes=1))
    silent = client.get("/readyz")
    assert silent.status_code == 503
    assert silent.json()["checks"]["workers"] == "no `manage.py workers` has reported in 15 s"
    assert silent.json()["checks"]["media"] == "ok"
    Host.objects.update(seen_at=timezone.now())
    GpuSlot.objects.filter(stage="video").update(healthy=False)
    assert client.get("/readyz").json()["checks"]["video_slot"] == "no healthy video slot"
    GpuSlot.objects.update(healthy=True)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
