"""The embedded engines as a stage drives them: real progress, and a stop leaves nothing."""

import pytest

from jobs.engines import LeaseLost, RenderRequest
from jobs.engines.dub import DubEngine
from tests.fakes import make_test_video, write_tone_wav

from .conftest import Beats


@pytest.fixture
def long_render(tmp_path):
    speech = write_tone_wav(tmp_path / "speech.wav", 40.0)
    video = make_test_video(tmp_path / "speaker.mp4", 2.0, size="640x480", audio=False)
    return RenderRequest(code="x", audio_path=speech, video_path=video,
                         out_path=tmp_path / "out" / "result.mp4", audio_seconds=40.0)  # fmt: skip


def test_a_dub_render_reports_ffmpegs_own_progress(long_render):
    long_render.out_path.parent.mkdir()
    beats = Beats()

    DubEngine(None).render(long_render, beats)

    figures = [p for p, _d, _e in beats.calls if p is not None]
    assert any(0 < p < 100 for p in figures), figures  # not stuck until done
    assert figures == sorted(figures)
    assert sorted(f.name for f in long_render.out_path.parent.iterdir()) == ["result.mp4"]


def test_a_stopped_dub_render_kills_ffmpeg_and_leaves_no_file(long_render):
    long_render.out_path.parent.mkdir()

    with pytest.raises(LeaseLost):
        DubEngine(None).render(long_render, Beats(stop_after=1, error=LeaseLost))

    assert list(long_render.out_path.parent.iterdir()) == []
