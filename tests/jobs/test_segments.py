"""A long job split into segments, run through the real stages (tasks inline)."""

import wave

import pytest

from jobs import media, services, subtitles
from jobs.models import Job
from tests.conftest import job_folder, probe_streams

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]

LECTURE = "\n\n".join(
    " ".join(f"Point {p} of part {n} is short and clear." for p in range(1, 5))
    for n in range(1, 7)
)


@pytest.fixture(autouse=True)
def short_segments(settings):
    settings.HEYGEM = {**settings.HEYGEM, "SEGMENT_SECONDS": 10, "RETRY_BACKOFF_SECONDS": 0}


def wav_samples(path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes()


def test_a_long_job_renders_in_segments_and_joins_into_one_video(owner, embedded_slots):
    job = services.job_create(owner=owner, text=LECTURE)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    segments = list(job.segments.order_by("segment_index"))
    assert len(segments) >= 3
    assert all(s.status == Job.Status.SUCCEEDED for s in segments)
    # The sound is the segments' speech end to end, to the sample.
    joined = job_folder(job.pk) / "speech.wav"
    assert wav_samples(joined) == sum(wav_samples(job_folder(s.pk) / "speech.wav") for s in segments)
    streams = probe_streams(job_folder(job.pk) / "result.mp4")
    assert streams["audio"] == pytest.approx(job.audio_seconds, abs=0.05)
    assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.05)
    assert job.progress == 100
    kinds = list(job.events.values_list("kind", flat=True))
    assert kinds[:2] == ["created", "segmented"] and kinds[-3:] == ["join_started", "joined", "succeeded"]
    cues = subtitles.cues(job.speech_timing)
    assert cues[-1].end == pytest.approx(job.audio_seconds, abs=0.01)
