"""v1 slots (staff), queue summary and the normalization preview."""

import pytest
from django.utils import timezone

from jobs.models import GpuSlot, Job
from tests.api.conftest import error_fields
from tests.factories import make_job, make_slot

pytestmark = pytest.mark.django_db


def test_staff_list_slots_with_health_and_current_job(api_as, operator, owner):
    slot = make_slot("gpu0-video", gpu="gpu0", backend="dub", fence=3, lease_until=timezone.now())
    make_slot("gpu0-tts", gpu="gpu0", stage="tts", backend="espeak", healthy=False)
    job = make_job(owner, status=Job.Status.RENDERING, video_slot=slot, fence=3)
    slots = {s["name"]: s for s in api_as(operator).get("/api/v1/slots/").json()}
    assert slots["gpu0-video"]["current_job"] == str(job.pk)
    assert slots["gpu0-video"]["state"] == "busy"
    assert slots["gpu0-tts"]["state"] == "unhealthy" and slots["gpu0-tts"]["current_job"] is None
    assert slots["gpu0-tts"]["embedded"] is True


def test_staff_drain_enable_and_probe_a_slot(api_as, operator):
    slot = make_slot("local-video", backend="dub", healthy=False)
    api = api_as(operator)
    assert api.post(f"/api/v1/slots/{slot.pk}/drain/").json()["enabled"] is False
    assert api.post(f"/api/v1/slots/{slot.pk}/enable/").json()["enabled"] is True
    probed = api.post(f"/api/v1/slots/{slot.pk}/probe/").json()
    assert probed["healthy"] is True and probed["last_probe_at"]


def test_draining_a_busy_slot_lets_it_finish_first(api_as, operator):
    slot = make_slot("local-video", lease_until=timezone.now())
    body = api_as(operator).post(f"/api/v1/slots/{slot.pk}/drain/").json()
    assert (body["enabled"], body["draining"], body["state"]) == (True, True, "draining")
    assert GpuSlot.objects.get(pk=slot.pk).draining


def test_the_queue_summary_counts_live_jobs_and_slots(api, owner):
    make_slot("local-video")
    make_slot("local-tts", stage="tts", backend="espeak")
    for status in ["queued", "queued", "rendering"]:
        make_job(owner, status=status)
    make_job(owner, status=Job.Status.SUCCEEDED)
    body = api.get("/api/v1/queue/").json()
    assert (body["waiting"], body["running"]) == (2, 1)
    assert body["by_status"]["queued"] == 2
    assert body["slots"]["video"]["total"] == 1 and body["slots"]["tts"]["enabled"] == 1


def test_the_normalization_preview_returns_spoken_text_and_chunks(api):
    response = api.post(
        "/api/v1/normalize/", {"text": "The area is $\\pi r^2$.", "max_chars": 50}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert "pi" in body["spoken_text"] and "$" not in body["spoken_text"]
    assert body["chunks"] and all(len(chunk) <= 50 for chunk in body["chunks"])
    assert not Job.objects.exists()


def test_the_normalization_preview_names_bad_fields(api):
    assert error_fields(api.post("/api/v1/normalize/", {"text": 5}, format="json")) == ["text"]
    response = api.post("/api/v1/normalize/", {"text": "Hi", "max_chars": 1}, format="json")
    assert error_fields(response) == ["max_chars"]
