"""Fixtures for the GPU engine clients: fake engines on loopback with their slots."""

from pathlib import Path

import pytest

from jobs.engines import EngineError
from jobs.models import GpuSlot
from tests.fakes import FakeFishSpeech, FakeHeyGem, make_test_video, write_tone_wav


@pytest.fixture(autouse=True)
def fast_engines(settings):
    """Short polls and no retry backoff, so engine tests take seconds."""
    settings.HEYGEM = {
        **settings.HEYGEM,
        "RENDER_POLL_SECONDS": 0.05,
        "RETRY_BACKOFF_SECONDS": 0,
        "RENDER_UNREACHABLE_GRACE_SECONDS": 0.5,
        "TTS_PREPARE_RETRY_SECONDS": [0.05],
    }


@pytest.fixture(scope="session")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine-inputs")
    return {
        "video": make_test_video(folder / "speaker.mp4", 1.0),
        "speech": write_tone_wav(folder / "speech.wav", 1.5),
        "reference": write_tone_wav(folder / "reference.wav", 6.0),
    }


@pytest.fixture
def heygem(tmp_path):
    with FakeHeyGem(tmp_path / "gpu0", render_seconds=0.3) as fake:
        yield fake


@pytest.fixture
def fish(tmp_path):
    (tmp_path / "tts0" / "origin_audio").mkdir(parents=True)  # the volume exists on the host
    with FakeFishSpeech(tmp_path / "tts0") as fake:
        yield fake


def video_slot(fake: FakeHeyGem, name="gpu0-video", data_dir=None, **fields) -> GpuSlot:
    return GpuSlot.objects.create(
        name=name, gpu=name.split("-")[0], stage="video", backend="heygem",
        base_url=fake.url, data_dir=str(data_dir or fake.data_dir), **fields,
    )  # fmt: skip


def tts_slot(fake: FakeFishSpeech, name="gpu0-tts", data_dir=None) -> GpuSlot:
    return GpuSlot.objects.create(
        name=name, gpu=name.split("-")[0], stage="tts", backend="fish_speech",
        base_url=fake.url, data_dir=str(data_dir or fake.data_dir),
    )  # fmt: skip


def render_as_a_stage(engine, request, beats) -> None:
    """Render as the stage does: the task's files go once its outcome is known
    (an engine that keeps an abandoned task keeps its files until a probe)."""
    try:
        engine.render(request, beats)
    except EngineError as exc:
        if not exc.orphan_code:
            engine.discard(request.code)
        raise
    engine.discard(request.code)


def temp_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (Path(data_dir) / "temp").iterdir())


class Beats:
    """A heartbeat that records what a stage would show, and can stop the engine.

    Once it has raised, the binding is gone: ``confirm`` raises the same from then on.
    """

    def __init__(self, stop_after: int | None = None, error: type[BaseException] | None = None):
        self.calls: list[tuple] = []
        self.stop_after, self.error = stop_after, error
        self.stopped = False

    def __call__(self, progress=None, *, detail=None, event=None):
        self.calls.append((progress, detail, event))
        if self.stop_after is not None and len(self.calls) > self.stop_after:
            self.stopped = True
            raise self.error()

    def confirm(self):
        if self.stopped:
            raise self.error()

    @property
    def events(self) -> list[str]:
        return [event for _p, _d, event in self.calls if event]

    @property
    def details(self) -> list[str]:
        return [detail for _p, detail, _e in self.calls if detail]

    @property
    def figures(self) -> list[float]:
        return [p for p, _d, _e in self.calls if p is not None]
