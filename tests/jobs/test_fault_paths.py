"""Faults that must not cost GPU work: a database that drops out mid-render, a worker
paused past its lease, a worker that dies on a draining slot. Each is caused for real."""

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.utils import timezone

from jobs import services, stages
from jobs.models import GpuSlot, Job, JobEvent
from jobs.services import dispatcher
from tests.conftest import ROOT, child_process_env, job_folder, wait_for
from tests.factories import make_job
from tests.fakes import FakeHeyGem, write_tone_wav

pytestmark = pytest.mark.django_db(transaction=True)
LEASE = 3


@pytest.fixture
def short_lease(settings):
    settings.HEYGEM = {**settings.HEYGEM, "LEASE_SECONDS": LEASE, "RENDER_POLL_SECONDS": 0.1}


@pytest.fixture
def bindings(monkeypatch):
    """Stage tasks the dispatcher hands to django-q2, kept to be run by the test."""
    handed = []
    monkeypatch.setattr(dispatcher, "_enqueue", lambda *args, queue: handed.append(args))
    return handed


@pytest.fixture
def heygem(tmp_path):
    with FakeHeyGem(tmp_path / "gpu0", render_seconds=6.0) as fake:
        yield fake


@pytest.fixture
def render_waiting(owner, heygem, media_root):
    """A job whose speech is ready, and the one HeyGem slot that will render it."""
    services.slot_create(name="gpu0-video", stage="video", backend="heygem", gpu="gpu0",
                         base_url=heygem.url, data_dir=str(heygem.data_dir))  # fmt: skip
    job = make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=2.0)
    speech = job_folder(job.pk) / "speech.wav"
    speech.parent.mkdir(parents=True, exist_ok=True)
    write_tone_wav(speech, 2.0)
    Job.objects.filter(pk=job.pk).update(speech_audio=f"jobs/{job.pk}/speech.wav")
    return job


def in_thread(args) -> tuple[threading.Thread, list]:
    """Run a stage on a worker thread with its own database connection."""
    outcome = []

    def work():
        try:
            outcome.append(stages.run_stage(*args))
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread, outcome


