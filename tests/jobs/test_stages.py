"""The stages as a worker runs them (django-q2 tasks executed inline)."""

from pathlib import Path

import pytest
from django.db import transaction

from jobs import services, stages
from jobs.engines import EngineError
from jobs.engines.espeak import EspeakEngine
from jobs.models import GpuSlot, Job
from tests.conftest import job_folder, probe_streams

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]


@pytest.fixture(autouse=True)
def no_backoff(settings):
    settings.HEYGEM = {**settings.HEYGEM, "RETRY_BACKOFF_SECONDS": 0}


def result_path(job: Job) -> Path:
    return job_folder(job.pk) / "result.mp4"


def test_a_job_goes_from_text_to_a_video_whose_sound_matches_the_speech(
    owner, embedded_slots, sample_video
):
    text = "Hello class. Today we learn 3 facts about the moon, and then we rest."
    job = services.job_create(owner=owner, text=text, video=sample_video)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 100
    streams = probe_streams(result_path(job))
    assert set(streams) == {"video", "audio"}
    assert streams["audio"] == pytest.approx(job.audio_seconds, abs=0.2)
    assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.2)
    assert job.audio_seconds > 4.0  # longer than the 4 s speaker clip: it was looped
    assert job.tts_started_at < job.tts_finished_at <= job.render_started_at
    assert job.render_started_at < job.render_finished_at == job.finished_at
    kinds = list(job.events.values_list("kind", flat=True))
    assert kinds == ["created", "voice", "tts_started", "tts_finished",
                     "video_started", "render_finished", "succeeded"]  # fmt: skip
    for slot in embedded_slots:
        slot.refresh_from_db()
        assert slot.lease_until is None and slot.fence == 1


def test_a_job_without_a_speaker_video_uses_the_default_speaker(owner, embedded_slots, media_root):
    job = services.job_create(owner=owner, text="No video here.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (media_root / "defaults" / "speaker.mp4").exists()
    assert set(probe_streams(result_path(job))) == {"video", "audio"}


def test_an_engine_failure_is_retried_on_another_slot(owner, embedded_slots, monkeypatch):
    spare = services.slot_create(name="spare-tts", stage="tts", backend="espeak")
    failing_slot, real = embedded_slots[0].pk, EspeakEngine.synthesize

    def flaky(self, request, heartbeat):
        if self.slot.name == embedded_slots[0].name:
            raise EngineError("espeak-ng crashed")
        return real(self, request, heartbeat)

    monkeypatch.setattr(EspeakEngine, "synthesize", flaky)

    job = services.job_create(owner=owner, text="Try again.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempt == 1 and job.tts_slot_id == spare.pk
    retry = job.events.get(kind="retry")
    assert "espeak-ng crashed" in retry.message and retry.slot_id == failing_slot
    bad = GpuSlot.objects.get(pk=failing_slot)
    assert bad.consecutive_failures == 1 and bad.last_error == "espeak-ng crashed"


def test_a_job_fails_with_the_reason_after_its_last_attempt(owner, embedded_slots, monkeypatch):
    def broken(self, request, heartbeat):
        raise EngineError("no voice data")

    monkeypatch.setattr(EspeakEngine, "synthesize", broken)

    job = services.job_create(owner=owner, text="Doomed.")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "no voice data"
    assert job.attempt == job.max_attempts == 3
    assert GpuSlot.objects.get(name="local-tts").lease_until is None


def test_a_slot_that_keeps_failing_is_marked_unhealthy(
    owner, embedded_slots, monkeypatch, settings
):
    settings.HEYGEM = {**settings.HEYGEM, "UNHEALTHY_AFTER": 2, "MAX_ATTEMPTS": 5}

    def broken(self, request, heartbeat):
        raise EngineError("model missing")

    monkeypatch.setattr(EspeakEngine, "synthesize", broken)

    job = services.job_create(owner=owner, text="Doomed.")

    slot = GpuSlot.objects.get(name="local-tts")
    assert not slot.healthy and slot.state == "unhealthy"
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempt == 2  # waits for a healthy slot


def test_canceling_a_running_stage_stops_it_and_frees_the_slot(owner, embedded_slots, monkeypatch):
    def cancel_midway(self, request, heartbeat):
        job = Job.objects.get(status="synthesizing")
        services.job_cancel(job=job)
        heartbeat(50)  # the next heartbeat notices
        raise AssertionError("the heartbeat should have stopped the engine")

    monkeypatch.setattr(EspeakEngine, "synthesize", cancel_midway)

    job = services.job_create(owner=owner, text="Stop me.")

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    slot = GpuSlot.objects.get(name="local-tts")
    assert slot.lease_until is None and slot.consecutive_failures == 0


def test_a_redelivered_task_for_an_old_binding_does_nothing(owner, embedded_slots):
    job = services.job_create(owner=owner, text="Once only.")
    job.refresh_from_db()
    tts = embedded_slots[0]

    outcome = stages.run_stage("tts", str(job.pk), tts.pk, fence=1)

    assert outcome == "stale"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_a_drained_slot_finishes_its_job_then_turns_itself_off(owner, embedded_slots, monkeypatch):
    real = EspeakEngine.synthesize

    def drain_during(self, request, heartbeat):
        services.slot_drain(slot=GpuSlot.objects.get(name=self.slot.name))
        return real(self, request, heartbeat)

    monkeypatch.setattr(EspeakEngine, "synthesize", drain_during)

    job = services.job_create(owner=owner, text="Last one.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    slot = GpuSlot.objects.get(name="local-tts")
    assert not slot.enabled and not slot.draining and slot.state == "disabled"


def test_canceling_a_finished_job_changes_nothing(owner, embedded_slots):
    job = services.job_create(owner=owner, text="Done.")
    job.refresh_from_db()

    with transaction.atomic():
        assert services.job_cancel(job=job) is False

    assert job.status == Job.Status.SUCCEEDED
