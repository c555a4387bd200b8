"""The teacher in control, through real stage runs: lexicon entries change what the TTS
engine is asked to say, SSML breaks are silence of their length in the speech, and a job
under review waits for its owner before any render."""

import re
import subprocess
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jobs import services
from jobs.models import Job
from lexicons import services as lexicon_services
from tests.conftest import job_folder
from tests.fakes import FakeFishSpeech

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]


@pytest.fixture(autouse=True)
def no_backoff(settings):
    settings.HEYGEM = {**settings.HEYGEM, "RETRY_BACKOFF_SECONDS": 0}


@pytest.fixture
def fish(tmp_path):
    (tmp_path / "tts0" / "origin_audio").mkdir(parents=True)
    with FakeFishSpeech(tmp_path / "tts0") as fake:
        yield fake


@pytest.fixture
def fish_slots(fish):
    """Fish-Speech (the fake, which records every request) for speech, dub for video."""
    services.slot_create(name="gpu0-tts", stage="tts", backend="fish_speech", gpu="gpu0",
                         base_url=fish.url, data_dir=str(fish.data_dir))  # fmt: skip
    services.slot_create(name="local-video", stage="video", backend="dub")
    return fish


def spoken_to_engine(fish) -> str:
    return " ".join(body["text"] for body in fish.invocations if isinstance(body, dict))


def silences(path: Path, *, noise="-50dB", minimum=0.25) -> list[float]:
    """Lengths of the silent stretches in a WAV, by ffmpeg's silencedetect."""
    run = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path),
         "-af", f"silencedetect=noise={noise}:d={minimum}", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [float(x) for x in re.findall(r"silence_duration: ([\d.]+)", run.stderr)]


def speech_path(job: Job) -> Path:
    return job_folder(job.pk) / "speech.wav"


def test_lexicon_entries_change_what_the_tts_engine_is_asked_to_say(owner, fish_slots):
    site = lexicon_services.lexicon_of(owner=None)
    lexicon_services.entry_create(lexicon=site, grapheme="GPU", alias="graphics card")
    lexicon_services.entry_create(lexicon=site, grapheme="SQL", alias="S Q L")
    own = lexicon_services.lexicon_of(owner=owner)
    lexicon_services.entry_create(lexicon=own, grapheme="sql", alias="sequel")  # owner wins

    job = services.job_create(owner=owner, text="Our SQL server needs a GPU.")

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    said = spoken_to_engine(fish_slots)
    assert "sequel" in said and "graphics card" in said
    assert "SQL" not in said and "S Q L" not in said and "GPU" not in said
    assert job.lexicon_versions == {"site": 2, "own": 1}


def test_ssml_breaks_are_silence_of_their_length_between_the_chunks(owner, fish_slots):
    text = (
        '<speak>First we add.<break time="1500ms"/>Then we multiply.'
        '<break time="0.7s"/>And we are done.</speak>'
    )
    job = services.job_create(owner=owner, text=text)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert [body["text"] for body in fish_slots.invocations if isinstance(body, dict)] == [
        "First we add.", "Then we multiply.", "And we are done.",
    ]  # fmt: skip
    # The fake engine's parts are tones with no silence of their own: every silent
    # stretch in the file is one we made, as long as the break asked.
    assert silences(speech_path(job)) == [
        pytest.approx(1.5, abs=0.02),
        pytest.approx(0.7, abs=0.02),
    ]


def test_a_pause_before_the_first_words_and_after_the_last_is_in_the_speech(owner, fish_slots):
    text = '<speak><break time="1s"/>Hello there.<break time="600ms"/></speak>'
    job = services.job_create(owner=owner, text=text)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.speech_plan == [["", 1.0], ["Hello there.", 0.6]]
    assert silences(speech_path(job)) == [
        pytest.approx(1.0, abs=0.02),
        pytest.approx(0.6, abs=0.02),
    ]


