"""Real `manage.py workers` driving three fake GPU pairs (HeyGem video + Fish-Speech TTS each)."""

from collections import defaultdict

import pytest

from jobs import services, stages
from jobs.models import GpuSlot, Job
from tests.conftest import job_folder, register_fake_pairs, sha256, wait_for
from tests.fakes import fake_gpu_pairs, write_tone_wav
from voices import services as voice_services
from voices.models import Voice, VoicePreparation

pytestmark = pytest.mark.integration


@pytest.fixture
def gpu_box(tmp_path):
    """Three fake GPU pairs registered as six slots, like the seed's box."""
    with fake_gpu_pairs(tmp_path, 3, video_options={"render_seconds": 0.3}) as pairs:
        register_fake_pairs(pairs)
        yield pairs


def saved_voice(owner, name, media_root, seconds) -> Voice:
    folder = media_root / "voices" / name
    source = write_tone_wav(folder / "upload.wav", seconds)
    reference = voice_services.reference_extract(source=source, name=f"voices/{name}/ref.wav")
    return voice_services.voice_create(owner=owner, name=name, reference=reference)


def finished(job_ids) -> bool:
    return not Job.objects.filter(pk__in=job_ids, status__in=Job.LIVE_STATUSES).exists()


def test_twelve_jobs_spread_over_three_gpu_pairs_all_succeed(
    workers, gpu_box, owner, sample_video, media_root, written_results
):
    voices = [saved_voice(owner, "Ada", media_root, 7), saved_voice(owner, "Ben", media_root, 9)]
    stages.default_speaker()  # made once here rather than raced for by six workers
    workers(HEYGEM_RENDER_POLL_SECONDS=0.1, HEYGEM_RETRY_BACKOFF_SECONDS=0)

    jobs = []
    for n in range(12):
        voice, video = [(voices[0], None), (voices[1], None), (None, None),
                        (None, sample_video)][n % 4]  # fmt: skip
        jobs.append(services.job_create(
            owner=owner, text=f"Lesson {n + 1}. We count to {n + 3} today.",
            voice=voice, video=video,
        ))  # fmt: skip
    ids = [job.pk for job in jobs]
    wait_for(lambda: finished(ids), timeout=80, message="jobs still running after 80 s")

    jobs = list(Job.objects.filter(pk__in=ids).select_related("video_slot", "tts_slot"))
    for job in jobs:
        assert job.status == Job.Status.SUCCEEDED, (job.pk, job.error)
        assert job.attempt == 0 and job.progress == 100
        # The result is the very file the job's engine wrote, copied back.
        result = job_folder(job.pk) / "result.mp4"
        assert sha256(result) == written_results[job.engine_code]
    assert {job.video_slot.gpu for job in jobs} == {"gpu0", "gpu1", "gpu2"}

    assert_inputs_went_to_the_engine_of_each_jobs_slot(gpu_box, jobs)
    assert_nothing_is_left_in_the_engines_folders(gpu_box)
    assert_each_voice_was_prepared_once_per_tts_slot(gpu_box, jobs)
    assert not GpuSlot.objects.filter(lease_until__isnull=False).exists()


def assert_inputs_went_to_the_engine_of_each_jobs_slot(pairs, jobs):
    by_gpu = defaultdict(list)
    for job in jobs:
        by_gpu[job.video_slot.gpu].append(job.engine_code)
    for i, pair in enumerate(pairs):
        submitted = pair.video.submissions
        assert sorted(body["code"] for body in submitted) == sorted(by_gpu[f"gpu{i}"])
        for body in submitted:  # bare, unique names in this engine's own temp folder
            assert body["audio_url"] == f"{body['code']}.wav"
            assert body["video_url"] == f"{body['code']}.mp4"


def assert_render_files_are_removed(pairs):
    # A render's engine files go right after its outcome is recorded, so the last job
    # may be seen succeeded a moment before its files are gone.
    wait_for(
        lambda: all(not any((pair.video_data_dir / "temp").iterdir()) for pair in pairs),
        timeout=5,
        message="a render's files stayed in its engine's temp folder",
    )


def assert_nothing_is_left_in_the_engines_folders(pairs):
    assert_render_files_are_removed(pairs)
    for pair in pairs:
        # Only the engine's processed references stay: they are what later jobs use.
        kept = {p.name for p in (pair.tts_data_dir / "origin_audio").iterdir()}
        assert all(name.startswith("format_denoise_") for name in kept)


def assert_each_voice_was_prepared_once_per_tts_slot(pairs, jobs):
    default = Voice.objects.get(owner=None, name="default")
    for i, pair in enumerate(pairs):
        slot_jobs = [job for job in jobs if job.tts_slot.gpu == f"gpu{i}"]
        voices_used = {job.voice_id or default.pk for job in slot_jobs}
        prepared = VoicePreparation.objects.filter(slot__name=f"gpu{i}-tts")
        assert set(prepared.values_list("voice_id", flat=True)) == voices_used
        assert len(pair.tts.preprocess_calls) == len(voices_used)
        assert len(pair.tts.invocations) == len(slot_jobs)


def test_a_render_whose_cluster_died_is_resumed_without_a_second_submit(workers, tmp_path, owner):
    with fake_gpu_pairs(tmp_path, 1, video_options={"render_seconds": 6}) as [pair]:
        register_fake_pairs([pair])
        settings = {"HEYGEM_LEASE_SECONDS": 2, "HEYGEM_RENDER_POLL_SECONDS": 0.1}
        first = workers(**settings)
        job = services.job_create(owner=owner, text="Do not lose me.")
        wait_for(lambda: pair.video.busy, timeout=60, message="the render never started")

        first.kill()  # the whole box's workers die mid-render
        workers(**settings)  # its sweep finds the lease expired and hands the render on
        wait_for(lambda: finished([job.pk]), timeout=60, message="the resumed render never ended")

        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.error
        assert job.attempt == 0 and len(pair.video.submissions) == 1
        assert job.events.filter(kind="video_resumed").exists()
        assert_render_files_are_removed([pair])
