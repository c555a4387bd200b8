"""The Fish-Speech TTS client against the fake engine (ENGINES.md §3)."""

import threading
import time
import wave

import pytest

import normalization
from jobs.engines import EngineError, EngineUnavailable, LeaseLost, PreparedVoice, SpeechRequest
from jobs.engines.fish_speech import FishSpeechEngine

from .conftest import Beats, tts_slot

pytestmark = pytest.mark.django_db

FAKE_SECONDS_PER_CHAR = 0.06  # the fake speaks max(0.3, 0.06 × characters) seconds


def wav_seconds(path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def prepared(engine, inputs) -> PreparedVoice:
    return engine.prepare_voice(inputs["reference"], "", Beats())


def test_preparing_a_voice_uploads_it_into_origin_audio_and_keeps_the_engines_answer(fish, inputs):
    voice = prepared(FishSpeechEngine(tts_slot(fish).config()), inputs)

    [call] = fish.preprocess_calls
    assert set(call) == {"format", "reference_audio", "lang"} and call["format"] == "wav"
    reference = call["reference_audio"]
    assert reference.startswith("origin_audio/") and " " not in reference
    stem = reference.removeprefix("origin_audio/").removesuffix(".wav")
    assert voice.reference_audio == f"/code/data/origin_audio/format_denoise_{stem}.wav"
    assert voice.reference_text == "This is my reference voice."
    # The engine works from its processed copy; our upload is not left behind.
    assert sorted(p.name for p in (fish.data_dir / "origin_audio").iterdir()) == [
        f"format_denoise_{stem}.wav"
    ]


def test_a_long_reference_the_engine_splits_keeps_both_parts(fish, tmp_path):
    from tests.fakes import write_tone_wav

    long_reference = write_tone_wav(tmp_path / "long.wav", 25.0)

    voice = FishSpeechEngine(tts_slot(fish).config()).prepare_voice(long_reference)

    assert len(voice.reference_audio.split("|||")) == 2
    assert len(voice.reference_text.split("|||")) == 2


def test_a_preparation_that_fails_once_is_retried_within_the_stage(fish, inputs):
    fish.fail_next("preprocess_fail", "'NoneType' object has no attribute 'send'")

    voice = prepared(FishSpeechEngine(tts_slot(fish).config()), inputs)

    assert voice.reference_audio and len(fish.preprocess_calls) == 2


def test_a_preparation_answered_with_code_minus_1_is_an_error_with_the_engines_message(
    fish, inputs
):
    fish.fail_next("preprocess_fail", "Connection refused", times=2)

    with pytest.raises(EngineError) as failed:
        prepared(FishSpeechEngine(tts_slot(fish).config()), inputs)

    assert failed.value.engine_message == "Connection refused"
    assert "could not prepare the voice: Connection refused" in str(failed.value)
    assert "ASR service" in str(failed.value) and "(tried 2 times)" in str(failed.value)
    assert list((fish.data_dir / "origin_audio").iterdir()) == []


def test_a_reference_the_engine_cannot_see_points_at_the_data_dir(fish, inputs, tmp_path):
    elsewhere = tmp_path / "not-mounted"
    elsewhere.mkdir()

    with pytest.raises(EngineError) as failed:
        prepared(FishSpeechEngine(tts_slot(fish, data_dir=elsewhere).config()), inputs)

    assert "file not exists" in str(failed.value)
    assert f"is {elsewhere} the folder mounted at /code/data" in str(failed.value)


def test_synthesis_sends_the_prepared_reference_and_joins_the_parts_with_pauses(
    fish, inputs, tmp_path, settings
):
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    out = tmp_path / "speech.wav"
    chunks = ["Hello there, this is the first part.", "And this is the second."]

    timing = engine.synthesize(SpeechRequest(chunks=chunks, out_path=out, voice=voice), Beats())

    assert [body["text"] for body in fish.invocations] == chunks
    for body in fish.invocations:
        assert body["reference_audio"] == voice.reference_audio
        assert body["reference_text"] == voice.reference_text
        assert body["format"] == "wav" and body["streaming"] is False
    spoken = sum(FAKE_SECONDS_PER_CHAR * len(c) for c in chunks)
    pause = settings.HEYGEM["TTS_PAUSE_SECONDS"]
    assert wav_seconds(out) == pytest.approx(spoken + pause, abs=0.01)
    assert not list(tmp_path.glob("*.partial.wav"))
    # Each part's length as it lies in the file, its pause counted with it: the
    # subtitles' clock.
    assert [text for text, _ in timing] == chunks
    assert timing[0][1] == pytest.approx(FAKE_SECONDS_PER_CHAR * len(chunks[0]) + pause, abs=0.001)
    assert sum(seconds for _, seconds in timing) == pytest.approx(wav_seconds(out), abs=0.001)


def test_a_10000_character_script_is_spoken_in_sentence_sized_parts(fish, inputs, tmp_path):
    sentence = "The quick brown fox jumps over the lazy dog near the river bank. "
    script = (sentence * 160)[:10_000]
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    chunks = normalization.split_for_tts(script, engine.max_chunk_chars)
    out = tmp_path / "speech.wav"
    beats = Beats()

    engine.synthesize(SpeechRequest(chunks=chunks, out_path=out, voice=voice), beats)

    texts = [body["text"] for body in fish.invocations]
    assert len(texts) > 30 and all(len(t) <= engine.max_chunk_chars for t in texts)
    assert all(t.endswith(".") for t in texts[:-1])  # cut at sentence ends
    assert " ".join(texts).split() == script.split()
    assert wav_seconds(out) > FAKE_SECONDS_PER_CHAR * 9_000
    assert beats.figures == sorted(beats.figures) and beats.details[-1].startswith("Speech part")


def test_a_part_too_long_for_one_call_is_cut_at_sentence_ends_by_the_client(fish, inputs, tmp_path):
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    text = "First sentence here. " * 40

    engine.synthesize(
        SpeechRequest(chunks=[text], out_path=tmp_path / "s.wav", voice=voice), Beats()
    )

    texts = [body["text"] for body in fish.invocations]
    assert len(texts) >= 3 and all(len(t) <= 300 and t.endswith(".") for t in texts)


def test_read_timeouts_grow_with_the_text(fish, inputs, tmp_path, monkeypatch, settings):
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    timeouts, real = [], engine.http.request

    def spy(method, path, *, read_timeout, **kwargs):
        timeouts.append(read_timeout)
        return real(method, path, read_timeout=read_timeout, **kwargs)

    monkeypatch.setattr(engine.http, "request", spy)
    chunks = ["Short.", "A much longer sentence that takes the engine far more time to say."]
    engine.synthesize(SpeechRequest(chunks=chunks, out_path=tmp_path / "s.wav", voice=voice),
                      Beats())  # fmt: skip

    per_char = settings.HEYGEM["TTS_TIMEOUT_PER_CHAR_SECONDS"]
    assert timeouts[1] - timeouts[0] == pytest.approx(per_char * (len(chunks[1]) - len(chunks[0])))


def test_one_server_error_is_tried_again_in_place(fish, inputs, tmp_path):
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    fish.fail_next("http500")

    engine.synthesize(
        SpeechRequest(chunks=["Hello."], out_path=tmp_path / "s.wav", voice=voice), Beats()
    )

    assert len(fish.invocations) == 2 and (tmp_path / "s.wav").exists()


def test_a_server_error_that_persists_fails_with_the_engines_message(fish, inputs, tmp_path):
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    fish.fail_next("http500", times=2)

    with pytest.raises(EngineError) as failed:
        engine.synthesize(
            SpeechRequest(chunks=["Hello."], out_path=tmp_path / "s.wav", voice=voice), Beats()
        )

    assert "HTTP 500: Failed to generate speech" in str(failed.value)
    assert not (tmp_path / "s.wav").exists() and not list(tmp_path.glob("*.partial.wav"))


def test_a_slow_synthesis_keeps_the_lease_alive_and_a_cancel_stops_the_wait(fish, inputs, tmp_path):
    engine = FishSpeechEngine(tts_slot(fish).config())
    voice = prepared(engine, inputs)
    fish.fail_next("hang")
    beats = Beats(stop_after=2, error=LeaseLost)  # canceled after two heartbeats
    request = SpeechRequest(chunks=["Hello."], out_path=tmp_path / "s.wav", voice=voice)

    started = time.monotonic()
    with pytest.raises(LeaseLost):
        engine.synthesize(request, beats)

    assert time.monotonic() - started < 10  # did not wait for the hung engine
    assert len(beats.calls) == 3
    fish.release_hang()
    # The abandoned call ends on its own once the engine answers.
    deadline = time.monotonic() + 5
    while any(t.name == "engine-call" for t in threading.enumerate()):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_health_is_asked_with_post_and_a_marker_proves_the_data_dir(fish):
    FishSpeechEngine(tts_slot(fish).config()).probe()

    assert fish.health_calls == 1
    [marker] = fish.preprocess_calls
    assert marker["reference_audio"].startswith("origin_audio/studio-probe-")
    assert list((fish.data_dir / "origin_audio").iterdir()) == []  # marker cleaned up


def test_a_probe_reveals_a_data_dir_the_engine_does_not_see(fish, tmp_path):
    elsewhere = tmp_path / "not-mounted"
    elsewhere.mkdir()

    with pytest.raises(EngineUnavailable) as wrong:
        FishSpeechEngine(tts_slot(fish, data_dir=elsewhere).config()).probe()

    assert f"{elsewhere} is not the folder mounted at /code/data" in str(wrong.value)


def test_a_probe_of_a_stopped_engine_says_the_connection_was_refused(fish):
    slot = tts_slot(fish)
    fish.stop()

    with pytest.raises(EngineUnavailable) as down:
        FishSpeechEngine(slot.config()).probe()

    assert "connection refused" in str(down.value) and "/v1/health" in str(down.value)
