"""Queue position and ETA, from measured slot speeds or sensible defaults."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs import selectors
from jobs.models import Job
from tests.factories import make_job, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def slots():
    make_slot("tts-a", stage="tts", backend="espeak", seconds_per_audio_second=0.1)
    return make_slot("video-a", stage="video", backend="dub", seconds_per_audio_second=1.0)


def eta(job):
    job.refresh_from_db()
    position = selectors.job_queue_position(job)
    return selectors.job_eta_seconds(job, position=position, speeds=selectors.stage_speeds())


def test_a_job_further_back_in_the_queue_waits_longer(owner, slots):
    first, second = make_job(owner, text="a" * 140), make_job(owner, text="a" * 140)
    assert selectors.job_queue_position(first) == 1
    assert selectors.job_queue_position(second) == 2
    assert eta(second) > eta(first) > 0


def test_more_slots_shorten_the_wait(owner, slots):
    jobs = [make_job(owner, text="a" * 140) for _ in range(4)]
    alone = eta(jobs[-1])
    # Renders (11 s each) are the bottleneck here, speech (2 s) is not: another speech
    # slot changes nothing, another video slot shortens the wait.
    make_slot("tts-b", stage="tts", backend="espeak", seconds_per_audio_second=0.1)
    assert eta(jobs[-1]) == alone
    make_slot("video-b", stage="video", backend="dub", seconds_per_audio_second=1.0)
    assert eta(jobs[-1]) < alone


def test_the_jobs_ahead_count_with_their_own_lengths(owner, slots):
    long_ahead = make_job(owner, text="a" * 1400)  # 100 s of speech
    short = make_job(owner, text="a" * 14)
    assert eta(short) > eta(long_ahead) > 100


def test_a_rendering_job_counts_down_from_its_measured_speed(owner, slots):
    started = timezone.now() - timedelta(seconds=6)
    job = make_job(
        owner, status=Job.Status.RENDERING, audio_seconds=10.0, render_started_at=started
    )
    # 1 s of render per audio second, plus a second's overhead, 6 s already spent.
    assert eta(job) == 5


def test_an_unmeasured_slot_uses_its_backends_default_speed(owner):
    make_slot(
        "video-a", stage="video", backend="heygem", base_url="http://127.0.0.1:1", data_dir="/tmp/x"
    )
    job = make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=10.0)
    assert eta(job) == int(selectors.DEFAULT_SPEED["heygem"] * 10 + 1)


def test_no_eta_without_a_slot_to_run_the_job_or_after_it_ended(owner):
    assert eta(make_job(owner)) is None
    make_slot("video-a")
    assert eta(make_job(owner, status=Job.Status.SUCCEEDED)) is None
