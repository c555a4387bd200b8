"""The HeyGem video client against the fake engine, answer by answer (ENGINES.md §2)."""

import threading
import time
import uuid

import pytest

from jobs.engines import EngineBusy, EngineError, EngineUnavailable, LeaseLost, RenderRequest
from jobs.engines.heygem import HeyGemEngine
from tests.conftest import probe_streams, sha256, wait_for

from .conftest import Beats, render_as_a_stage, temp_files, video_slot

pytestmark = pytest.mark.django_db


def request_for(inputs, tmp_path, **overrides) -> RenderRequest:
    fields = dict(
        code=uuid.uuid4().hex, audio_path=inputs["speech"], video_path=inputs["video"],
        out_path=tmp_path / "result.mp4", audio_seconds=1.5,
    )  # fmt: skip
    return RenderRequest(**{**fields, **overrides})


def test_a_render_submits_fresh_bare_names_and_brings_back_the_engines_own_result(
    heygem, inputs, tmp_path, written_results
):
    request = request_for(inputs, tmp_path)

    render_as_a_stage(HeyGemEngine(video_slot(heygem).config()), request, Beats())

    code = request.code
    assert heygem.submissions == [{
        "audio_url": f"{code}.wav", "video_url": f"{code}.mp4", "code": code,
        "chaofen": 0, "watermark_switch": 0, "pn": 1,
    }]  # fmt: skip
    assert sha256(request.out_path) == written_results[code]
    assert set(probe_streams(request.out_path)) == {"video", "audio"}
    assert temp_files(heygem.data_dir) == []  # inputs, result and intermediates removed


def test_every_attempt_uses_its_own_code_and_file_names(heygem, inputs, tmp_path):
    engine = HeyGemEngine(video_slot(heygem).config())
    first, second = request_for(inputs, tmp_path), request_for(inputs, tmp_path)

    render_as_a_stage(engine, first, Beats())
    render_as_a_stage(engine, second, Beats())

    codes = [s["code"] for s in heygem.submissions]
    assert codes == [first.code, second.code] and first.code != second.code
    assert all(" " not in s["audio_url"] + s["video_url"] for s in heygem.submissions)


def test_a_busy_engine_means_wait_not_fail_and_leaves_no_files(heygem, inputs, tmp_path):
    heygem.fail_next("busy")

    with pytest.raises(EngineBusy) as busy:
        render_as_a_stage(
            HeyGemEngine(video_slot(heygem).config()), request_for(inputs, tmp_path), Beats()
        )

    assert "busy with another task" in str(busy.value)
    assert busy.value.engine_message == "忙碌中"
    assert temp_files(heygem.data_dir) == []


def test_a_failed_render_reports_the_engines_message_and_its_english(heygem, inputs, tmp_path):
    heygem.fail_next("multi_face")

    with pytest.raises(EngineError) as failed:
        render_as_a_stage(
            HeyGemEngine(video_slot(heygem).config()), request_for(inputs, tmp_path), Beats()
        )

    assert failed.value.engine_message == "存在多人脸"
    assert "more than one face in the video (engine: 存在多人脸)" in str(failed.value)
    assert not failed.value.orphan_code  # the engine is done with it: the slot is free
    assert temp_files(heygem.data_dir) == []


def test_the_engines_progress_milestones_go_into_the_timeline_in_english(heygem, inputs, tmp_path):
    beats = Beats()

    render_as_a_stage(
        HeyGemEngine(video_slot(heygem).config()), request_for(inputs, tmp_path), beats
    )

    assert beats.events[0].startswith("Rendering on gpu0-video: expected to take about")
    assert any("audio features extracted" in e and "音频特征提取完成" in e for e in beats.events)
    assert beats.figures == sorted(beats.figures)  # the bar never goes back


