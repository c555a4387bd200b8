"""The fake engines keep the contracts of ENGINES.md §2 (video) and §3 (TTS), over real HTTP."""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
import wave

import pytest
import requests

from tests.fakes import FakeFishSpeech, FakeHeyGem, fake_gpu_pairs
from tests.fakes.media import make_test_video, media_seconds, write_tone_wav

RENDER = 0.2
ACCEPTED = b'{\n    "code": 10000,\n    "data": {},\n    "msg": 10000,\n    "success": true\n}'
BUSY = (
    '{\n    "code": 10001,\n    "data": {},\n    "msg": "忙碌中",\n    "success": true\n}'
).encode()
NOT_FOUND_TASK = {"code": 10004, "data": {}, "msg": "任务不存在", "success": True}


@pytest.fixture(autouse=True)
def media_root():
    """Shadows the project's autouse fixture: the fakes need no Django, so these tests also
    run with ``-p no:django``."""


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Every server, handler and render thread a test starts is gone once its fakes stop."""
    before = set(threading.enumerate())
    yield
    leaked = [t.name for t in threading.enumerate() if t not in before]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    """Inputs made once: a 1 s template video and a 1.6 s speech track."""
    folder = tmp_path_factory.mktemp("fake-engine-media")
    return {
        "video": make_test_video(folder / "face.mp4", 1.0, audio=False),
        "audio": write_tone_wav(folder / "speech.wav", 1.6),
    }


@pytest.fixture
def engine(tmp_path, media):
    """A video engine whose temp/ holds face.mp4 and speech.wav."""
    with FakeHeyGem(tmp_path / "gpu0", render_seconds=RENDER) as fake:
        shutil.copy(media["video"], fake.data_dir / "temp" / "face.mp4")
        shutil.copy(media["audio"], fake.data_dir / "temp" / "speech.wav")
        yield fake


def submit(engine, **fields):
    body = {"audio_url": "speech.wav", "video_url": "face.mp4", "code": "job-1", **fields}
    return requests.post(f"{engine.url}/easy/submit", json=body, timeout=5)


def query(engine, code="job-1"):
    return requests.get(f"{engine.url}/easy/query", params={"code": code}, timeout=5).json()


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not true within {timeout} s"
        time.sleep(0.02)


def poll(engine, code="job-1", timeout=15.0):
    """Every answer up to and including the terminal one."""
    answers, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        answers.append(query(engine, code))
        if answers[-1]["code"] != 10000 or answers[-1]["data"]["status"] != 1:
            return answers
        time.sleep(0.02)
    raise AssertionError(f"still running after {timeout} s: {answers[-1]}")


# ----- video engine: submit ---------------------------------------------------------------


def test_submit_accepts_with_the_exact_bytes_and_msg_as_a_number(engine):
    response = submit(engine)

    assert response.status_code == 200
    assert response.content == ACCEPTED
    assert response.json()["msg"] == 10000
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.raw.version == 10  # HTTP/1.0, like Werkzeug without threads
    assert engine.submissions == [
        {"audio_url": "speech.wav", "video_url": "face.mp4", "code": "job-1"}
    ]
    poll(engine)


def test_submit_while_rendering_answers_busy_with_the_exact_bytes(engine):
    submit(engine)

    response = submit(engine, code="job-2")

    assert response.content == BUSY
    poll(engine)
    assert submit(engine, code="job-3").content == ACCEPTED  # idle again once done


@pytest.mark.parametrize("missing", ["audio_url", "video_url", "code"])
def test_submit_without_a_field_answers_10002(engine, missing):
    body = {"audio_url": "speech.wav", "video_url": "face.mp4", "code": "c"}
    for value in (None, ""):
        if value is None:
            body.pop(missing)
        else:
            body[missing] = value
        answer = requests.post(f"{engine.url}/easy/submit", json=body, timeout=5).json()
        assert answer == {"code": 10002, "data": {}, "msg": f"{missing}参数缺失", "success": False}


def test_submit_parses_the_body_as_json_whatever_the_content_type(engine):
    body = json.dumps({"audio_url": "speech.wav", "video_url": "face.mp4", "code": "job-1"})
    headers = {"Content-Type": "text/plain"}
    response = requests.post(f"{engine.url}/easy/submit", data=body, headers=headers, timeout=5)

    assert response.content == ACCEPTED
    poll(engine)


def test_a_body_that_is_not_json_gets_flasks_500_page(engine):
    response = requests.post(f"{engine.url}/easy/submit", data=b"audio_url=x", timeout=5)

    assert response.status_code == 500
    assert "<title>500 Internal Server Error</title>" in response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_wrong_methods_get_405_and_unknown_paths_404(engine):
    get_submit = requests.get(f"{engine.url}/easy/submit", timeout=5)
    assert get_submit.status_code == 405
    assert "<title>405 Method Not Allowed</title>" in get_submit.text
    assert requests.post(f"{engine.url}/easy/query", timeout=5).status_code == 405
    assert requests.get(f"{engine.url}/easy/health", timeout=5).status_code == 404


def test_an_unhashable_code_answers_10003_and_a_numeric_body_9999(engine):
    lock_error = submit(engine, code=["x"]).json()
    assert (lock_error["code"], lock_error["msg"]) == (10003, "获取锁异常")
    odd = requests.post(f"{engine.url}/easy/submit", data=b"5", timeout=5).json()
    assert (odd["code"], odd["msg"], odd["success"]) == (9999, "系统异常", False)


# ----- video engine: query and result -----------------------------------------------------


def test_query_for_an_unknown_or_missing_code_answers_10004(engine):
    assert query(engine, "nobody") == NOT_FOUND_TASK
    missing = requests.get(f"{engine.url}/easy/query", timeout=5).json()
    assert missing == NOT_FOUND_TASK
    assert engine.queries == 2


def test_a_render_climbs_to_20_then_answers_the_result_once(engine):
    started = time.monotonic()
    submit(engine)

    answers = poll(engine)

    assert time.monotonic() - started >= RENDER
    running = [a["data"] for a in answers[:-1]]
    assert all(d["status"] == 1 and d["result"] == "" for d in running)
    assert {(d["progress"], d["msg"]) for d in running} <= {
        (0, ""),
        (5, "文件下载完成"),
        (20, "音频特征提取完成"),
        (90, "视频处理完成"),
    }
    assert (20, "音频特征提取完成") in {(d["progress"], d["msg"]) for d in running}
    done = answers[-1]
    assert (done["code"], done["msg"], done["success"]) == (10000, "", True)
    assert done["data"]["code"] == "job-1"
    assert done["data"]["status"] == 2
    assert done["data"]["progress"] == 100
    assert done["data"]["msg"] == "任务完成"
    assert done["data"]["result"] == "/job-1-r.mp4"
    assert (done["data"]["width"], done["data"]["height"]) == (160, 120)
    assert done["data"]["video_duration"] == pytest.approx(1600, abs=100)
    assert done["data"]["cost"] >= RENDER
    assert query(engine) == NOT_FOUND_TASK  # delivered once, then deleted


def test_the_result_matches_the_audio_and_the_intermediate_is_left(engine):
    submit(engine)
    poll(engine)

    temp = engine.data_dir / "temp"
    result = temp / "job-1-r.mp4"
    assert media_seconds(result, "audio") == pytest.approx(1.6, abs=0.1)
    assert media_seconds(result, "video") == pytest.approx(1.6, abs=0.1)
    assert (temp / "job-1-t.mp4").exists()


def test_intermediates_can_be_swept(engine):
    engine.keep_intermediates = False
    submit(engine)
    poll(engine)

    assert sorted(p.name for p in (engine.data_dir / "temp").iterdir()) == [
        "face.mp4",
        "job-1-r.mp4",
        "speech.wav",
    ]


def test_absolute_container_paths_resolve_into_the_data_dir(engine):
    submit(engine, audio_url="/code/data/temp/speech.wav", video_url="/code/data/temp/face.mp4")

    assert poll(engine)[-1]["data"]["status"] == 2


@pytest.mark.parametrize("audio_url", ["http://127.0.0.1:9/speech.wav", "/home/me/speech.wav"])
def test_urls_and_paths_outside_the_volume_fail_with_the_duration_error(engine, audio_url):
    submit(engine, audio_url=audio_url)

    answers = poll(engine)

    failed = answers[-1]["data"]
    assert (failed["status"], failed["progress"], failed["result"]) == (3, 0, "")
    assert failed["msg"] == "三次获取音频时长失败"
    assert query(engine) == NOT_FOUND_TASK


@pytest.mark.parametrize("video_url", ["temp/face.mp4", "missing.mp4", "d:/test/face.mp4"])
def test_missing_files_are_accepted_then_fail_with_format_video_error(engine, video_url):
    assert submit(engine, video_url=video_url).content == ACCEPTED

    failed = poll(engine)[-1]["data"]

    assert failed["status"] == 3
    assert failed["msg"] == "[job-1]预处理失败，异常信息:[format video error]"


def test_a_numeric_code_can_never_be_found(engine):
    submit(engine, code=123)

    assert query(engine, "123") == NOT_FOUND_TASK
    wait_until(lambda: not engine.busy)
    assert query(engine, "123") == NOT_FOUND_TASK  # finished, and still not found


# ----- video engine: failures on demand ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "msg", "expected"),
    [
        ("status3", None, "**生成视频失败"),
        ("status3", "CUDA out of memory", "CUDA out of memory"),
        ("multi_face", None, "存在多人脸"),
    ],
)
def test_failed_tasks_answer_status_3_once(engine, kind, msg, expected):
    engine.fail_next(kind, msg)
    submit(engine)

    failed = poll(engine)[-1]

    assert failed["data"] == {
        "code": "job-1",
        "msg": expected,
        "progress": 0,
        "result": "",
        "status": 3,
    }
    assert query(engine) == NOT_FOUND_TASK
    assert not (engine.data_dir / "temp" / "job-1-r.mp4").exists()


def test_a_hung_render_stays_busy_at_20_until_released(engine):
    engine.fail_next("hang")
    submit(engine)
    wait_until(lambda: query(engine)["data"]["progress"] == 20)
    time.sleep(RENDER)  # past the whole render time, and still

    stuck = query(engine)["data"]
    assert (stuck["status"], stuck["progress"]) == (1, 20)
    assert submit(engine, code="job-2").content == BUSY

    engine.release_hang()
    assert poll(engine)[-1]["data"]["status"] == 2


def test_a_crash_loses_the_task_and_writes_nothing(engine):
    engine.fail_next("crash")
    submit(engine)

    assert poll(engine)[-1] == NOT_FOUND_TASK
    time.sleep(RENDER)
    assert not (engine.data_dir / "temp" / "job-1-r.mp4").exists()
    assert submit(engine, code="job-2").content == ACCEPTED  # the "restarted" engine is idle
    poll(engine, "job-2")


def test_a_crash_after_the_result_loses_the_task_but_leaves_the_file(engine):
    engine.fail_next("crash_after_result")
    submit(engine)
    result = engine.data_dir / "temp" / "job-1-r.mp4"

    wait_until(lambda: result.exists() and not engine.busy)

    assert query(engine) == NOT_FOUND_TASK
    assert media_seconds(result, "audio") == pytest.approx(1.6, abs=0.1)


def test_error9999_and_busy_apply_to_one_request_each(engine):
    engine.fail_next("error9999")
    engine.fail_next("busy")

    assert query(engine, "x") == {"code": 9999, "data": {}, "msg": "系统异常", "success": False}
    assert query(engine, "x") == NOT_FOUND_TASK
    assert submit(engine).content == BUSY
    assert submit(engine).content == ACCEPTED
    poll(engine)


def test_restart_forgets_everything_but_the_tests_bookkeeping(engine):
    submit(engine)
    engine.restart()

    assert query(engine) == NOT_FOUND_TASK
    assert not engine.busy
    assert len(engine.submissions) == 1
    time.sleep(RENDER)
    assert not (engine.data_dir / "temp" / "job-1-r.mp4").exists()


def test_unknown_failures_are_refused(engine):
    with pytest.raises(ValueError):
        engine.fail_next("explode")


def test_render_seconds_can_change_between_tasks(engine):
    engine.render_seconds = 0.6
    started = time.monotonic()
    submit(engine)
    poll(engine)

    assert time.monotonic() - started >= 0.6


def test_stop_is_prompt_during_a_hang_and_start_serves_the_same_port(engine):
    engine.fail_next("hang")
    submit(engine)
    port = engine.port

    started = time.monotonic()
    engine.stop()
    assert time.monotonic() - started < 2
    with pytest.raises(requests.ConnectionError):
        query(engine)

    engine.start()
    assert engine.port == port
    assert query(engine) == NOT_FOUND_TASK  # a restarted container remembers nothing


# ----- TTS engine -------------------------------------------------------------------------


@pytest.fixture
def tts(tmp_path):
    with FakeFishSpeech(tmp_path / "tts0") as fake:
        (fake.data_dir / "origin_audio").mkdir(parents=True)
        yield fake


def post(fake, path, body, **kwargs):
    return requests.post(f"{fake.url}{path}", json=body, timeout=10, **kwargs)


def prepare(tts, name="voice.wav"):
    body = {"format": "wav", "reference_audio": f"origin_audio/{name}", "lang": "zh"}
    return post(tts, "/v1/preprocess_and_tran", body)


def invoke(tts, text="Hello there.", **fields):
    ref = "/code/data/origin_audio/format_denoise_voice.wav"
    body = {"text": text, "format": "wav", "reference_audio": ref,
            "reference_text": "This is my reference voice.", **fields}  # fmt: skip
    return post(tts, "/v1/invoke", body)


def wait_for_invocation(tts):
    """Until the fake holds an invoke (it records the body once it has the server)."""
    wait_until(lambda: tts.invocations)


def read_wav(data: bytes):
    with wave.open(io.BytesIO(data)) as wav:
        params = wav.getparams()
        return params, params.nframes / params.framerate


def test_health_answers_post_only(tts):
    ok = requests.post(f"{tts.url}/v1/health", timeout=5)
    assert (ok.status_code, ok.json()) == (200, {"status": "ok"})
    assert ok.headers["Content-Type"] == "application/json"

    refused = requests.get(f"{tts.url}/v1/health", timeout=5)
    assert refused.status_code == 405
    assert refused.json() == {
        "statusCode": 405,
        "message": "Method Not Allowed",
        "error": "Method Not Allowed",
    }
    assert tts.health_calls == 1


def test_preprocess_writes_the_denoised_copy_and_answers_its_container_path(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 3.0)

    answer = prepare(tts)

    assert answer.status_code == 200
    assert answer.json() == {
        "code": 0,
        "msg": "success",
        "reference_audio_text": "This is my reference voice.",
        "asr_format_audio_url": "/code/data/origin_audio/format_denoise_voice.wav",
    }
    assert (tts.data_dir / "origin_audio" / "format_denoise_voice.wav").exists()
    assert tts.preprocess_calls[0]["reference_audio"] == "origin_audio/voice.wav"


def test_preprocess_takes_the_transcript_from_a_sidecar(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 3.0)
    (tts.data_dir / "origin_audio" / "voice.txt").write_text("marker-42 speaking\n")

    assert prepare(tts).json()["reference_audio_text"] == "marker-42 speaking"


def test_long_references_come_back_as_two_joined_with_triple_bars(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 21.0, rate=8000)

    answer = prepare(tts).json()

    paths = answer["asr_format_audio_url"].split("|||")
    assert len(paths) == len(answer["reference_audio_text"].split("|||")) == 2
    halves = [tts.container_path_to_host(p) for p in paths]
    assert [read_wav(h.read_bytes())[1] for h in halves] == [pytest.approx(10.5)] * 2


@pytest.mark.parametrize(
    "reference",
    ["origin_audio/absent.wav", "/code/data/origin_audio/voice.wav"],  # the 2nd gets prefixed
)
def test_preprocess_of_a_file_it_cannot_see_answers_file_not_exists(tts, reference):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 3.0)
    body = {"format": "wav", "reference_audio": reference, "lang": "zh"}

    answer = post(tts, "/v1/preprocess_and_tran", body)

    assert (answer.status_code, answer.json()) == (200, {"code": -1, "msg": "file not exists"})


def test_preprocess_needs_reference_audio_and_a_language(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 3.0)
    needed = {"statusCode": 400, "message": "reference_audio or lang is needed",
              "error": "Bad Request"}  # fmt: skip

    for body in ({"lang": "zh"}, {"reference_audio": "origin_audio/voice.wav", "lang": ""}):
        answer = post(tts, "/v1/preprocess_and_tran", body)
        assert (answer.status_code, answer.json()) == (400, needed)
    # lang defaults to "zh" in the request model, so leaving it out is fine
    assert post(tts, "/v1/preprocess_and_tran", {"reference_audio": "origin_audio/voice.wav"}
                ).json()["code"] == 0  # fmt: skip


def test_preprocess_of_something_that_is_not_a_wav_answers_code_minus_1(tts):
    (tts.data_dir / "origin_audio" / "voice.wav").write_bytes(b"not audio" * 100)

    answer = prepare(tts).json()

    assert answer["code"] == -1
    assert answer["msg"].startswith("clean_wav failed:")


def test_preprocess_fail_mimics_asr_being_down(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 3.0)
    tts.fail_next("preprocess_fail")

    assert prepare(tts).json() == {"code": -1, "msg": "Connection refused"}
    assert prepare(tts).json()["code"] == 0


def test_invoke_returns_raw_wav_whose_length_follows_the_text(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "voice.wav", 3.0)
    prepared = prepare(tts).json()
    text = "Fifty characters of text to be spoken by the fake."

    response = invoke(
        tts,
        text,
        reference_audio=prepared["asr_format_audio_url"],
        reference_text=prepared["reference_audio_text"],
        speaker="x",
        topP=0.7,
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/wav"
    assert response.headers["Content-Disposition"] == "attachment; filename=audio.wav"
    params, seconds = read_wav(response.content)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 44100)
    assert seconds == pytest.approx(0.06 * len(text), abs=0.01)
    assert tts.invocations[0]["speaker"] == "x"  # extra keys are accepted and recorded
    assert read_wav(invoke(tts, "Hi").content)[1] == pytest.approx(0.3, abs=0.01)


def test_invoke_splits_references_on_triple_bars(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)
    ref = "/code/data/origin_audio/format_denoise_voice.wav"

    matched = invoke(tts, reference_audio=f"{ref}|||{ref}", reference_text="a|||b")
    unmatched = invoke(tts, reference_audio=f"{ref}|||{ref}", reference_text="a")

    assert matched.status_code == 200
    assert (unmatched.status_code, unmatched.json()) == (400, {
        "statusCode": 400, "message": "reference_audio and reference_text is not match",
        "error": "Bad Request"})  # fmt: skip


@pytest.mark.parametrize(
    "reference",
    [
        None,
        "origin_audio/format_denoise_voice.wav",
        "/tmp/format_denoise_voice.wav",
        "/code/data/origin_audio/absent.wav",
    ],  # fmt: skip
)
def test_invoke_with_a_reference_it_cannot_open_is_a_500(tts, reference):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)

    response = invoke(tts, reference_audio=reference)

    assert response.status_code == 500
    assert response.json()["error"] == "Internal Server Error"


def test_invoke_refuses_a_tiny_reference_and_a_missing_text(tts):
    (tts.data_dir / "origin_audio" / "format_denoise_voice.wav").write_bytes(b"RIFF" * 10)

    tiny = invoke(tts)
    no_text = post(tts, "/v1/invoke", {"format": "wav"})

    assert (tiny.status_code, tiny.json()["message"]) == (
        400,
        "reference_audio is not valid len<200",
    )
    assert no_text.status_code == 422


def test_invoke_http500_on_demand(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)
    tts.fail_next("http500")

    failed = invoke(tts)

    assert (failed.status_code, failed.json()) == (500, {
        "statusCode": 500, "message": "Failed to generate speech",
        "error": "Internal Server Error"})  # fmt: skip
    assert invoke(tts).status_code == 200


def test_one_request_at_a_time_so_health_waits_for_synthesis(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)
    tts.seconds_per_char = 0.05  # "Hello there." → 0.6 s
    worker = threading.Thread(target=invoke, args=(tts,))
    worker.start()
    wait_for_invocation(tts)

    started = time.monotonic()
    requests.post(f"{tts.url}/v1/health", timeout=5)

    assert time.monotonic() - started >= 0.3
    worker.join()


def test_a_hung_invoke_holds_the_server_until_released(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)
    tts.fail_next("hang")
    answers = []
    worker = threading.Thread(target=lambda: answers.append(invoke(tts)))
    worker.start()
    wait_for_invocation(tts)

    with pytest.raises(requests.Timeout):
        requests.post(f"{tts.url}/v1/health", timeout=0.5)
    tts.release_hang()
    worker.join(timeout=5)

    assert answers[0].status_code == 200


def test_stop_is_prompt_during_a_hung_invoke(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)
    tts.fail_next("hang")
    errors = []

    def call():
        try:
            invoke(tts)
        except requests.ConnectionError as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    wait_for_invocation(tts)

    started = time.monotonic()
    tts.stop()
    worker.join(timeout=5)

    assert time.monotonic() - started < 2
    assert errors  # the client sees the connection drop, as when the container dies


def test_slow_and_per_character_timing(tts):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)
    tts.fail_next("slow", seconds=0.4)

    started = time.monotonic()
    invoke(tts)
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    invoke(tts)
    assert time.monotonic() - started < 0.4


def test_pcm_is_raw_samples_and_mp3_is_encoded(tts, tmp_path):
    write_tone_wav(tts.data_dir / "origin_audio" / "format_denoise_voice.wav", 1.0)

    pcm = invoke(tts, "Hello there.", format="pcm")
    mp3 = invoke(tts, "Hello there.", format="mp3")

    assert pcm.headers["Content-Type"] == "application/octet-stream"
    assert len(pcm.content) == round(0.72 * 44100) * 2
    assert mp3.headers["Content-Type"] == "audio/mpeg"
    assert mp3.headers["Content-Disposition"] == "attachment; filename=audio.mp3"
    (tmp_path / "out.mp3").write_bytes(mp3.content)
    assert media_seconds(tmp_path / "out.mp3") == pytest.approx(0.72, abs=0.1)


# ----- the pair helper --------------------------------------------------------------------


def test_fake_gpu_pairs_start_separate_engines_with_their_own_volumes(tmp_path):
    with fake_gpu_pairs(tmp_path, 2, video_options={"render_seconds": RENDER}) as pairs:
        assert len({p.video_url for p in pairs} | {p.tts_url for p in pairs}) == 4
        for i, pair in enumerate(pairs):
            assert pair.video_data_dir == tmp_path / f"gpu{i}"
            assert (pair.video_data_dir / "temp").is_dir()
            assert (pair.tts_data_dir / "origin_audio").is_dir()
            assert query(pair.video, "none") == NOT_FOUND_TASK
            assert requests.post(f"{pair.tts_url}/v1/health", timeout=5).ok
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{pairs[0].tts_url}/v1/health", timeout=5)
