"""A full media disk, for real: a small tmpfs as MEDIA_ROOT, filled up while a stage runs.

Needs permission to mount (root in the CI container); skipped, saying so, otherwise.
"""

import os
import subprocess
from pathlib import Path

import pytest

from jobs import services, stages
from jobs.models import GpuSlot, Job, JobEvent
from tests.conftest import job_folder

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = " ".join(["Today we measure how long the shadow of a stick is at noon."] * 4)


@pytest.fixture
def small_media(tmp_path, settings):
    """An 8 MiB tmpfs as the media store."""
    root = tmp_path / "small-media"
    root.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(root)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    settings.MEDIA_ROOT = root
    settings.HEYGEM = {**settings.HEYGEM, "SUBMIT_MIN_FREE_BYTES": 0, "RETRY_BACKOFF_SECONDS": 60}
    yield root
    subprocess.run(["umount", "-l", str(root)], check=True)


def fill(root: Path, *, leave: int) -> Path:
    """Fill the volume until only ``leave`` bytes are free."""
    filler = root / "filler"
    free = os.statvfs(root).f_bavail * os.statvfs(root).f_frsize
    with filler.open("ab") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


def run_next(enqueued) -> str:
    return stages.run_stage(*enqueued.pop(0))


def test_a_full_disk_fails_the_attempt_clearly_keeps_the_job_and_leaves_no_partial_file(
    owner, embedded_slots, small_media, enqueued
):
    stages.default_speaker()  # made while there is room
    job = services.job_create(owner=owner, text=TEXT)
    filler = fill(small_media, leave=100_000)  # espeak-ng's WAV needs more than this

    assert run_next(enqueued) == "disk full"  # espeak-ng itself exits 0 with a cut-off file
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempt == 1
    assert job.error.startswith("No space left on the media volume")
    assert "No space left on the media volume" in job.events.get(kind=JobEvent.Kind.RETRY).message
    assert sorted(p.name for p in job_folder(job.pk).iterdir()) == []  # no partial file
    tts = GpuSlot.objects.get(stage="tts")
    assert tts.lease_until is None and tts.healthy and tts.consecutive_failures == 0

    filler.unlink()  # an operator makes room: the same job runs on after its backoff
    Job.objects.filter(pk=job.pk).update(not_before=None)
    services.dispatch()
    assert run_next(enqueued) == "done"
    job.refresh_from_db()
    assert job.status == Job.Status.RENDERING and job.speech_audio  # bound at once

    fill(small_media, leave=20_000)  # the render's mp4 does not fit either
    assert run_next(enqueued) == "disk full"  # ffmpeg says so
    job.refresh_from_db()
    assert job.status == Job.Status.AUDIO_READY and job.attempt == 2  # the speech is kept
    assert "No space left on the media volume" in job.error
    assert sorted(p.name for p in job_folder(job.pk).iterdir()) == ["speech.wav"]
    video = GpuSlot.objects.get(stage="video")
    assert video.lease_until is None and video.healthy and video.consecutive_failures == 0