def drop_other_connections() -> int:
    """Terminate every other session on the test database, as a restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def allow_connections(allowed: bool) -> None:
    """Open or shut the test database to new sessions (sessions already in stay)."""
    db = connection.settings_dict
    # PostgreSQL refuses this from a session on the database itself.
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                         user=db["USER"], dbname="postgres", autocommit=True) as admin:  # fmt: skip
        admin.execute(f'ALTER DATABASE "{db["NAME"]}" ALLOW_CONNECTIONS {str(allowed).lower()}')


def engine_files(fake) -> list[str]:
    return sorted(p.name for p in (fake.data_dir / "temp").iterdir())


def test_a_render_whose_database_connection_drops_carries_on_with_no_extra_attempt(
    render_waiting, heygem, bindings, short_lease
):
    dispatcher.dispatch()
    thread, outcome = in_thread(bindings[0])
    wait_for(lambda: heygem.submissions, timeout=15)

    assert drop_other_connections() >= 1
    thread.join(timeout=30)

    job = Job.objects.get(pk=render_waiting.pk)
    assert outcome == ["done"] and job.status == Job.Status.SUCCEEDED
    assert job.attempt == 0 and len(heygem.submissions) == 1
    assert engine_files(heygem) == []  # removed once the outcome was recorded


def test_a_render_is_resumed_after_an_outage_longer_than_its_lease_and_renders_once(
    render_waiting, heygem, bindings, short_lease
):
    dispatcher.dispatch()
    thread, outcome = in_thread(bindings[0])
    wait_for(lambda: heygem.submissions, timeout=15)
    code = heygem.submissions[0]["code"]

    allow_connections(False)
    try:
        drop_other_connections()
        thread.join(timeout=LEASE * 4)
        # The worker gave up writing, and deleted nothing the engine still reads.
        assert outcome == ["interrupted"]
        assert {f"{code}.wav", f"{code}.mp4"} <= set(engine_files(heygem))
    finally:
        allow_connections(True)
    wait_for(lambda: services.sweep()["reclaimed"], timeout=LEASE * 3)
    assert stages.run_stage(*bindings[1]) == "done"

    job = Job.objects.get(pk=render_waiting.pk)
    assert job.status == Job.Status.SUCCEEDED and job.attempt == 0
    assert len(heygem.submissions) == 1
    kinds = list(job.events.values_list("kind", flat=True))
    assert kinds.count(JobEvent.Kind.VIDEO_RESUMED) == 1 and JobEvent.Kind.RETRY not in kinds
    assert engine_files(heygem) == []


def test_a_worker_paused_past_its_lease_leaves_the_engines_answer_to_its_successor(
    render_waiting, heygem, bindings, short_lease, media_root
):
    dispatcher.dispatch()
    # Polls far apart: the pause lands in the wait between two polls.
    env = child_process_env(media_root, HEYGEM_LEASE_SECONDS=LEASE,
                            HEYGEM_RENDER_POLL_SECONDS=0.5)  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("stage_worker.py")),
         json.dumps(bindings[0])],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: heygem.queries >= 2, timeout=30)  # submitted, and polling
        os.kill(worker.pid, signal.SIGSTOP)
        # Its lease runs out; the sweep hands the render to a new binding.
        wait_for(lambda: services.sweep()["reclaimed"], timeout=LEASE * 3)
        assert len(bindings) == 2 and bindings[1][4] is True  # resume, not a new render
        wait_for(lambda: not heygem.busy, timeout=30)  # the engine finished meanwhile
        queries_before = heygem.queries

        os.kill(worker.pid, signal.SIGCONT)  # the paused worker wakes first
        out, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGCONT)
            worker.kill()
            worker.wait()

    assert out.strip() == "lease lost"
    code = heygem.submissions[0]["code"]
    assert f"{code}-r.mp4" in engine_files(heygem)  # it removed nothing
    assert not (job_folder(render_waiting.pk) / "result.mp4").exists()  # nor copied the result
    if heygem.queries > queries_before:
        # Paused between checking its binding and polling, it did hear the answer the
        # engine tells once: it kept it for its successor and acted on nothing.
        assert f"{code}.answer.json" in engine_files(heygem)
    assert stages.run_stage(*bindings[1]) == "done"
    job = Job.objects.get(pk=render_waiting.pk)
    assert job.status == Job.Status.SUCCEEDED and job.attempt == 0
    assert len(heygem.submissions) == 1
    assert engine_files(heygem) == []


def test_a_draining_slot_whose_worker_died_ends_disabled_and_the_job_retries(
    owner, embedded_slots, bindings
):
    job = make_job(owner)
    dispatcher.dispatch()
    tts = GpuSlot.objects.get(name="local-tts")
    services.slot_drain(slot=tts)
    # The worker died: nobody renews the lease.
    GpuSlot.objects.filter(pk=tts.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    assert services.sweep()["reclaimed"] == 1

    tts.refresh_from_db()
    assert not tts.enabled and not tts.draining and tts.state == "disabled"
    job.refresh_from_db()
    # A dead worker is not the job's fault: it runs again, elsewhere if it can, no attempt lost.
    assert job.status == Job.Status.QUEUED and job.attempt == 0 and job.reclaims == 1
    assert job.avoid_slot_id == tts.pk
    assert job.events.filter(kind=JobEvent.Kind.RECLAIMED,
                             message__contains="no attempt counted").exists()  # fmt: skip


def test_a_stage_that_keeps_killing_its_worker_starts_counting_attempts(
    owner, embedded_slots, bindings, settings
):
    settings.HEYGEM = {**settings.HEYGEM, "FREE_RECLAIMS": 1}
    job = make_job(owner)
    tts = GpuSlot.objects.get(name="local-tts")
    for expected_attempt in (0, 1):
        dispatcher.dispatch()
        Job.objects.filter(pk=job.pk).update(not_before=None)
        GpuSlot.objects.filter(pk=tts.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        assert services.sweep()["reclaimed"] == 1
        job.refresh_from_db()
        assert job.attempt == expected_attempt and job.reclaims == 1


def test_no_connection_is_left_to_the_test_database(db):
    """The fault tests' worker threads closed their connections (the test database drops)."""
    assert all(not c.connection or c is connection for c in connections.all())


def test_a_database_error_while_a_tts_stage_looks_up_its_voice_is_ridden_out(
    owner, tmp_path, bindings, short_lease, monkeypatch
):
    """The voice's preparation lookup meets a restarting database: the stage waits for
    it like any other of its database calls, instead of stopping and leaving its slot
    idle for a lease."""
    from django.db import OperationalError

    from tests.fakes import FakeFishSpeech
    from voices.models import VoicePreparation

    (tmp_path / "tts0" / "origin_audio").mkdir(parents=True)
    with FakeFishSpeech(tmp_path / "tts0") as tts:
        services.slot_create(name="gpu0-tts", stage="tts", backend="fish_speech", gpu="gpu0",
                             base_url=tts.url, data_dir=str(tts.data_dir))  # fmt: skip
        job = services.job_create(owner=owner, text="Spoken across a database restart.")
        failures = iter([OperationalError("the database system is shutting down")])
        real_filter = VoicePreparation.objects.filter

        def filter_once_down(*args, **kwargs):
            for exc in failures:
                raise exc
            return real_filter(*args, **kwargs)

        monkeypatch.setattr(VoicePreparation.objects, "filter", filter_once_down)
        assert stages.run_stage(*bindings[0]) == "done"

    job.refresh_from_db()
    assert job.status == Job.Status.AUDIO_READY and job.attempt == 0 and job.reclaims == 0