def test_progress_moves_with_the_clock_while_the_engine_sits_at_20(heygem, inputs, tmp_path):
    slot = video_slot(heygem)
    slot.seconds_per_audio_second = 0.4  # measured: 1.5 s of audio takes about 0.6 s
    heygem.fail_next("hang")
    beats = Beats()
    engine = HeyGemEngine(slot.config())

    def release_later():
        time.sleep(1.2)
        heygem.release_hang()

    releaser = threading.Thread(target=release_later)
    releaser.start()
    render_as_a_stage(engine, request_for(inputs, tmp_path), beats)
    releaser.join()

    at_20 = [(p, d) for p, d, _e in beats.calls if d and "Engine at 20 %" in d]
    assert at_20, "the engine never reported its 20 % plateau"
    assert max(p for p, _d in at_20) > 80  # the clock moved the bar on
    assert all(p < 90 for p, _d in at_20)  # but never past what the engine confirmed
    assert any("longer than expected" in d for _p, d in at_20)


def test_a_task_lost_after_its_result_was_written_is_a_success(heygem, inputs, tmp_path):
    heygem.fail_next("crash_after_result")
    beats = Beats()
    request = request_for(inputs, tmp_path)

    render_as_a_stage(HeyGemEngine(video_slot(heygem).config()), request, beats)

    assert set(probe_streams(request.out_path)) == {"video", "audio"}
    assert any("lost the task (10004" in e and "complete; using it" in e for e in beats.events)
    assert temp_files(heygem.data_dir) == []


def test_a_task_lost_without_a_result_fails_the_attempt(heygem, inputs, tmp_path):
    heygem.fail_next("crash")

    with pytest.raises(EngineError) as lost:
        render_as_a_stage(
            HeyGemEngine(video_slot(heygem).config()), request_for(inputs, tmp_path), Beats()
        )

    assert "lost task" in str(lost.value) and "10004" in str(lost.value)
    assert temp_files(heygem.data_dir) == []


def test_a_resumed_render_polls_the_same_task_without_submitting_again(heygem, inputs, tmp_path):
    slot = video_slot(heygem)
    request = request_for(inputs, tmp_path)
    with pytest.raises(LeaseLost):  # the first worker dies right after submitting
        render_as_a_stage(
            HeyGemEngine(slot.config()), request, Beats(stop_after=0, error=LeaseLost)
        )
    assert f"{request.code}.wav" in temp_files(heygem.data_dir)  # left for the next worker

    resumed = RenderRequest(**{**request.__dict__, "resume": True, "elapsed_seconds": 1.0})
    render_as_a_stage(HeyGemEngine(slot.config()), resumed, Beats())

    assert len(heygem.submissions) == 1
    assert set(probe_streams(request.out_path)) == {"video", "audio"}
    assert temp_files(heygem.data_dir) == []


def test_a_render_resumed_before_it_was_ever_submitted_is_submitted_then(heygem, inputs, tmp_path):
    """The worker died between its binding and the submit (or its task never left the
    queue): the engine never heard of the code, so the resume submits it, once."""
    slot = video_slot(heygem)
    request = request_for(inputs, tmp_path, resume=True, elapsed_seconds=20.0)

    render_as_a_stage(HeyGemEngine(slot.config()), request, Beats())

    assert [s["code"] for s in heygem.submissions] == [request.code]
    assert set(probe_streams(request.out_path)) == {"video", "audio"}
    assert temp_files(heygem.data_dir) == []


def test_a_resumed_render_the_engine_lost_after_taking_it_is_still_lost(heygem, inputs, tmp_path):
    """Submitted and then forgotten (a container restart): not silently submitted again."""
    slot = video_slot(heygem)
    request = request_for(inputs, tmp_path)
    with pytest.raises(LeaseLost):  # the first worker dies right after submitting
        render_as_a_stage(
            HeyGemEngine(slot.config()), request, Beats(stop_after=0, error=LeaseLost)
        )
    heygem.restart()

    resumed = RenderRequest(**{**request.__dict__, "resume": True})
    with pytest.raises(EngineError, match="lost task"):
        render_as_a_stage(HeyGemEngine(slot.config()), resumed, Beats())
    assert len(heygem.submissions) == 1


