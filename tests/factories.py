"""Jobs, slots and voices in any state, made directly (no engines run) for API and page tests."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from jobs.models import GpuSlot, Job, JobEvent
from voices.models import Voice

# Every byte value in order, so a test can tell which slice of a file it got.
RESULT_BYTES = bytes(range(256)) * 64


def make_job(
    owner, *, status=Job.Status.QUEUED, text="Hello there.", with_files=False, **fields
) -> Job:
    now = timezone.now()
    job = Job.objects.create(owner=owner, text=text, spoken_text=text, status=status, **fields)
    JobEvent.objects.create(job=job, kind="created", message="Job queued.")
    if with_files:
        folder = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "speech.wav").write_bytes(b"RIFF fake speech")
        job.speech_audio = f"jobs/{job.pk}/speech.wav"
        job.audio_seconds = 2.0
        if status == Job.Status.SUCCEEDED:
            (folder / "result.mp4").write_bytes(RESULT_BYTES)
            job.result_video = f"jobs/{job.pk}/result.mp4"
            job.progress = 100
            job.tts_started_at, job.tts_finished_at = (
                now - timedelta(seconds=9),
                now - timedelta(seconds=7),
            )
            job.render_started_at, job.render_finished_at = now - timedelta(seconds=6), now
            job.finished_at = now
        job.save()
    return job


def make_slot(name, *, stage="video", backend="dub", gpu="", **fields) -> GpuSlot:
    return GpuSlot.objects.create(name=name, stage=stage, backend=backend, gpu=gpu, **fields)


def make_voice(owner, name="Narrator", **fields) -> Voice:
    folder = Path(settings.MEDIA_ROOT) / "voices" / name.replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reference.wav").write_bytes(b"RIFF fake voice")
    return Voice.objects.create(
        owner=owner,
        name=name,
        audio=str((folder / "reference.wav").relative_to(settings.MEDIA_ROOT)),
        audio_sha256="0" * 64,
        duration_seconds=5.0,
        **fields,
    )
