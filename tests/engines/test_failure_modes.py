"""Engine failures as users meet them: through the real stages, dispatcher and sweep.

django-q2 runs tasks inline here (``sync_tasks``): submitting a job runs its
stages to the end, retries included, before ``job_create`` returns.
"""

import shutil
import threading

import pytest
from django.db import connection

from jobs import services
from jobs.models import GpuSlot, Job
from tests.conftest import register_fake_pairs, wait_for
from tests.fakes import fake_gpu_pairs

from .conftest import temp_files

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]


@pytest.fixture
def pairs(tmp_path):
    with fake_gpu_pairs(tmp_path, 2, video_options={"render_seconds": 0.2}) as started:
        register_fake_pairs(started)
        yield started


def slot(name) -> GpuSlot:
    return GpuSlot.objects.get(name=name)


def test_a_render_the_engine_fails_is_retried_on_another_gpu_and_succeeds(owner, pairs):
    pairs[0].video.fail_next("status3")

    job = services.job_create(owner=owner, text="Retry me somewhere else.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.attempt == 1 and job.video_slot.name == "gpu1-video"
    retry = job.events.get(kind="retry")
    assert "video generation failed (engine: **生成视频失败)" in retry.message
    assert retry.data["engine_message"] == "**生成视频失败"
    assert retry.slot.name == "gpu0-video"
    assert temp_files(pairs[0].video_data_dir) == temp_files(pairs[1].video_data_dir) == []


def test_a_busy_engine_never_fails_a_job_it_waits_for_a_free_slot(owner, pairs, settings):
    GpuSlot.objects.filter(name="gpu1-video").update(enabled=False)
    pairs[0].video.fail_next("busy")

    job = services.job_create(owner=owner, text="Patience.")

    job.refresh_from_db()
    assert job.status == Job.Status.AUDIO_READY and job.attempt == 0
    assert slot("gpu0-video").state == "engine busy"
    assert "busy with another task" in job.events.get(kind="engine_busy").message

    services.sweep()  # a probe finds the engine free again and the job runs

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempt == 0
    assert not job.events.filter(kind__in=["retry", "failed"]).exists()


def test_a_task_lost_after_its_result_was_written_still_makes_the_video(owner, pairs):
    pairs[0].video.fail_next("crash_after_result")

    job = services.job_create(owner=owner, text="Saved by the file.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempt == 0
    assert job.events.filter(kind="engine", message__contains="complete; using it").exists()
    assert temp_files(pairs[0].video_data_dir) == []


def test_the_engines_milestones_and_expected_time_are_in_the_jobs_timeline(owner, pairs):
    job = services.job_create(owner=owner, text="Show me what happens.")

    messages = list(job.events.filter(kind="engine").values_list("message", flat=True))
    assert messages[0].startswith("Rendering on gpu0-video: expected to take about")
    assert any("audio features extracted" in m for m in messages)
    job.refresh_from_db()
    assert job.progress == 100 and job.progress_detail == ""


def test_a_hung_render_times_out_and_its_slot_waits_until_the_engine_lets_go(
    owner, pairs, settings
):
    # Long enough for the healthy GPU's render on a loaded machine, short for a test.
    settings.HEYGEM = {**settings.HEYGEM, "RENDER_TIMEOUT_FLOOR_SECONDS": 3.0,
                       "RENDER_TIMEOUT_FACTOR": 0.0, "SWEEP_SECONDS": 0.01}  # fmt: skip
    pairs[0].video.fail_next("hang")

    job = services.job_create(owner=owner, text="Stuck at twenty percent.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.video_slot.name == "gpu1-video"
    assert "took longer than 3 s" in job.events.get(kind="retry").message
    hung = pairs[0].video.submissions[0]["code"]
    assert slot("gpu0-video").engine_busy and slot("gpu0-video").orphan_code == hung

    services.sweep()  # still hung: the probe keeps it out
    assert slot("gpu0-video").state == "engine busy"
    assert "still running task" in slot("gpu0-video").last_error

    pairs[0].video.release_hang()
    wait_for(lambda: not pairs[0].video.busy, timeout=20)
    services.sweep()
    assert slot("gpu0-video").state == "idle" and slot("gpu0-video").orphan_code == ""
    assert temp_files(pairs[0].video_data_dir) == []


def test_canceling_a_render_keeps_the_slot_out_until_the_engine_is_free(owner, pairs):
    GpuSlot.objects.filter(name="gpu1-video").update(enabled=False)
    pairs[0].video.fail_next("hang")

    def cancel_once_rendering():
        try:
            rendering = wait_for(lambda: Job.objects.filter(status="rendering").first(), 30)
            wait_for(lambda: pairs[0].video.busy, 30)
            services.job_cancel(job=rendering)
        finally:
            connection.close()

    canceler = threading.Thread(target=cancel_once_rendering)
    canceler.start()
    job = services.job_create(owner=owner, text="Never mind.")
    canceler.join()

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    video = slot("gpu0-video")
    assert video.lease_until is None and video.state == "engine busy"
    assert video.orphan_code == job.engine_code

    pairs[0].video.release_hang()
    wait_for(lambda: not pairs[0].video.busy, timeout=20)
    assert services.slot_probe(slot=video) == ""
    assert slot("gpu0-video").state == "idle"
    assert temp_files(pairs[0].video_data_dir) == []


def test_a_voice_preparation_that_fails_is_retried_on_another_tts_slot(owner, pairs):
    pairs[0].tts.fail_next("preprocess_fail", "Connection refused", times=2)  # every try

    job = services.job_create(owner=owner, text="Prepare my voice.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.tts_slot.name == "gpu1-tts"
    retry = job.events.get(kind="retry")
    assert "could not prepare the voice: Connection refused" in retry.message


def test_an_unreachable_tts_engine_fails_the_job_with_a_clear_reason(owner, pairs):
    GpuSlot.objects.filter(name="gpu1-tts").update(enabled=False)
    pairs[0].tts.stop()

    job = services.job_create(owner=owner, text="Anyone there?")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempt == job.max_attempts
    assert "connection refused" in job.error and pairs[0].tts_url in job.error
    assert slot("gpu0-tts").state == "unhealthy"


def test_a_video_data_dir_that_disappeared_fails_the_attempt_with_where_to_look(owner, pairs):
    GpuSlot.objects.filter(name="gpu1-video").update(enabled=False)
    pairs[0].video.stop()  # the container is gone and so is its volume
    shutil.rmtree(pairs[0].video_data_dir)

    job = services.job_create(owner=owner, text="Where did it go?")

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"The data dir {pairs[0].video_data_dir} of gpu0-video does not exist" in job.error
    assert pairs[0].video.submissions == []


def test_the_sweep_probes_only_its_own_hosts_slots(pairs):
    """From box-b, gpu1's loopback address would be box-b's own engine, not box-a's."""
    GpuSlot.objects.filter(gpu="gpu1").update(host="box-a")
    GpuSlot.objects.update(healthy=False, last_error="engine down")

    assert services.sweep()["probed"] == 2  # gpu0's video and TTS, this host's
    assert set(GpuSlot.objects.filter(healthy=True).values_list("gpu", flat=True)) == {"gpu0"}
    assert not GpuSlot.objects.filter(gpu="gpu1", last_probe_at__isnull=False).exists()
