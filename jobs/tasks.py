"""django-q2 entry points: thin, the services record every outcome."""

from . import stages
from .services import retention, sweeper


def run_stage(stage: str, job_id: str, slot_id: int, fence: int, resume: bool = False) -> str:
    return stages.run_stage(stage, job_id, slot_id, fence, resume)


def sweep() -> dict[str, int]:
    return sweeper.sweep()


def purge() -> int:
    """The retention schedule: purge finished jobs' media past their keeping time."""
    return len(retention.media_purge())