def test_an_outcome_told_once_is_still_known_to_the_worker_that_resumes(
    heygem, inputs, tmp_path, monkeypatch
):
    """The engine forgets a task once it has answered status 3; the answer was kept."""
    heygem.fail_next("status3")
    slot = video_slot(heygem)
    request = request_for(inputs, tmp_path)

    def die(self, files, data):  # the worker dies right after hearing the outcome
        raise LeaseLost

    with monkeypatch.context() as patch:
        patch.setattr(HeyGemEngine, "_outcome", die)
        with pytest.raises(LeaseLost):
            render_as_a_stage(HeyGemEngine(slot.config()), request, Beats())

    resumed = RenderRequest(**{**request.__dict__, "resume": True})
    with pytest.raises(EngineError) as failed:
        render_as_a_stage(HeyGemEngine(slot.config()), resumed, Beats())

    assert failed.value.engine_message == "**生成视频失败"
    assert "video generation failed" in str(failed.value)
    assert temp_files(heygem.data_dir) == []


def test_one_system_error_answer_while_polling_does_not_fail_the_render(heygem, inputs, tmp_path):
    heygem.fail_next("error9999")
    request = request_for(inputs, tmp_path)

    render_as_a_stage(HeyGemEngine(video_slot(heygem).config()), request, Beats())

    assert request.out_path.exists()


def test_a_render_past_its_timeout_fails_and_names_the_task_the_engine_keeps(
    heygem, inputs, tmp_path, settings
):
    settings.HEYGEM = {**settings.HEYGEM, "RENDER_TIMEOUT_FLOOR_SECONDS": 0.5,
                       "RENDER_TIMEOUT_FACTOR": 0.0}  # fmt: skip
    heygem.fail_next("hang")
    request = request_for(inputs, tmp_path)

    with pytest.raises(EngineError) as timed_out:
        render_as_a_stage(HeyGemEngine(video_slot(heygem).config()), request, Beats())

    assert "took longer than 0.5 s" in str(timed_out.value)
    assert timed_out.value.orphan_code == request.code
    assert heygem.busy  # the engine still holds it: the slot must stay out
    heygem.release_hang()


def test_the_render_timeout_is_a_multiple_of_the_slots_expected_time(
    heygem, inputs, tmp_path, settings
):
    from jobs.engines.heygem_progress import RenderClock

    settings.HEYGEM = {**settings.HEYGEM, "RENDER_TIMEOUT_FLOOR_SECONDS": 120,
                       "RENDER_TIMEOUT_FACTOR": 3.0, "RENDER_DEFAULT_SPEED": 2.0}  # fmt: skip
    unmeasured = video_slot(heygem)
    fast = video_slot(heygem, name="fast", seconds_per_audio_second=0.5)

    def timeout(slot, audio):
        return RenderClock.for_render(slot.config(), request_for(inputs, tmp_path,
                                      audio_seconds=audio)).timeout  # fmt: skip

    # Before a slot has measured itself, the default speed: 300 s of audio, ~600 s expected.
    assert timeout(unmeasured, 20) == 120 and timeout(unmeasured, 300) == 1800
    # A slot that renders at 0.5 s per audio second hangs after 3 x 150 s, not 30 min.
    assert timeout(fast, 300) == 450


