"""Voices as the cloning TTS sees them: prepared once per slot, a default, saved from a job."""

import pytest
from django.core.exceptions import ValidationError

from jobs import services
from jobs.engines.fish_speech import FishSpeechEngine
from jobs.models import Job
from tests.fakes import FakeFishSpeech, write_tone_wav
from voices import services as voice_services
from voices.models import Voice, VoicePreparation

from .conftest import Beats, tts_slot


@pytest.fixture
def voice(owner, media_root):
    folder = media_root / "voices" / "mine"
    reference = voice_services.reference_extract(
        source=write_tone_wav(folder / "upload.wav", 8.0), name="voices/mine/reference.wav"
    )
    return voice_services.voice_create(owner=owner, name="Mine", reference=reference)


@pytest.fixture
def second_fish(tmp_path):
    (tmp_path / "tts1" / "origin_audio").mkdir(parents=True)
    with FakeFishSpeech(tmp_path / "tts1") as fake:
        yield fake


def prepare(voice, slot):
    return voice_services.voice_prepare(
        voice=voice, slot=slot, engine=FishSpeechEngine(slot.config()), heartbeat=Beats()
    )


@pytest.mark.django_db
def test_a_voice_is_prepared_once_per_tts_slot(voice, fish, second_fish):
    first, second = tts_slot(fish, "gpu0-tts"), tts_slot(second_fish, "gpu1-tts")

    for _ in range(3):
        prepare(voice, first)
    prepare(voice, second)

    assert len(fish.preprocess_calls) == 1 and len(second_fish.preprocess_calls) == 1
    assert VoicePreparation.objects.filter(voice=voice).count() == 2


@pytest.mark.django_db
def test_a_transcript_the_user_typed_replaces_the_engines_guess(voice, fish):
    voice.reference_text = "Hello, this is my real voice."
    voice.save()

    prepared = prepare(voice, tts_slot(fish, "gpu0-tts"))

    assert prepared.reference_text == "Hello, this is my real voice."
    assert fish.transcript != prepared.reference_text  # the fake's ASR said something else


@pytest.mark.django_db
def test_a_recording_the_engine_split_keeps_the_engines_texts(owner, media_root, fish):
    folder = media_root / "voices" / "long"
    reference = voice_services.reference_extract(
        source=write_tone_wav(folder / "upload.wav", 25.0), name="voices/long/reference.wav"
    )
    long = voice_services.voice_create(owner=owner, name="Long", reference=reference, text="Hi.")

    prepared = prepare(long, tts_slot(fish, "gpu0-tts"))

    assert prepared.reference_text.count("|||") == 1 == prepared.reference_audio.count("|||")


@pytest.mark.django_db
def test_a_voice_whose_audio_changed_is_prepared_again(voice, fish, media_root):
    slot = tts_slot(fish)
    prepare(voice, slot)
    new_audio = write_tone_wav(media_root / voice.audio, 12.0)
    voice.audio_sha256 = voice_services.file_sha256(new_audio)
    voice.save()

    again = prepare(voice, slot)

    assert len(fish.preprocess_calls) == 2
    assert VoicePreparation.objects.get(voice=voice).reference_audio == again.reference_audio


@pytest.mark.django_db
def test_a_preparation_whose_files_the_engine_lost_is_made_again(voice, fish):
    slot = tts_slot(fish)
    prepare(voice, slot)
    for path in (fish.data_dir / "origin_audio").iterdir():
        path.unlink()  # an operator wiped the TTS volume

    prepare(voice, slot)

    assert len(fish.preprocess_calls) == 2


@pytest.mark.django_db
def test_the_default_voice_is_made_once_and_remade_if_its_file_goes(media_root):
    voice = voice_services.voice_default()
    assert voice.owner is None and voice.name == "default"
    assert 5 <= voice.duration_seconds <= 30  # a length cloning engines handle well
    assert voice.reference_text.startswith("Hello, and welcome.")

    assert voice_services.voice_default().pk == voice.pk
    (media_root / voice.audio).unlink()
    again = voice_services.voice_default()

    assert again.pk == voice.pk and (media_root / again.audio).is_file()
    assert Voice.objects.filter(owner=None, name="default").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks")
def test_jobs_without_a_voice_speak_with_the_default_voice_prepared_once(
    owner, fish, heygem, settings
):
    from .conftest import video_slot

    settings.HEYGEM = {**settings.HEYGEM, "RENDER_POLL_SECONDS": 0.05}
    slot = tts_slot(fish)
    video_slot(heygem)

    jobs = [services.job_create(owner=owner, text=f"Job number {n}.") for n in (1, 2)]

    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.error
    [preparation] = VoicePreparation.objects.filter(slot=slot)
    assert preparation.voice.name == "default" and preparation.voice.owner is None
    assert len(fish.preprocess_calls) == 1 and len(fish.invocations) == 2
    assert {body["reference_audio"] for body in fish.invocations} == {preparation.reference_audio}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks")
def test_the_voice_of_a_jobs_speaker_video_can_be_saved_for_reuse(
    owner, embedded_slots, sample_video, media_root
):
    job = services.job_create(owner=owner, text="Keep my voice.", video=sample_video)
    job.refresh_from_db()
    assert job.voice is not None and not job.voice.saved

    saved = voice_services.voice_save_from_job(job=job, name="Lecture voice")

    assert saved.saved and saved.name == "Lecture voice" and saved.owner == owner
    assert saved.audio.startswith("voices/") and (media_root / saved.audio).is_file()
    assert list(Voice.objects.filter(owner=owner, saved=True)) == [saved]
    with pytest.raises(ValidationError) as twice:
        voice_services.voice_save_from_job(job=job, name="Again")
    assert "job" in twice.value.message_dict


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks")
def test_a_job_without_a_voice_of_its_own_has_nothing_to_save(owner, embedded_slots):
    job = services.job_create(owner=owner, text="No speaker video.")

    with pytest.raises(ValidationError) as nothing:
        voice_services.voice_save_from_job(job=job, name="Nothing")

    assert "no voice of its own" in nothing.value.message_dict["job"][0]
