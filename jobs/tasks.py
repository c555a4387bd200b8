"""django-q2 entry points: thin, the services record every outcome."""

from . import joining, stages
from .services import jobs, retention, sweeper


def run_stage(stage: str, job_id: str, slot_id: int, fence: int, resume: bool = False) -> str:
    return stages.run_stage(stage, job_id, slot_id, fence, resume)


def sweep() -> dict[str, int]:
    return sweeper.sweep()


def purge() -> int:
    """The retention schedule: purge finished jobs' media past their keeping time."""
    return len(retention.media_purge())


def join_segments(job_id: str) -> str:
    return joining.join_segments(job_id)


def segment_speaker(job_id: str) -> str:
    return stages.prepare_speaker(job_id)


def segments_sound(job_id: str) -> str:
    return joining.prepare_sound(job_id)


def segment_failed(job_id: str, error: str) -> bool:
    return jobs.job_segments_abort(job_id=job_id, error=error)
