"""Geometry for the server-drawn SVG charts: a job's stage timeline, slot utilization.

Pure functions over timestamps; the templates turn the percentages into rects.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

WAIT, TTS, VIDEO = "wait", "tts", "video"
ROWS = ((WAIT, "Waiting"), (TTS, "Speech"), (VIDEO, "Video"))

# What a job is doing after each event; None ends the timeline, kinds not
# listed (voice notes …) change nothing.
PHASE_AFTER = {
    "created": (WAIT, "Waiting for a speech slot"),
    "tts_started": (TTS, "Speech on {slot}"),
    "tts_resumed": (TTS, "Speech resumed on {slot}"),
    "tts_finished": (WAIT, "Waiting for a video slot"),
    "video_started": (VIDEO, "Rendering on {slot}"),
    "video_resumed": (VIDEO, "Render resumed on {slot}"),
    "retry": (WAIT, "Waiting to retry"),
    "engine_busy": (WAIT, "Waiting: engine busy"),
    "reclaimed": (WAIT, "Waiting: worker lost"),
    "retried": (WAIT, "Waiting after a retry"),
    "render_finished": None,
    "succeeded": None,
    "failed": None,
    "canceled": None,
}


@dataclass(frozen=True)
class Phase:
    row: str
    label: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def job_phases(events, *, now: datetime, live: bool) -> list[Phase]:
    """The job's phases from its events (objects with kind, at and slot)."""
    phases: list[Phase] = []
    current = None  # (row, label, start)
    last_at = None
    for event in events:
        last_at = event.at
        if event.kind not in PHASE_AFTER:
            continue
        if current:
            phases.append(Phase(current[0], current[1], current[2], event.at))
            current = None
        after = PHASE_AFTER[event.kind]
        if after:
            slot = event.slot.name if event.slot else "a slot"
            current = (after[0], after[1].format(slot=slot), event.at)
    if current:
        phases.append(Phase(current[0], current[1], current[2], now if live else last_at))
    return phases


@dataclass(frozen=True)
class Bar:
    row: int
    x: float  # percent of the chart's width
    width: float
    label: str
    seconds: float
    kind: str


def phase_bars(phases: list[Phase]) -> dict:
    """Percent geometry for the job timeline: one row per kind of phase."""
    if not phases:
        return {"bars": [], "rows": ROWS, "total_seconds": 0.0}
    start, end = phases[0].start, phases[-1].end
    total = max((end - start).total_seconds(), 0.001)
    row_of = {kind: index for index, (kind, _) in enumerate(ROWS)}
    bars = [
        Bar(
            row=row_of[phase.row],
            x=round(100 * (phase.start - start).total_seconds() / total, 2),
            width=round(max(0.4, 100 * phase.seconds / total), 2),
            label=phase.label,
            seconds=round(phase.seconds, 1),
            kind=phase.row,
        )
        for phase in phases
    ]
    lanes = [
        {"kind": kind, "label": label, "bars": [bar for bar in bars if bar.kind == kind]}
        for kind, label in ROWS
    ]
    return {"bars": bars, "rows": ROWS, "lanes": lanes, "total_seconds": round(total, 1),
            "ticks": seconds_ticks(total)}  # fmt: skip


JOIN = "join"


def segmented_bars(parent_events, segment_events: list[list], *, now: datetime, live: bool) -> dict:
    """A segmented job's timeline: one lane per segment (its waits, speech and render,
    coloured as a job's are) and one for the join, on one time axis from submit."""
    lanes = [
        (f"Segment {number}", job_phases(events, now=now, live=live))
        for number, events in enumerate(segment_events, 1)
    ]
    lanes.append(("Join", _join_phases(parent_events, now=now, live=live)))
    phases = [phase for _, lane in lanes for phase in lane]
    if not phases:
        return {"bars": [], "rows": ROWS, "total_seconds": 0.0}
    start = min([p.start for p in phases] + [e.at for e in parent_events[:1]])
    end = max(p.end for p in phases)
    total = max((end - start).total_seconds(), 0.001)
    out_lanes, bars = [], []
    for row, (label, lane) in enumerate(lanes):
        lane_bars = [
            Bar(
                row=row,
                x=round(100 * (phase.start - start).total_seconds() / total, 2),
                width=round(max(0.4, 100 * phase.seconds / total), 2),
                label=phase.label,
                seconds=round(phase.seconds, 1),
                kind=phase.row,
            )
            for phase in lane
        ]
        bars += lane_bars
        out_lanes.append({"kind": "segment", "label": label, "bars": lane_bars})
    return {"bars": bars, "rows": ROWS, "lanes": out_lanes, "total_seconds": round(total, 1),
            "ticks": seconds_ticks(total)}  # fmt: skip


def _join_phases(events, *, now: datetime, live: bool) -> list[Phase]:
    started = next((e.at for e in events if e.kind == "join_started"), None)
    if started is None:
        return []
    ended = next((e.at for e in events if e.at >= started and e.kind in ("joined", "failed",
                  "canceled")), None)  # fmt: skip
    return [Phase(VIDEO, "Joining the segments", started, ended or (now if live else started))]


TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def seconds_ticks(total: float, most: int = 6) -> list[tuple[float, str]]:
    """Axis ticks from 0 to ``total`` seconds at a round step, at most ``most`` + 1 of them."""
    step = next((s for s in TICK_STEPS if total / s <= most), TICK_STEPS[-1])
    ticks, at = [], 0
    while at <= total:
        label = f"{at} s" if step < 60 else f"{at // 60} min"
        ticks.append((round(100 * at / total, 2), label))
        at += step
    return ticks


def utilization_bars(spans, *, since: datetime, until: datetime) -> tuple[list[Bar], float]:
    """Percent geometry of one slot's busy spans in the window, and its busy share (0–100)."""
    window = (until - since).total_seconds()
    bars, busy = [], 0.0
    for start, end in sorted(spans):
        start, end = max(start, since), min(end, until)
        seconds = (end - start).total_seconds()
        if seconds <= 0:
            continue
        busy += seconds
        bars.append(
            Bar(
                row=0,
                x=round(100 * (start - since).total_seconds() / window, 2),
                width=round(max(0.2, 100 * seconds / window), 2),
                label="busy",
                seconds=round(seconds, 1),
                kind="busy",
            )
        )
    return bars, round(min(100.0, 100 * busy / window), 1)


def hour_ticks(since: datetime, minutes: int = 15) -> list[tuple[float, str]]:
    """Axis ticks every ``minutes`` across a one-hour window: (percent, 'HH:MM')."""
    ticks = []
    for step in range(0, 61, minutes):
        at = since + timedelta(minutes=step)
        ticks.append((round(100 * step / 60, 2), at.strftime("%H:%M")))
    return ticks