def test_polls_come_slowly_early_in_a_render_and_quickly_near_its_end(settings):
    from jobs.engines.heygem_progress import RenderClock

    clock = RenderClock(audio_seconds=30, expected=60, timeout=180, poll=5.0, final_poll=0.2)
    clock.started -= 1  # one second in: far from the end
    assert clock.next_poll() == 5.0
    clock.started -= 57  # two seconds before the expected end
    assert clock.next_poll() == pytest.approx(2 / 3, abs=0.05)
    clock.started -= 1.9
    assert clock.next_poll() == 0.2
    assert RenderClock(audio_seconds=30, expected=60, timeout=180, poll=5.0,
                       final_poll=0.2).next_poll(engine_progress=90) == 0.2  # fmt: skip
    clock.started -= 100  # far past the expected end: slower again, never past the longest
    assert 0.2 < clock.next_poll() <= 5.0


def test_a_missing_data_dir_is_reported_before_anything_is_sent(heygem, inputs, tmp_path):
    slot = video_slot(heygem, data_dir=tmp_path / "nowhere")

    with pytest.raises(EngineUnavailable) as missing:
        render_as_a_stage(HeyGemEngine(slot.config()), request_for(inputs, tmp_path), Beats())

    assert "nowhere of gpu0-video does not exist" in str(missing.value)
    assert heygem.submissions == []


def test_a_probe_expects_task_not_found_for_an_unknown_code(heygem):
    HeyGemEngine(video_slot(heygem).config()).probe()

    assert heygem.queries == 1 and heygem.submissions == []


def test_a_probe_of_a_stopped_engine_says_the_connection_was_refused(heygem):
    slot = video_slot(heygem)
    heygem.stop()

    with pytest.raises(EngineUnavailable) as down:
        HeyGemEngine(slot.config()).probe()

    assert "connection refused" in str(down.value) and heygem.url in str(down.value)


def test_a_probe_of_a_url_that_is_not_heygem_says_so(heygem, fish):
    slot = video_slot(heygem)
    slot.base_url = fish.url  # a TTS engine registered as a video slot

    with pytest.raises(EngineUnavailable) as wrong:
        HeyGemEngine(slot.config()).probe()

    assert "HTTP 404" in str(wrong.value)


def test_a_deep_probe_renders_a_tiny_clip_and_cleans_up(heygem):
    HeyGemEngine(video_slot(heygem).config()).probe(deep=True)

    assert len(heygem.submissions) == 1
    assert temp_files(heygem.data_dir) == []


def test_a_deep_probe_reveals_a_data_dir_the_engine_does_not_see(heygem, tmp_path):
    elsewhere = tmp_path / "not-mounted"
    elsewhere.mkdir()

    with pytest.raises(EngineUnavailable) as wrong:
        HeyGemEngine(video_slot(heygem, data_dir=elsewhere).config()).probe(deep=True)

    assert "could not read the clip" in str(wrong.value)
    assert "the folder mounted at /code/data" in str(wrong.value)


def test_a_probe_keeps_the_slot_out_while_an_abandoned_task_runs_then_cleans_it(
    heygem, inputs, tmp_path
):
    slot = video_slot(heygem)
    heygem.fail_next("hang")
    request = request_for(inputs, tmp_path)
    with pytest.raises(LeaseLost):  # e.g. the job was canceled mid-render
        render_as_a_stage(
            HeyGemEngine(slot.config()), request, Beats(stop_after=2, error=LeaseLost)
        )
    slot.orphan_code = request.code

    with pytest.raises(EngineBusy) as busy:
        HeyGemEngine(slot.config()).probe()
    assert "still running task" in str(busy.value)

    heygem.release_hang()
    wait_for(lambda: not heygem.busy, timeout=20)
    HeyGemEngine(slot.config()).probe()
    assert temp_files(heygem.data_dir) == []  # its inputs and result are gone too


def test_a_deep_probe_fails_when_the_engine_loses_its_clip(heygem):
    heygem.fail_next("crash")

    with pytest.raises(EngineUnavailable) as lost:
        HeyGemEngine(video_slot(heygem).config()).probe(deep=True)

    assert "Deep probe" in str(lost.value) and "lost task" in str(lost.value)
    assert temp_files(heygem.data_dir) == []
