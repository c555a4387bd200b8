"""A long job split into segments, run through the real stages (tasks inline)."""

import wave

import pytest

from jobs import selectors, services, subtitles
from jobs.engines import EngineError
from jobs.engines.dub import DubEngine
from jobs.models import Job
from tests.conftest import job_folder, probe_streams

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]

LECTURE = "\n\n".join(
    " ".join(f"Point {p} of part {n} is short and clear." for p in range(1, 5)) for n in range(1, 7)
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
    assert wav_samples(joined) == sum(
        wav_samples(job_folder(s.pk) / "speech.wav") for s in segments
    )
    streams = probe_streams(job_folder(job.pk) / "result.mp4")
    assert streams["audio"] == pytest.approx(job.audio_seconds, abs=0.05)
    assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.05)
    assert job.progress == 100
    kinds = list(job.events.values_list("kind", flat=True))
    assert kinds[:2] == ["created", "segmented"]
    assert kinds[-3:] == ["join_started", "joined", "succeeded"]
    cues = subtitles.cues(job.speech_timing)
    assert cues[-1].end == pytest.approx(job.audio_seconds, abs=0.01)


def test_a_segments_picture_and_the_joined_sound_are_made_while_it_waits(owner):
    """No video slot yet: while the segments wait for one, each later one's speaker video
    is cut and the joined sound encoded; the renders and the join then use them. The first
    segment's picture is the speaker video itself."""
    services.slot_create(name="local-tts", stage="tts", backend="espeak")
    job = services.job_create(owner=owner, text=LECTURE)
    segments = list(job.segments.order_by("segment_index"))
    assert {s.status for s in Job.objects.filter(parent=job)} == {Job.Status.AUDIO_READY}
    made = [p.name for s in segments for p in job_folder(s.pk).glob("speaker-from-*.mp4")]
    assert len(made) == len(segments) - 1
    assert not list(job_folder(segments[0].pk).glob("speaker-from-*.mp4"))
    assert len(list(job_folder(job.pk).glob("speech-*.m4a"))) == 1

    services.slot_create(name="local-video", stage="video", backend="dub")
    services.dispatch()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    cuts = [s.events.filter(message__contains="Speaker video from").get().message for s in segments]
    assert cuts[0].endswith("from 0.00 s, as uploaded: no cut needed."), cuts
    assert all(m.endswith("cut while the segment waited.") for m in cuts[1:]), cuts
    assert job.events.get(kind="joined").message.endswith("(encoded while they rendered).")
    streams = probe_streams(job_folder(job.pk) / "result.mp4")
    assert streams["audio"] == pytest.approx(job.audio_seconds, abs=0.05)
    assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.05)
    # What was made ahead is gone once used.
    leftovers = [p.name for s in [job, *segments] for p in job_folder(s.pk).iterdir()]
    assert not [name for name in leftovers if name.startswith(("speaker-from-", "speech-"))]


def test_a_failed_segment_is_retried_alone(owner, embedded_slots, monkeypatch):
    real_render = DubEngine.render
    failed = []

    def render_failing_segment_two_once(self, request, heartbeat):
        job = Job.objects.get(engine_code=request.code)
        if job.segment_index == 1 and not failed:
            failed.append(job.pk)
            raise EngineError("the GPU fell over")
        return real_render(self, request, heartbeat)

    monkeypatch.setattr(DubEngine, "render", render_failing_segment_two_once)
    job = services.job_create(owner=owner, text=LECTURE)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    segments = {s.segment_index: s for s in job.segments.all()}
    assert [s.attempt for _, s in sorted(segments.items())] == [
        1 if index == 1 else 0 for index in sorted(segments)
    ]
    again = segments[1]
    assert list(again.events.filter(kind__in=["tts_started", "video_started", "retry"])
                .values_list("kind", flat=True)) == ["tts_started", "video_started", "retry",
                                                     "video_started"]  # fmt: skip
    for index, segment in segments.items():  # nobody else ran anything twice
        if index != 1:
            assert segment.events.filter(kind="video_started").count() == 1


def test_canceling_a_segmented_job_cancels_every_segment(owner):
    job = services.job_create(owner=owner, text=LECTURE)  # no slots: nothing runs
    assert job.status == Job.Status.SEGMENTED
    assert services.job_cancel(job=job)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    assert set(job.segments.values_list("status", flat=True)) == {Job.Status.CANCELED}
    # Integrators and lists see one job.
    assert list(selectors.jobs_visible_to(owner)) == [job]


def test_a_text_that_cannot_be_split_still_renders_and_says_where_it_was_cut(owner, embedded_slots):
    text = " ".join(["and"] * 120 + ["then", "the", "lecture", "ends"] * 20)  # no pause at all
    job = services.job_create(owner=owner, text=text)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.segments.count() >= 2
    message = job.events.get(kind="segmented").message
    assert "between words" in message and "no sentence or comma pause" in message


def test_a_short_job_gets_subtitles_timed_by_its_speech_and_can_burn_them(owner, embedded_slots):
    job = services.job_create(owner=owner, text="A short job. It has two sentences.",
                              burn_subtitles=True)  # fmt: skip

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert not job.segments.exists()
    assert job.speech_timing[0][0].startswith("A short job.")
    assert sum(s for _, s in job.speech_timing) == pytest.approx(job.audio_seconds, abs=0.001)
    streams = probe_streams(job_folder(job.pk) / "result.mp4")
    assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.1)
