"""``manage.py queue`` (status, pause, resume, owners, priority) and ``slots pause|resume``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs import selectors
from jobs.models import Job, JobEvent, Pause
from tests.factories import make_job, make_slot

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_operator_pauses_the_queue_sees_it_in_status_and_resumes_it(owner, operator):
    make_slot("local-video")
    job = make_job(owner)
    assert "Nothing is paused." in run("queue", "status")

    out = run("queue", "pause", "--by", "operator", "--reason", "new drivers")
    assert "Queue paused" in out
    pause = Pause.objects.active().get()
    assert (pause.scope, pause.paused_by, pause.reason) == ("queue", operator, "new drivers")
    status = run("queue", "status")
    assert "1 waiting, 0 running." in status
    assert "PAUSED the queue by operator since" in status and "(new drivers)" in status
    reason = selectors.job_waiting(job, position=1, usable=selectors.usable_stages())
    assert reason["text"] == "waiting: queue paused by operator (new drivers)"

    assert "Queue resumed" in run("queue", "resume")
    assert not Pause.objects.active().exists()
    assert Pause.objects.get().resumed_by_name.endswith("(shell)")  # the login name, no user


def test_pausing_twice_or_resuming_an_unpaused_queue_fails_with_the_reason(operator):
    with pytest.raises(CommandError, match="The queue is not paused"):
        run("queue", "resume")
    run("queue", "pause", "--by", "operator")
    with pytest.raises(CommandError, match="paused already, by operator"):
        run("queue", "pause")


def test_an_owners_jobs_are_paused_and_resumed_by_name(owner, operator):
    run("queue", "pause-owner", "owner", "--by", "operator")
    assert Pause.objects.active().get().owner == owner
    assert "PAUSED owner's jobs by operator" in run("queue", "status")
    status = json.loads(run("queue", "status", "--json"))
    assert status["owners_paused"] == 1 and status["pauses"][0]["owner"] == "owner"
    run("queue", "resume-owner", "owner")
    with pytest.raises(CommandError, match="No user named ghost"):
        run("queue", "pause-owner", "ghost")


def test_priority_moves_a_waiting_job_and_refuses_a_rendering_one(owner, operator):
    make_slot("local-video", lease_until=timezone.now())
    make_job(owner)
    later = make_job(owner)
    out = run("queue", "priority", str(later.pk), "4", "--by", "operator")
    assert out.strip() == f"Job {later.pk}: priority 4, now 1 in its queue."
    assert JobEvent.objects.get(job=later, kind="priority").data["by"] == "operator"

    rendering = make_job(owner, status=Job.Status.RENDERING)
    with pytest.raises(CommandError, match="rendering"):
        run("queue", "priority", str(rendering.pk), "4")
    with pytest.raises(CommandError, match="Use -10 … 10"):
        run("queue", "priority", str(later.pk), "99")
    with pytest.raises(CommandError, match="No job nope"):
        run("queue", "priority", "nope", "1")
    assert Job.objects.get(pk=later.pk).priority == 4


def test_slots_pause_and_resume_show_in_the_list(operator):
    make_slot("gpu0-video", gpu="gpu0")
    out = run("slots", "pause", "gpu0-video", "--reason", "fan noise", "--by", "operator")
    assert "Paused gpu0-video" in out
    listing = run("slots", "list")
    row = next(line for line in listing.splitlines() if line.startswith("gpu0-video"))
    assert row.split()[4] == "paused"
    assert "paused by operator since" in listing and "(fan noise)" in listing
    assert json.loads(run("slots", "list", "--json"))[0]["paused_by"] == "operator"

    with pytest.raises(CommandError, match="Slot gpu0-video is paused already"):
        run("slots", "pause", "gpu0-video")
    assert "Resumed gpu0-video" in run("slots", "resume", "gpu0-video")
    assert "idle" in run("slots", "list")
    with pytest.raises(CommandError, match="is not paused"):
        run("slots", "resume", "gpu0-video")
