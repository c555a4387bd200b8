"""A long lecture split over three fake GPU pairs by a real qcluster."""

import wave

import pytest

from jobs import services, stages
from jobs.models import GpuSlot, Job
from tests.conftest import job_folder, probe_streams, register_fake_pairs, wait_for
from tests.fakes import fake_gpu_pairs

pytestmark = pytest.mark.integration

LECTURE = "\n\n".join(
    " ".join(f"Part {n} makes point {p} in a plain sentence." for p in "abcd") for n in "abcdef"
)
SETTINGS = {"HEYGEM_SEGMENT_SECONDS": 10, "HEYGEM_RENDER_POLL_SECONDS": 0.1,
            "HEYGEM_RETRY_BACKOFF_SECONDS": 0}  # fmt: skip


@pytest.fixture
def segment_settings(settings):
    settings.HEYGEM = {**settings.HEYGEM, "SEGMENT_SECONDS": 10}


def ended(job) -> bool:
    return not Job.objects.filter(pk=job.pk, status__in=Job.LIVE_STATUSES).exists()


def wav_samples(path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes()


def test_a_lecture_renders_its_segments_on_three_gpus_and_joins_them(
    workers, tmp_path, owner, segment_settings
):
    with fake_gpu_pairs(tmp_path, 3, video_options={"render_seconds": 1.0}) as pairs:
        register_fake_pairs(pairs)
        stages.default_speaker()
        workers(**SETTINGS)
        job = services.job_create(owner=owner, text=LECTURE)
        wait_for(lambda: ended(job), timeout=150, message="the lecture never ended")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    segments = list(job.segments.order_by("segment_index").select_related("video_slot"))
    assert len(segments) % 3 == 0 and len(segments) >= 3
    assert len({s.video_slot.gpu for s in segments}) == 3  # rendered on every GPU
    assert len({s.tts_slot_id for s in segments}) >= 2  # and spoken on several
    # Each render started from where the earlier segments' speech ended.
    offset = 0.0
    for segment in segments:
        note = segment.events.get(kind="engine", message__startswith="Speaker video from")
        assert f"from {offset:.2f} s" in note.message
        offset += segment.audio_seconds
    speech = job_folder(job.pk) / "speech.wav"
    assert wav_samples(speech) == sum(
        wav_samples(job_folder(s.pk) / "speech.wav") for s in segments
    )
    streams = probe_streams(job_folder(job.pk) / "result.mp4")
    assert streams["video"] == pytest.approx(job.audio_seconds, abs=0.05)
    assert len(job.speech_timing) >= len(segments)
    # Every segment was padded to whole frames, so the join copied the pictures.
    assert "copied frame for frame" in job.events.get(kind="joined").message
    assert not GpuSlot.objects.filter(lease_until__isnull=False).exists()


def test_canceling_a_lecture_mid_render_stops_every_segment_and_frees_the_gpus(
    workers, tmp_path, owner, segment_settings
):
    with fake_gpu_pairs(tmp_path, 2, video_options={"render_seconds": 30}) as pairs:
        register_fake_pairs(pairs)
        stages.default_speaker()
        # A short lease: a running stage notices a cancel when it renews (a third of it).
        workers(HEYGEM_LEASE_SECONDS=6, **SETTINGS)
        job = services.job_create(owner=owner, text=LECTURE)
        wait_for(lambda: job.segments.filter(status=Job.Status.RENDERING).exists(), timeout=60,
                 message="no segment started rendering")  # fmt: skip
        assert services.job_cancel(job=job)

        assert set(job.segments.values_list("status", flat=True)) == {Job.Status.CANCELED}
        # Each segment's slot comes back as any canceled job's does: at the stage's next
        # renewal, or when the sweep finds its lease run out (issue 9's cancel work
        # makes that immediate for every job, segments included).
        wait_for(lambda: services.sweep() is not None and not GpuSlot.objects.filter(
                 lease_until__isnull=False).exists(), timeout=40, every=1,
                 message=f"a canceled segment kept its slot: {_leases()}")  # fmt: skip
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELED
    assert not job.events.filter(kind="join_started").exists()
    assert not (job_folder(job.pk) / "result.mp4").exists()


def _leases():
    rows = GpuSlot.objects.filter(lease_until__isnull=False).values_list("name", "fence")
    return [
        (
            name,
            fence,
            list(
                Job.objects.filter(fence=fence)
                .filter(tts_slot__name=name)
                .values_list("status", "segment_index")
            ),
        )
        for name, fence in rows
    ]
