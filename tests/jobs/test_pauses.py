"""Pauses (queue, owner, slot) and priority changes: the services, the dispatcher, the reasons."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from jobs import selectors, services
from jobs.models import GpuSlot, Job, JobEvent, Pause
from jobs.services import dispatcher
from tests.jobs.test_dispatcher import dispatch_now, make_job, slot

pytestmark = pytest.mark.django_db


def waiting(job):
    job.refresh_from_db()
    position = selectors.job_queue_position(job)
    return selectors.job_waiting(job, position=position, usable=selectors.usable_stages())


def running(owner=None):
    jobs = Job.objects.filter(status__in=Job.RUNNING_IN.values())
    return set(jobs.filter(owner=owner) if owner else jobs)


# --- The services record who, when and why ---------------------------------------


def test_a_queue_pause_records_who_when_and_why_and_its_resume_keeps_the_record(operator):
    before = timezone.now()
    pause = services.queue_pause(by=operator, reason="servicing gpu1")
    assert (pause.scope, pause.paused_by, pause.paused_by_name) == ("queue", operator, "operator")
    assert pause.reason == "servicing gpu1" and pause.paused_at >= before and pause.is_active

    ended = services.queue_resume(by_name="alice (shell)")
    assert ended.pk == pause.pk and ended.resumed_by_name == "alice (shell)"
    assert not Pause.objects.active().exists() and Pause.objects.count() == 1


def test_pausing_twice_or_resuming_what_is_not_paused_is_refused_saying_why(operator, owner):
    services.queue_pause(by=operator)
    with pytest.raises(services.PauseConflict, match="paused already, by operator"):
        services.queue_pause(by_name="someone else")
    with pytest.raises(services.PauseConflict, match="Owner's jobs are not paused"):
        services.owner_resume(owner=owner, by=operator)
    assert Pause.objects.count() == 1


def test_a_reason_past_its_length_is_refused_and_nothing_is_stored(operator):
    with pytest.raises(ValidationError):
        services.queue_pause(by=operator, reason="x" * 201)
    assert not Pause.objects.exists()


def test_an_owner_may_end_their_own_pause_but_not_an_operators(owner, operator):
    services.owner_pause(owner=owner, by=owner)
    services.owner_resume(owner=owner, by=owner, staff=False)

    services.owner_pause(owner=owner, by=operator, reason="too many jobs")
    with pytest.raises(PermissionDenied, match="only an operator"):
        services.owner_resume(owner=owner, by=owner, staff=False)
    assert Pause.objects.active().get().paused_by == operator


# --- The dispatcher binds nothing new under a pause -------------------------------


def test_a_paused_queue_starts_no_speech_and_no_render(owner, operator, enqueued):
    slot("tts0")
    slot("video0", stage="video")
    make_job(owner)
    make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=1.0)
    services.queue_pause(by=operator)

    assert dispatch_now() == 0
    assert running() == set() and enqueued == []


def test_a_pause_leaves_a_running_stage_alone_and_its_slot_is_not_given_on(owner, operator):
    tts = slot("tts0", lease_until=timezone.now() + timedelta(seconds=30), fence=4)
    busy = make_job(owner, status=Job.Status.SYNTHESIZING, tts_slot=tts, fence=4)
    make_job(owner)
    services.queue_pause(by=operator)

    assert services.slot_renew(slot_id=tts.pk, fence=4)  # its heartbeat still holds
    assert services.slot_release(slot_id=tts.pk, fence=4, success=True)
    assert dispatch_now() == 0
    busy.refresh_from_db()
    assert busy.status == Job.Status.SYNTHESIZING and Job.objects.filter(status="queued").count()


def test_resuming_the_queue_starts_the_waiting_jobs_in_their_original_order(
    owner, operator, enqueued, django_capture_on_commit_callbacks
):
    slot("tts0")
    first, second = make_job(owner), make_job(owner)
    urgent = make_job(owner, priority=5)
    services.queue_pause(by=operator)
    positions = [selectors.job_queue_position(j) for j in (urgent, first, second)]
    assert dispatch_now() == 0
    assert [selectors.job_queue_position(j) for j in (urgent, first, second)] == positions

    with django_capture_on_commit_callbacks(execute=True):
        services.queue_resume(by=operator)  # dispatches after its commit

    assert running() == {urgent}
    Job.objects.filter(pk=urgent.pk).update(status="audio_ready")
    GpuSlot.objects.update(lease_until=None)
    dispatch_now()
    assert running() == {first}


def test_a_paused_owner_is_passed_over_and_keeps_their_place(owner, teammate, operator):
    slot("tts0")
    theirs = make_job(owner)
    other = make_job(teammate)
    services.owner_pause(owner=owner, by=operator)

    assert selectors.job_queue_position(theirs) == 1  # still first in line
    dispatch_now()
    assert running() == {other}
    assert Job.objects.get(pk=theirs.pk).status == Job.Status.QUEUED


def test_a_paused_slot_takes_no_new_stage_and_the_others_do(owner, operator):
    paused = slot("tts0")
    free = slot("tts1")
    services.slot_pause(slot=paused, by=operator)
    make_job(owner)
    make_job(owner)

    dispatch_now()
    assert {job.tts_slot for job in running()} == {free}
    assert Job.objects.filter(status="queued").count() == 1

    services.slot_resume(slot=paused, by=operator)
    dispatch_now()
    assert {job.tts_slot for job in running()} == {free, paused}


def test_a_paused_slot_still_resumes_the_render_it_was_running(owner, operator, monkeypatch):
    """A lease that ran out mid-render is the running stage, not new work: the sweep
    hands it on to a new worker on the same slot even though the slot is paused."""
    monkeypatch.setattr(dispatcher, "_enqueue", lambda *args, queue: None)
    video = GpuSlot.objects.create(
        name="gpu0-video", stage="video", backend="heygem", base_url="http://127.0.0.1:9",
        lease_until=timezone.now() - timedelta(seconds=1), fence=2,
    )  # fmt: skip
    job = make_job(owner, status=Job.Status.RENDERING, video_slot=video, fence=2,
                   engine_code="abc", audio_seconds=1.0)  # fmt: skip
    services.slot_pause(slot=video, by=operator)

    from jobs.services.sweeper import sweep_leases

    assert sweep_leases() == 1
    job.refresh_from_db()
    assert (job.status, job.fence, job.engine_code) == ("rendering", 3, "abc")


@pytest.mark.django_db(transaction=True)
def test_a_pause_waits_for_a_binding_in_flight_and_every_later_one_sees_it(owner, operator):
    """The advisory lock: a binding that has checked may still commit, but before the
    pause does; once queue_pause returns, no binding can start."""
    slot("tts0")
    make_job(owner)
    paused = threading.Event()
    with transaction.atomic():
        dispatcher.lock_against_pauses(exclusive=False)  # a binding is checking now

        def pause():
            services.queue_pause(by_name="racer")
            connection.close()
            paused.set()

        thread = threading.Thread(target=pause)
        thread.start()
        assert not paused.wait(0.5)  # the pause waits for the binding's commit
    thread.join(10)
    assert paused.is_set()
    assert dispatch_now() == 0


# --- Why a job waits --------------------------------------------------------------


def test_a_waiting_job_says_who_paused_the_queue_and_why(owner, operator):
    slot("tts0", lease_until=timezone.now() + timedelta(seconds=30))
    job = make_job(owner)
    services.queue_pause(by=operator, reason="new drivers")

    reason = waiting(job)
    assert reason["reason"] == "queue_paused"
    assert reason["text"] == "waiting: queue paused by operator (new drivers)"
    assert reason["paused_by"] == "operator" and reason["paused_at"] is not None
    assert reason["position"] == 1


def test_an_owners_job_says_their_jobs_are_paused_by_whom(owner, operator):
    slot("tts0")
    job = make_job(owner)
    services.owner_pause(owner=owner, by=owner)
    assert waiting(job)["text"] == "waiting: your jobs are paused by you"

    services.owner_resume(owner=owner, by=owner)
    services.owner_pause(owner=owner, by=operator)
    assert waiting(job)["reason"] == "owner_paused"
    assert waiting(job)["text"] == "waiting: your jobs are paused by operator"


def test_a_job_whose_every_slot_is_paused_says_so_and_one_free_slot_is_enough(owner, operator):
    paused = slot("tts0", lease_until=timezone.now() + timedelta(seconds=30))
    job = make_job(owner)
    services.slot_pause(slot=paused, by=operator)
    assert waiting(job)["reason"] == "slot_paused"
    assert waiting(job)["text"] == "waiting: every speech slot is paused by operator"

    slot("tts1", lease_until=timezone.now() + timedelta(seconds=30))
    assert waiting(job)["reason"] == "slot"


def test_the_queue_pause_outranks_a_retry_countdown(owner, operator):
    slot("tts0")
    job = make_job(owner, not_before=timezone.now() + timedelta(seconds=30), attempt=1)
    assert waiting(job)["reason"] == "retry"
    services.queue_pause(by=operator)
    assert waiting(job)["reason"] == "queue_paused"


def test_the_queue_summary_and_the_slot_state_show_pauses(owner, operator):
    tts = slot("tts0")
    services.slot_pause(slot=tts, by=operator)
    services.owner_pause(owner=owner, by=operator)
    summary = selectors.queue_summary()
    assert summary["paused"] is None and summary["owners_paused"] == 1
    assert summary["slots"]["tts"]["paused"] == 1
    [listed] = selectors.slots_with_current_job()
    assert listed.state == "paused" and listed.active_pause.paused_by_name == "operator"
    assert GpuSlot.objects.get(pk=tts.pk).state == "paused"  # read without the prefetch too
    services.queue_pause(by=operator)
    assert selectors.queue_summary()["paused"].paused_by == operator


def test_readiness_counts_a_paused_slot_as_healthy(operator):
    services.slot_pause(slot=slot("tts0"), by=operator)
    services.slot_pause(slot=slot("video0", stage="video"), by=operator)
    checks = selectors.readiness()
    assert checks["tts_slot"] is None and checks["video_slot"] is None


# --- Priority -----------------------------------------------------------------------


def test_a_new_priority_moves_a_waiting_job_ahead_at_once_and_is_on_its_timeline(
    owner, operator, enqueued
):
    slot("tts0", lease_until=timezone.now() + timedelta(seconds=30))
    first, later = make_job(owner), make_job(owner)
    assert selectors.job_queue_position(later) == 2

    assert services.job_set_priority(job=later, priority=3, by_name="operator")
    assert later.priority == 3 and selectors.job_queue_position(later) == 1
    event = JobEvent.objects.get(job=later, kind=JobEvent.Kind.PRIORITY)
    assert event.message == "Priority changed from 0 to 3 by operator."

    GpuSlot.objects.update(lease_until=None)
    dispatch_now()
    assert running() == {later}
    assert Job.objects.get(pk=first.pk).status == Job.Status.QUEUED


def test_a_priority_is_not_changed_once_the_job_renders_or_ended(owner):
    for status in (Job.Status.RENDERING, Job.Status.SUCCEEDED, Job.Status.CANCELED):
        job = make_job(owner, status=status)
        assert not services.job_set_priority(job=job, priority=5, by_name="operator")
        assert Job.objects.get(pk=job.pk).priority == 0
    assert not JobEvent.objects.filter(kind=JobEvent.Kind.PRIORITY).exists()


def test_a_priority_out_of_range_is_refused(owner):
    job = make_job(owner)
    with pytest.raises(ValidationError):
        services.job_set_priority(job=job, priority=11, by_name="operator")
    assert Job.objects.get(pk=job.pk).priority == 0


def test_a_segmented_jobs_waiting_segments_move_with_it(owner):
    parent = make_job(owner, status=Job.Status.SEGMENTED)
    waiting_part = make_job(owner, parent=parent, segment_index=0)
    rendering_part = make_job(owner, status=Job.Status.RENDERING, parent=parent, segment_index=1)
    assert services.job_set_priority(job=parent, priority=-2, by_name="operator")
    assert Job.objects.get(pk=waiting_part.pk).priority == -2
    assert Job.objects.get(pk=rendering_part.pk).priority == 0
