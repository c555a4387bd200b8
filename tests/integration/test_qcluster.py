"""End to end through a real ``manage.py workers`` on the embedded engines."""

import os
import signal
from pathlib import Path

import pytest

from jobs import services
from jobs.models import GpuSlot, Job
from tests.conftest import job_folder, probe_streams, wait_for

pytestmark = pytest.mark.integration

TEXTS = [
    "Welcome to lesson {n}. Today we look at fractions.",
    "Item {n}: the price is 5 dollars and 20 cents.",
    "Chapter {n} begins here; read it twice.",
]


def finished(job_ids):
    return not Job.objects.filter(pk__in=job_ids, status__in=Job.LIVE_STATUSES).exists()


def test_ten_jobs_run_to_success_on_a_real_cluster(workers, owner, sample_video, silent_video):
    for i in range(2):
        services.slot_create(name=f"tts{i}", stage="tts", backend="espeak")
        services.slot_create(name=f"video{i}", stage="video", backend="dub")
    workers()

    jobs = [
        services.job_create(
            owner=owner,
            text=TEXTS[n % 3].format(n=n + 1),
            video=[sample_video, silent_video, None][n % 3],
            priority=n % 2,
        )
        for n in range(10)
    ]
    wait_for(lambda: finished([j.pk for j in jobs]), timeout=180, message="jobs still running")

    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, (job.pk, job.error)
        streams = probe_streams(job_folder(job.pk) / "result.mp4")
        assert set(streams) == {"video", "audio"}
        assert streams["audio"] == pytest.approx(job.audio_seconds, abs=0.2)
        assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.2)
    used = set(Job.objects.values_list("video_slot__name", flat=True))
    assert used == {"video0", "video1"}
    assert not GpuSlot.objects.filter(lease_until__isnull=False).exists()


def stage_process(job_id) -> tuple[int, int]:
    """(worker pid, ffmpeg pid) of the ffmpeg rendering this job, if one runs."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if argv and argv[0].endswith(b"ffmpeg") and str(job_id).encode() in b" ".join(argv):
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            return parent, int(entry.name)
    return None


def test_a_stage_whose_worker_is_killed_is_reclaimed_and_the_job_succeeds(workers, owner, settings):
    # One job, not segments: this is about one stage's worker dying.
    settings.HEYGEM = {**settings.HEYGEM, "SEGMENT_SECONDS": 0}
    services.slot_create(name="tts0", stage="tts", backend="espeak")
    services.slot_create(name="video0", stage="video", backend="dub")
    # The workers sweep every HEYGEM_SWEEP_SECONDS: the slot comes back soon after the lease ends.
    workers(HEYGEM_LEASE_SECONDS=2)
    # Long enough that the render is still running when we strike.
    text = " ".join(f"Sentence number {n} of a long lecture about the water cycle."
                    for n in range(25))  # fmt: skip
    job = services.job_create(owner=owner, text=text)

    worker, ffmpeg_pid = wait_for(lambda: stage_process(job.pk), timeout=120, every=0.05)
    os.kill(worker, signal.SIGKILL)
    os.kill(ffmpeg_pid, signal.SIGKILL)

    wait_for(lambda: finished([job.pk]), timeout=180, message="job never finished")
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.attempt == 0 and job.reclaims == 1  # the dead worker cost no attempt
    reclaimed = job.events.get(kind="reclaimed")
    assert "stopped answering" in reclaimed.message
    assert list(job.events.filter(kind="video_started").values_list("data__fence", flat=True)) == [
        1,
        2,
    ]
    streams = probe_streams(job_folder(job.pk) / "result.mp4")
    assert streams["audio"] == pytest.approx(job.audio_seconds, abs=0.2)
