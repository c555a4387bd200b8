"""Pauses and priorities from the admin: forms and actions go through the services."""

import pytest

from jobs.models import Job, JobEvent, Pause
from tests.factories import make_job, make_slot

pytestmark = pytest.mark.django_db


def test_an_operator_pauses_the_queue_from_the_admin_and_resumes_it_by_action(client, operator):
    client.force_login(operator)
    response = client.post(
        "/admin/jobs/pause/add/", {"scope": "queue", "reason": "servicing gpu1"}, follow=True
    )
    assert response.status_code == 200
    pause = Pause.objects.active().get()
    assert (pause.scope, pause.paused_by, pause.reason) == ("queue", operator, "servicing gpu1")
    assert "the queue" in client.get("/admin/jobs/pause/").text

    again = client.post("/admin/jobs/pause/add/", {"scope": "queue"})
    assert again.status_code == 200 and "The queue is paused already" in again.text
    assert Pause.objects.count() == 1

    client.post("/admin/jobs/pause/", {"action": "resume", "_selected_action": [pause.pk]})
    pause.refresh_from_db()
    assert pause.resumed_by == operator and pause.resumed_at is not None


def test_a_pause_whose_target_does_not_match_its_scope_is_refused(client, operator, owner):
    client.force_login(operator)
    response = client.post("/admin/jobs/pause/add/", {"scope": "owner"})
    assert "choose the owner" in response.text
    client.post("/admin/jobs/pause/add/", {"scope": "owner", "owner": owner.pk})
    assert Pause.objects.active().get().owner == owner


def test_slots_are_paused_by_action_and_show_paused(client, operator):
    slot = make_slot("gpu0-video", gpu="gpu0")
    client.force_login(operator)
    client.post("/admin/jobs/gpuslot/", {"action": "pause", "_selected_action": [slot.pk]})
    assert Pause.objects.active().get().slot == slot
    listing = client.get("/admin/jobs/gpuslot/").text
    assert ">paused<" in listing
    assert "by operator since" in client.get(f"/admin/jobs/gpuslot/{slot.pk}/change/").text
    client.post("/admin/jobs/gpuslot/", {"action": "resume", "_selected_action": [slot.pk]})
    assert not Pause.objects.active().exists()


def test_a_priority_edited_in_the_admin_goes_through_the_service(client, operator, owner):
    job = make_job(owner)
    client.force_login(operator)
    inline = {f"events-{k}": v for k, v in
              {"TOTAL_FORMS": "1", "INITIAL_FORMS": "1", "MIN_NUM_FORMS": "0",
               "MAX_NUM_FORMS": "1000"}.items()}  # fmt: skip
    event_id = JobEvent.objects.get(job=job).pk
    response = client.post(
        f"/admin/jobs/job/{job.pk}/change/",
        {"priority": "6", "max_attempts": "3", "events-0-id": event_id, "events-0-job": job.pk,
         **inline},
    )  # fmt: skip
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).priority == 6
    event = JobEvent.objects.get(job=job, kind="priority")
    assert event.message == "Priority changed from 0 to 6 by operator."