def test_espeak_speaks_ssml_breaks_as_silence_too(owner, embedded_slots):
    text = '<speak>Look at this.<break time="2s"/>Now look again.</speak>'
    job = services.job_create(owner=owner, text=text)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    gaps = silences(speech_path(job), noise="-40dB", minimum=0.5)
    # espeak-ng ends a sentence with a little silence of its own; the break is on top.
    assert len(gaps) == 1 and 2.0 <= gaps[0] < 2.6
    plain = services.job_create(owner=owner, text="Look at this. Now look again.")
    assert silences(speech_path(plain), noise="-40dB", minimum=0.5) == []


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_review_before_render_end_to_end(owner, embedded_slots, settings, monkeypatch):
    settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": True}
    webhooks = []
    monkeypatch.setattr("jobs.services.events.async_task",
                        lambda task, job_id, event, **kw: webhooks.append(event))  # fmt: skip
    api = api_for(owner)

    created = api.post(
        "/api/v1/jobs/",
        {"text": "We use SQL daily.", "review": True, "callback_url": "http://127.0.0.1:9/hook"},
        format="json",
    )
    assert created.status_code == 201, created.json()

    # The speech is made, then the job stops: no render, no video slot.
    job = Job.objects.get()
    assert job.status == Job.Status.SPEECH_REVIEW and job.review
    assert speech_path(job).exists() and job.video_slot is None and not job.result_video
    assert job.render_started_at is None
    assert "job.speech_review" in webhooks
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "speech_review" and body["links"]["approve"]
    assert body["stage"] is None and body["queue_position"] is None
    assert api.get(f"/api/status/{job.pk}").json()["status"] == "processing"
    first_speech = speech_path(job).read_bytes()

    # The teacher fixes a reading in the lexicon and asks for the speech again.
    own = lexicon_services.lexicon_of(owner=owner)
    lexicon_services.entry_create(lexicon=own, grapheme="SQL", alias="sequel")
    respoken = api.post(f"/api/v1/jobs/{job.pk}/respeak/", {}, format="json")
    assert respoken.status_code == 200, respoken.json()
    job.refresh_from_db()
    assert job.status == Job.Status.SPEECH_REVIEW
    assert job.spoken_text == "We use sequel daily." and job.lexicon_versions["own"] == 1
    assert speech_path(job).read_bytes() != first_speech

    # Then edits the text itself.
    edited = api.post(f"/api/v1/jobs/{job.pk}/respeak/", {"text": "We use SQL every day."},
                      format="json")  # fmt: skip
    assert edited.status_code == 200
    job.refresh_from_db()
    assert job.text == "We use SQL every day." and job.spoken_text == "We use sequel every day."
    assert job.status == Job.Status.SPEECH_REVIEW and job.video_slot is None

    approved = api.post(f"/api/v1/jobs/{job.pk}/approve/")
    assert approved.status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job_folder(job.pk) / "result.mp4").exists()
    kinds = list(job.events.values_list("kind", flat=True))
    assert kinds.count("speech_review") == 3 and kinds.count("respoken") == 2
    assert kinds.index("approved") < kinds.index("video_started")
    assert api.post(f"/api/v1/jobs/{job.pk}/approve/").status_code == 409
    assert api.post(f"/api/v1/jobs/{job.pk}/respeak/", {}, format="json").status_code == 409


def test_a_users_default_puts_their_new_jobs_under_review(owner, embedded_slots):
    lexicon_services.speech_settings_update(user=owner, review_before_render=True)
    job = services.job_create(owner=owner, text="Hello.")
    job.refresh_from_db()
    assert job.review and job.status == Job.Status.SPEECH_REVIEW
    rendered = services.job_create(owner=owner, text="Hello.", review=False)
    rendered.refresh_from_db()
    assert rendered.status == Job.Status.SUCCEEDED


def test_canceling_a_job_under_review_ends_it(owner, embedded_slots):
    job = services.job_create(owner=owner, text="Hello.", review=True)
    job.refresh_from_db()
    assert services.job_cancel(job=job) and job.status == Job.Status.CANCELED
    assert not services.job_approve(job=job)
