"""v1 pauses (queue, owners, slots) and priority changes: who may, and what bad input gets."""

import pytest
from django.utils import timezone

from jobs.models import Job, JobEvent, Pause
from tests.api.conftest import error, error_fields
from tests.factories import make_job, make_slot

pytestmark = pytest.mark.django_db


def test_staff_pause_and_resume_the_queue_and_jobs_say_why_they_wait(api_as, operator, owner):
    make_slot("local-tts", stage="tts", backend="espeak", lease_until=timezone.now())
    job = make_job(owner)
    staff = api_as(operator)

    paused = staff.post("/api/v1/queue/pause/", {"reason": "new drivers"}, format="json")
    assert paused.status_code == 200
    body = paused.json()
    assert (body["scope"], body["paused_by"], body["reason"], body["active"]) == (
        "queue", "operator", "new drivers", True
    )  # fmt: skip
    detail = api_as(owner).get(f"/api/v1/jobs/{job.pk}/").json()
    assert detail["waiting"]["reason"] == "queue_paused"
    assert detail["waiting"]["text"] == "waiting: queue paused by operator (new drivers)"
    assert detail["queue_position"] == 1
    assert api_as(owner).get("/api/v1/queue/").json()["paused"]["paused_by"] == "operator"

    resumed = staff.post("/api/v1/queue/resume/")
    assert resumed.status_code == 200 and resumed.json()["resumed_by"] == "operator"
    assert api_as(owner).get(f"/api/v1/jobs/{job.pk}/").json()["waiting"]["reason"] == "slot"
    assert api_as(owner).get("/api/v1/queue/").json()["paused"] is None


def test_only_staff_pause_the_queue_slots_or_list_pauses(api, owner):
    slot = make_slot("local-video")
    slot_paths = [f"/api/v1/slots/{slot.pk}/{action}/" for action in ("pause", "resume")]
    for path in ["/api/v1/queue/pause/", "/api/v1/queue/resume/", *slot_paths]:
        response = api.post(path)
        assert response.status_code == 403, path
        assert response.json()["type"] == "client_error"
    assert api.get("/api/v1/pauses/").status_code == 403
    assert not Pause.objects.exists()


def test_a_user_pauses_and_resumes_their_own_jobs_but_nobody_elses(api_as, owner, teammate):
    mine = api_as(owner)
    response = mine.post("/api/v1/owners/owner/pause/", {"reason": "checking my texts"},
                         format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["owner"] == "owner"
    job = make_job(owner)
    waiting = mine.get(f"/api/v1/jobs/{job.pk}/").json()["waiting"]
    assert waiting["text"] == "waiting: your jobs are paused by you (checking my texts)"

    refused = mine.post("/api/v1/owners/teammate/pause/")
    assert refused.status_code == 403
    assert error(refused) == "You may pause and resume only your own jobs."
    # Whether a user exists is not told to someone who may not pause them.
    assert mine.post("/api/v1/owners/nobody-at-all/pause/").status_code == 403
    assert mine.post("/api/v1/owners/owner/resume/").status_code == 200
    assert not Pause.objects.active().exists()


def test_a_user_cannot_resume_jobs_an_operator_paused(api_as, owner, operator):
    assert api_as(operator).post("/api/v1/owners/owner/pause/").status_code == 200
    job = make_job(owner)
    assert api_as(owner).get(f"/api/v1/jobs/{job.pk}/").json()["waiting"]["text"] == (
        "waiting: your jobs are paused by operator"
    )
    refused = api_as(owner).post("/api/v1/owners/owner/resume/")
    assert refused.status_code == 403 and "only an operator can resume" in error(refused)
    assert Pause.objects.active().get().paused_by == operator
    assert api_as(operator).post("/api/v1/owners/owner/resume/").status_code == 200


def test_pausing_twice_and_resuming_what_is_not_paused_answer_409(api_as, operator):
    staff = api_as(operator)
    assert staff.post("/api/v1/queue/resume/").status_code == 409
    staff.post("/api/v1/queue/pause/")
    again = staff.post("/api/v1/queue/pause/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "conflict"
    assert "paused already, by operator" in error(again)
    assert Pause.objects.count() == 1


def test_bad_pause_input_is_a_400_naming_the_field_and_stores_nothing(api_as, operator):
    staff = api_as(operator)
    for body in ({"reason": "x" * 201}, {"reason": 5}, {"why": "x"}):
        response = staff.post("/api/v1/queue/pause/", body, format="json")
        assert response.status_code == 400, body
        assert error_fields(response) == [next(iter(body))]
    assert staff.post("/api/v1/owners/nobody/pause/").status_code == 404
    assert staff.post("/api/v1/owners/no%00body/pause/").status_code == 404
    assert staff.post("/api/v1/slots/999999/pause/").status_code == 404
    assert not Pause.objects.exists()


def test_staff_pause_a_slot_and_it_shows_paused_with_who(api_as, operator):
    slot = make_slot("gpu0-video", gpu="gpu0", lease_until=timezone.now())
    staff = api_as(operator)
    body = staff.post(f"/api/v1/slots/{slot.pk}/pause/", {"reason": "fan"}, format="json").json()
    assert (body["state"], body["paused_by"]) == ("paused", "operator") and body["paused_at"]
    [listed] = staff.get("/api/v1/slots/").json()
    assert listed["state"] == "paused"
    pauses = staff.get("/api/v1/pauses/").json()
    assert [(p["scope"], p["slot"], p["reason"]) for p in pauses] == [("slot", "gpu0-video", "fan")]
    resumed = staff.post(f"/api/v1/slots/{slot.pk}/resume/").json()
    assert (resumed["state"], resumed["paused_by"]) == ("busy", None)


def test_staff_change_a_waiting_jobs_priority_with_patch(api_as, operator, owner):
    make_slot("local-tts", stage="tts", backend="espeak", lease_until=timezone.now())
    make_job(owner)
    job = make_job(owner)
    response = api_as(operator).patch(f"/api/v1/jobs/{job.pk}/", {"priority": 7}, format="json")
    assert response.status_code == 200
    assert (response.json()["priority"], response.json()["queue_position"]) == (7, 1)
    assert JobEvent.objects.filter(job=job, kind="priority").exists()


def test_an_owner_cannot_change_priority_and_others_jobs_stay_hidden(api_as, owner, teammate):
    job = make_job(owner)
    refused = api_as(owner).patch(f"/api/v1/jobs/{job.pk}/", {"priority": 10}, format="json")
    assert refused.status_code == 403 and "Only an operator" in error(refused)
    hidden = api_as(teammate).patch(f"/api/v1/jobs/{job.pk}/", {"priority": 10}, format="json")
    assert hidden.status_code == 404
    assert Job.objects.get(pk=job.pk).priority == 0


def test_a_bad_priority_is_a_400_and_a_rendering_job_a_409(api_as, operator, owner):
    staff, job = api_as(operator), make_job(owner)
    for body in ({"priority": 11}, {"priority": "high"}, {}, {"priority": 1, "status": "x"}):
        response = staff.patch(f"/api/v1/jobs/{job.pk}/", body, format="json")
        assert response.status_code == 400, body
    assert error_fields(staff.patch(f"/api/v1/jobs/{job.pk}/", {}, format="json")) == ["priority"]
    rendering = make_job(owner, status=Job.Status.RENDERING)
    conflict = staff.patch(f"/api/v1/jobs/{rendering.pk}/", {"priority": 3}, format="json")
    assert conflict.status_code == 409 and "rendering" in error(conflict)
    assert set(Job.objects.values_list("priority", flat=True)) == {0}
