"""Honest progress and deadlines for HeyGem renders.

The engine reports 0, 5, 20, 90 and 100 % and nothing in between: a render sits
at 20 % for most of its run (ENGINES.md §2.2, "stuck at 20 %"). Users are shown
the engine's own figure together with the elapsed time against the render time
expected from the audio length and this slot's measured speed; between 20 and 90
the bar moves with the clock but never claims 90 before the engine does.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings

from .base import RenderRequest, SlotConfig
from .heygem_messages import describe, translate

FEATURES_DONE, FRAMES_DONE = 20, 90


@dataclass
class RenderClock:
    audio_seconds: float
    expected: float
    timeout: float
    speed: float = 0.0
    measured: bool = False
    already: float = 0.0  # seconds run by earlier workers of a resumed render
    poll: float = field(default_factory=lambda: settings.HEYGEM["RENDER_POLL_SECONDS"])
    final_poll: float = field(default_factory=lambda: settings.HEYGEM["RENDER_POLL_FINAL_SECONDS"])
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def for_render(cls, slot: SlotConfig, request: RenderRequest) -> "RenderClock":
        config = settings.HEYGEM
        audio = max(request.audio_seconds or 0.0, 0.0)
        measured = slot.seconds_per_audio_second
        speed = measured or config["RENDER_DEFAULT_SPEED"]
        factor, floor = config["RENDER_TIMEOUT_FACTOR"], config["RENDER_TIMEOUT_FLOOR_SECONDS"]
        expected = max(audio * speed, 1.0)
        return cls(
            audio_seconds=audio,
            expected=expected,
            # A hung render is caught at a multiple of what this slot usually needs.
            timeout=max(floor, factor * expected),
            speed=speed,
            measured=bool(measured),
            already=max(request.elapsed_seconds, 0.0),
        )

    def elapsed(self) -> float:
        return self.already + time.monotonic() - self.started

    def timed_out(self) -> bool:
        return self.elapsed() > self.timeout

    def next_poll(self, engine_progress: float = 0.0) -> float:
        """Seconds until the next query: long early in a render, short near its end.

        A third of the time left to the expected end, so the end is seen within
        about ``final_poll`` of it while a long render costs a query every
        ``poll`` seconds; a render running late is polled less often again.
        """
        shortest = min(self.final_poll, self.poll)
        if engine_progress >= FRAMES_DONE:  # the engine is muxing: the end is near
            return shortest
        left = self.expected - self.elapsed()
        wait = left / 3 if left > 0 else shortest - left / 10
        return min(max(wait, shortest), self.poll)

    def describe(self, slot_name: str) -> str:
        source = "measured on this slot" if self.measured else "default estimate"
        return (
            f"Rendering on {slot_name}: expected to take about {clock_text(self.expected)} for "
            f"{self.audio_seconds:.1f} s of audio ({self.speed:.2f} s per audio second, {source}); "
            f"timed out after {clock_text(self.timeout)}."
        )


def honest_progress(engine: float, elapsed: float, expected: float) -> float:
    """0–100 for the render: the engine's figure, moved by the clock while it plateaus."""
    if engine < FEATURES_DONE or engine >= FRAMES_DONE:
        return float(engine)
    by_clock = FEATURES_DONE + (FRAMES_DONE - FEATURES_DONE) * min(elapsed / expected, 0.99)
    return max(float(engine), min(by_clock, FRAMES_DONE - 1.0))


class ProgressTracker:
    """What to show after each poll: a figure that never goes back, a detail line, events."""

    def __init__(self, clock: RenderClock):
        self.clock = clock
        self.engine = 0
        self.msg = ""
        self.shown = 0.0

    def update(self, engine_progress: object, msg: object) -> tuple[float, str, str | None]:
        if isinstance(engine_progress, int | float):
            self.engine = int(engine_progress)
        event = None
        if msg and msg != self.msg:  # a new engine milestone goes into the timeline
            self.msg = str(msg)
            event = f"Engine at {self.engine} %: {describe(msg)}."
        elapsed = self.clock.elapsed()
        self.shown = max(self.shown, honest_progress(self.engine, elapsed, self.clock.expected))
        return self.shown, self.detail(elapsed), event

    def detail(self, elapsed: float) -> str:
        stage = translate(self.msg) or self.msg or "starting"
        expected = self.clock.expected
        late = "; longer than expected" if elapsed > expected else ""
        return (
            f"Engine at {self.engine} % ({stage}); {clock_text(elapsed)} of about "
            f"{clock_text(expected)}{late}"
        )[:200]


def clock_text(seconds: float) -> str:
    if seconds < 10:
        return f"{round(max(seconds, 0), 1):g} s"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
