"""When will each live job be done: the two-stage queue played forward (plain Python).

Every live job, in the dispatcher's order, takes the first free slot of its
stage (speech, then video), no earlier than its retry backoff ends; a running
stage holds its slot for what its estimate has left. Stage times come from a
per-stage model ``fixed + per_audio_second × audio seconds``, fitted to the
jobs that finished lately (selectors.stage_speeds), so the estimate for a job
counts the real lengths of the jobs ahead of it, not its own length times its
place in line.
"""

import heapq
from dataclasses import dataclass
from datetime import datetime

QUEUED, SYNTHESIZING, AUDIO_READY, RENDERING = "queued", "synthesizing", "audio_ready", "rendering"


@dataclass(frozen=True)
class StageModel:
    per_audio_second: float
    fixed: float
    slots: int

    def seconds(self, audio: float) -> float:
        return max(0.1, self.fixed + self.per_audio_second * audio)


@dataclass(frozen=True)
class LiveJob:
    key: object
    status: str
    audio_seconds: float  # measured, or guessed from the text before the speech exists
    tts_started_at: datetime | None = None
    render_started_at: datetime | None = None
    not_before: datetime | None = None


def fit(samples: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least squares ``seconds = fixed + per × audio`` over (audio, seconds); None if too few."""
    if len(samples) < 5:
        return None
    n = len(samples)
    mean_a = sum(a for a, _ in samples) / n
    mean_s = sum(s for _, s in samples) / n
    spread = sum((a - mean_a) ** 2 for a, _ in samples)
    if spread < 1e-6:  # all one length: the ratio is all we can know
        return (mean_s / mean_a if mean_a else 0.0), 0.0
    per = sum((a - mean_a) * (s - mean_s) for a, s in samples) / spread
    fixed = mean_s - per * mean_a
    if per <= 0 or fixed < 0:  # noise: fall back to the plain ratio
        ratio = sum(s for _, s in samples) / max(1e-6, sum(a for a, _ in samples))
        return ratio, 0.0
    return per, fixed


def finish_in(jobs: list[LiveJob], *, tts: StageModel, video: StageModel, now: datetime) -> dict:
    """Seconds from ``now`` until each job is done, keyed by ``LiveJob.key``.

    ``jobs`` in the dispatcher's order (priority, then age). A stage without a
    usable slot leaves its jobs (and those behind them) without an estimate.
    """
    tts_free = _slots(tts.slots)
    video_free = _slots(video.slots)
    ready_for_video: list[tuple[float, int, LiveJob]] = []

    def left(model: StageModel, job: LiveJob, started: datetime | None) -> float:
        spent = (now - started).total_seconds() if started else 0.0
        return max(1.0, model.seconds(job.audio_seconds) - spent)

    # Running stages hold their slots first.
    for job in jobs:
        if job.status == SYNTHESIZING and tts_free is not None:
            end = left(tts, job, job.tts_started_at)
            _take(tts_free, 0.0, end)
            ready_for_video.append((end, len(ready_for_video), job))
        elif job.status == RENDERING and video_free is not None:
            _take(video_free, 0.0, left(video, job, job.render_started_at))
    for job in jobs:
        if job.status == QUEUED and tts_free is not None:
            start = max(0.0, _after(job.not_before, now))
            end = _take(tts_free, start, tts.seconds(job.audio_seconds))
            ready_for_video.append((end, len(ready_for_video), job))
        elif job.status == AUDIO_READY:
            ready_for_video.append((_after(job.not_before, now), len(ready_for_video), job))
    done: dict = {}
    for job in jobs:
        if job.status == RENDERING and video_free is not None:
            done[job.key] = left(video, job, job.render_started_at)
    if video_free is None:
        return done
    for ready, _, job in sorted(ready_for_video, key=lambda item: (item[0], item[1])):
        done[job.key] = _take(video_free, ready, video.seconds(job.audio_seconds))
    return done


def _slots(count: int) -> list[float] | None:
    return [0.0] * count if count > 0 else None


def _take(free: list[float], ready: float, seconds: float) -> float:
    """Run ``seconds`` of work on the slot free first, no earlier than ``ready``; its end."""
    start = max(ready, heapq.heappop(free))
    end = start + seconds
    heapq.heappush(free, end)
    return end


def _after(moment: datetime | None, now: datetime) -> float:
    return max(0.0, (moment - now).total_seconds()) if moment else 0.0
