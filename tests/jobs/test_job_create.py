from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from jobs import services
from jobs.idempotency import IdempotencyKeyReused
from jobs.models import Job
from tests.conftest import job_folder
from voices.models import Voice

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_it_creates_a_queued_job_with_its_spoken_text(owner):
    job = services.job_create(owner=owner, text="  Chapter 1 costs $5.  ")

    assert job.status == Job.Status.QUEUED
    assert job.text == "Chapter 1 costs $5."
    assert job.spoken_text and not any(ch.isdigit() for ch in job.spoken_text)
    assert list(job.events.values_list("kind", flat=True)) == ["created"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "must not be blank"),
        ("   \n\t ", "must not be blank"),
        ("x" * 20_001, "the limit is 20,000"),
    ],
)
def test_it_refuses_unusable_text_before_a_job_exists(owner, media_root, text, message):
    with pytest.raises(ValidationError) as err:
        services.job_create(owner=owner, text=text)

    assert message in str(err.value.message_dict["text"])
    assert Job.objects.count() == 0
    assert files_under(media_root) == []


def test_the_text_cap_is_configurable(owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "MAX_TEXT_CHARS": 10}

    with pytest.raises(ValidationError, match="the limit is 10"):
        services.job_create(owner=owner, text="eleven char")


def test_a_file_that_is_not_media_is_refused_and_removed(owner, media_root, tmp_path):
    fake = tmp_path / "speaker.mp4"
    fake.write_text("this is not a video at all")

    with pytest.raises(ValidationError) as err:
        services.job_create(owner=owner, text="Hello", video=fake)

    assert "not usable" in err.value.message_dict["video"][0]
    assert Job.objects.count() == 0
    assert files_under(media_root) == []


def test_an_audio_file_without_a_video_stream_is_refused(owner, media_root, audio_only):
    with pytest.raises(ValidationError) as err:
        services.job_create(owner=owner, text="Hello", video=audio_only)

    assert err.value.message_dict["video"] == ["The speaker file has no video stream."]
    assert Job.objects.count() == 0
    assert Voice.objects.count() == 0
    assert files_under(media_root) == []


def test_another_owners_voice_is_an_unknown_voice(owner, outsider):
    theirs = Voice.objects.create(owner=outsider, name="theirs", audio="x.wav", audio_sha256="0")

    with pytest.raises(ValidationError) as err:
        services.job_create(owner=owner, text="Hello", voice=theirs)

    assert err.value.message_dict["voice"] == ["Unknown voice."]
    assert Job.objects.count() == 0


def test_a_priority_out_of_range_is_refused(owner):
    with pytest.raises(ValidationError, match="between -10 and 10"):
        services.job_create(owner=owner, text="Hello", priority=11)


def test_a_speaker_video_with_audio_yields_the_jobs_reference_voice(owner, sample_video):
    job = services.job_create(owner=owner, text="Hello", video=sample_video)

    assert job.speaker_video.endswith("speaker.mp4")
    assert job.voice is not None and not job.voice.saved
    reference = job_folder(job.pk) / "reference.wav"
    assert reference.exists() and job.voice.audio.endswith("reference.wav")
    assert job.voice.duration_seconds == pytest.approx(4.0, abs=0.3)


def test_a_speaker_video_without_audio_is_accepted_with_the_default_voice(owner, silent_video):
    job = services.job_create(owner=owner, text="Hello", video=silent_video)

    assert job.voice is None
    messages = list(job.events.values_list("message", flat=True))
    assert "The speaker video has no audio track: default voice." in messages


def test_a_speaker_video_with_too_little_voice_speaks_with_the_default_voice(owner, media_dir):
    from tests.conftest import ffmpeg

    short = media_dir / "short.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2",
           "-f", "lavfi", "-i", "sine=frequency=220:duration=2", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest", short)  # fmt: skip

    job = services.job_create(owner=owner, text="Hello", video=short)

    assert job.voice is None
    message = job.events.get(kind="voice").message
    assert "a voice needs at least 3 s" in message and "default voice speaks" in message
    assert not (job_folder(job.pk) / "reference.wav").exists()


def test_a_hostile_file_name_is_never_used_as_a_path(owner, sample_video, media_root):
    class Upload:
        name = "../../etc/passwd;rm -rf.mp4"

        def chunks(self):
            yield sample_video.read_bytes()

    job = services.job_create(owner=owner, text="Hello", video=Upload())

    assert job.speaker_video == f"jobs/{job.pk}/speaker.mp4"
    assert all(media_root in p.parents for p in files_under(media_root))


def test_the_same_idempotency_key_and_request_return_the_same_job(owner):
    first = services.job_create(owner=owner, text="Hello", idempotency_key="abc")
    again = services.job_create(owner=owner, text="Hello", idempotency_key="abc")

    assert again.pk == first.pk
    assert Job.objects.count() == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(owner):
    services.job_create(owner=owner, text="Hello", idempotency_key="abc")

    with pytest.raises(IdempotencyKeyReused, match="different request"):
        services.job_create(owner=owner, text="Something else", idempotency_key="abc")
    assert Job.objects.count() == 1


def test_idempotency_keys_are_per_owner(owner, teammate):
    mine = services.job_create(owner=owner, text="Hello", idempotency_key="abc")
    theirs = services.job_create(owner=teammate, text="Hello", idempotency_key="abc")

    assert mine.pk != theirs.pk
