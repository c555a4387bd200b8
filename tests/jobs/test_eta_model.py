"""The queue model behind ETAs (jobs.eta): plain functions, plain numbers."""

from datetime import UTC, datetime, timedelta

from jobs import eta

NOW = datetime(2026, 3, 3, 10, 30, tzinfo=UTC)
ONE_SLOT = {"tts": eta.StageModel(0.1, 1.0, 1), "video": eta.StageModel(1.0, 1.0, 1)}


def test_the_fit_recovers_a_fixed_cost_and_a_rate():
    samples = [(audio, 2.0 + 0.5 * audio) for audio in (2, 4, 8, 16, 30)]
    per, fixed = eta.fit(samples)
    assert round(per, 3) == 0.5 and round(fixed, 3) == 2.0


def test_too_few_samples_fit_nothing():
    assert eta.fit([(1.0, 1.0)] * 4) is None


def test_a_job_waits_for_the_render_of_the_job_ahead_on_the_only_video_slot():
    jobs = [eta.LiveJob("a", "rendering", 10.0, render_started_at=NOW - timedelta(seconds=5)),
            eta.LiveJob("b", "audio_ready", 4.0)]  # fmt: skip
    done = eta.finish_in(jobs, **ONE_SLOT, now=NOW)
    assert done["a"] == 6.0  # 11 s of render, 5 s spent
    assert done["b"] == 6.0 + 5.0


def test_a_retry_backoff_delays_the_start():
    jobs = [eta.LiveJob("a", "queued", 10.0, not_before=NOW + timedelta(seconds=30))]
    assert eta.finish_in(jobs, **ONE_SLOT, now=NOW)["a"] == 30 + 2 + 11


def test_no_video_slot_means_no_estimate():
    jobs = [eta.LiveJob("a", "queued", 10.0)]
    done = eta.finish_in(jobs, tts=ONE_SLOT["tts"], video=eta.StageModel(1.0, 1.0, 0), now=NOW)
    assert done == {}
