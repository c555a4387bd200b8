"""Geometry of the stage timeline and the utilization chart."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jobs import charts

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@dataclass
class Slot:
    name: str


@dataclass
class Event:
    kind: str
    seconds: float
    slot: Slot | None = None

    @property
    def at(self):
        return T0 + timedelta(seconds=self.seconds)


def test_a_finished_jobs_phases_follow_its_events():
    events = [
        Event("created", 0),
        Event("voice", 0.1),
        Event("tts_started", 2, Slot("tts-0")),
        Event("tts_finished", 5),
        Event("video_started", 6, Slot("gpu1")),
        Event("render_finished", 16),
        Event("succeeded", 16),
    ]
    phases = charts.job_phases(events, now=T0 + timedelta(hours=1), live=False)
    assert [(p.row, p.label, p.seconds) for p in phases] == [
        ("wait", "Waiting for a speech slot", 2),
        ("tts", "Speech on tts-0", 3),
        ("wait", "Waiting for a video slot", 1),
        ("video", "Rendering on gpu1", 10),
    ]
    bars = charts.phase_bars(phases)
    assert bars["total_seconds"] == 16
    assert [(bar.row, bar.x, bar.width) for bar in bars["bars"]][-1] == (2, 37.5, 62.5)


def test_a_running_phase_lasts_until_now_and_a_retry_shows_as_waiting():
    events = [
        Event("created", 0),
        Event("tts_started", 1, Slot("a")),
        Event("retry", 3),
        Event("tts_started", 8, Slot("b")),
    ]
    phases = charts.job_phases(events, now=T0 + timedelta(seconds=10), live=True)
    assert [(p.label, p.seconds) for p in phases][-2:] == [
        ("Waiting to retry", 5),
        ("Speech on b", 2),
    ]


def test_utilization_clips_spans_to_the_window_and_sums_the_busy_share():
    since, until = T0, T0 + timedelta(hours=1)
    spans = [
        (T0 - timedelta(minutes=10), T0 + timedelta(minutes=15)),
        (T0 + timedelta(minutes=30), T0 + timedelta(minutes=45)),
    ]
    bars, busy = charts.utilization_bars(spans, since=since, until=until)
    assert busy == 50.0
    assert [(bar.x, bar.width) for bar in bars] == [(0.0, 25.0), (50.0, 25.0)]
