"""Fake GPU engines for tests: real HTTP servers on loopback speaking the engines' APIs.

``FakeHeyGem`` is the video engine (ENGINES.md §2), ``FakeFishSpeech`` the TTS engine (§3).
``fake_gpu_pairs`` starts the layout of a multi-GPU box: per GPU one video and one TTS
engine, each with its own data dir (both mount theirs at ``/code/data``, §1).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .fish_speech import FakeFishSpeech
from .heygem import FakeHeyGem
from .media import make_test_video, media_seconds, write_tone_wav

__all__ = [
    "FakeFishSpeech",
    "FakeGpuPair",
    "FakeHeyGem",
    "fake_gpu_pairs",
    "make_test_video",
    "media_seconds",
    "write_tone_wav",
]


@dataclass(frozen=True)
class FakeGpuPair:
    """The two engines of one GPU, with the host side of their volumes."""

    video_url: str
    tts_url: str
    video_data_dir: Path
    tts_data_dir: Path
    video: FakeHeyGem
    tts: FakeFishSpeech


@contextmanager
def fake_gpu_pairs(
    tmp_path: Path, n: int, *, video_options: dict | None = None, tts_options: dict | None = None
) -> Iterator[list[FakeGpuPair]]:
    """Start ``n`` (video, tts) pairs on ``tmp_path/gpu{i}`` and ``tmp_path/tts{i}``.

    ``video_options`` / ``tts_options`` go to every FakeHeyGem / FakeFishSpeech
    (e.g. ``{"render_seconds": 0.2}``). Everything started is stopped on exit, also when a
    later start fails.
    """
    with ExitStack() as stack:
        pairs = []
        for i in range(n):
            video_dir, tts_dir = Path(tmp_path) / f"gpu{i}", Path(tmp_path) / f"tts{i}"
            (video_dir / "temp").mkdir(parents=True, exist_ok=True)
            (tts_dir / "origin_audio").mkdir(parents=True, exist_ok=True)
            video = stack.enter_context(FakeHeyGem(video_dir, **(video_options or {})))
            tts = stack.enter_context(FakeFishSpeech(tts_dir, **(tts_options or {})))
            pairs.append(FakeGpuPair(video.url, tts.url, video_dir, tts_dir, video, tts))
        yield pairs
