"""The sweep: take back slots whose worker vanished, re-admit quarantined slots, dispatch.

A render whose worker died is resumed on the same slot when its engine keeps
working without us (HeyGem): the new worker polls the same engine code. Any
other stage runs again, preferring another slot, without counting an attempt
(a dead worker is not the job's fault; ``job_stage_reclaimed``), and the slot is
released by the slot services (a draining slot ends disabled).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.models import Schedule

from ..engines import is_resumable
from ..models import GpuSlot, Host, Job
from .bindings import job_stage_reclaimed
from .dispatcher import SLOT_FIELD, bind, dispatch
from .slots import slot_probe, slot_release

SWEEP_SCHEDULE = "heygem-sweep"
SWEEP_TASK = "jobs.tasks.sweep"


def sweep() -> dict[str, int]:
    """Reclaim expired leases, re-admit quarantined slots, and dispatch."""
    reclaimed = sweep_leases()
    probed = sweep_probes()
    bound = dispatch()
    _rearm_sweep()
    return {"reclaimed": reclaimed, "probed": probed, "bound": bound}


def sweep_leases() -> int:
    """Take back slots whose worker stopped renewing; quick (no engine is called).

    The slots of a stopping host are left alone: the render its worker handed
    back resumes when the host's workers come back (or when it is gone for good
    and an operator moves its slots).
    """
    now = timezone.now()
    stopping = Host.objects.filter(stopping=True).values("name")
    expired = (
        GpuSlot.objects.filter(lease_until__lt=now)
        .exclude(host__in=stopping)
        .values_list("pk", "stage", "fence")
    )
    return sum(_reclaim(slot_id, stage, fence, now) for slot_id, stage, fence in expired)


def sweep_probes(host: str = "") -> int:
    """Probe this host's (or ``host``'s) unhealthy and engine-busy slots, each at most
    once a sweep period.

    Only this host's: an engine's address may be loopback, which from another box
    is that box's own engine, and a probe cleans the orphan files in the data dir.
    """
    quiet = timezone.now() - timedelta(seconds=settings.HEYGEM["SWEEP_SECONDS"])
    stale_probe = Q(last_probe_at__isnull=True) | Q(last_probe_at__lt=quiet)
    probed = 0
    for slot in (
        GpuSlot.objects.filter(
            host=host or settings.HEYGEM["HOST"], enabled=True, lease_until__isnull=True
        )
        .filter(Q(healthy=False) | Q(engine_busy=True))
        .filter(stale_probe)
    ):
        slot_probe(slot=slot)
        probed += 1
    return probed


def _reclaim(slot_id: int, stage: str, fence: int, now: datetime) -> int:
    # Job first, then slot: the order every other writer of a binding locks in.
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(fence=fence, **{SLOT_FIELD[stage]: slot_id})
            .first()
        )
        slot = (
            GpuSlot.objects.select_for_update(skip_locked=True)
            .filter(pk=slot_id, fence=fence, lease_until__lt=now)
            .first()
        )
        if slot is None:  # renewed meanwhile, or another sweeper has it
            return 0
        # A render resumes where its engine runs, unless that host's workers are gone:
        # then it runs again on a host that works.
        host_gone = Host.objects.not_working().filter(name=slot.host).exists()
        keeps_rendering = (
            is_resumable(slot.backend) and job is not None and bool(job.engine_code)
            and not host_gone
        )  # fmt: skip
        if job is not None and job.status == Job.RUNNING_IN[stage]:
            if keeps_rendering:
                bind(job=job, slot=slot, now=now, resume=True)
            else:
                job_stage_reclaimed(
                    job_id=job.pk, stage=stage, slot_id=slot.pk, fence=fence,
                    error=f"The worker running this stage on {slot.name} stopped answering.",
                )  # fmt: skip
            return 1
        # The job ended meanwhile (canceled): an engine that renders on without a
        # worker keeps the slot out until a probe sees the task end.
        orphan = job.engine_code if keeps_rendering and job is not None else ""
        slot_release(slot_id=slot.pk, fence=fence, success=True, orphan_code=orphan)
    return 1


def _rearm_sweep() -> None:
    """A schedule's period is at least a minute; a shorter sweep re-arms itself.

    The schedule is the backstop for a site run on plain ``qcluster``: django-q2
    looks at schedules every 30 s. ``manage.py workers`` sweeps on its own clock.
    """
    seconds = settings.HEYGEM["SWEEP_SECONDS"]
    if seconds < 60:
        Schedule.objects.filter(name=SWEEP_SCHEDULE).update(
            next_run=timezone.now() + timedelta(seconds=seconds)
        )


def sweep_schedule_ensure() -> None:
    """The periodic sweep, made after every migrate (a test-database flush would lose a row
    made by a data migration)."""
    Schedule.objects.get_or_create(
        name=SWEEP_SCHEDULE,
        defaults={
            "func": SWEEP_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,  # the sweep re-arms itself when HEYGEM_SWEEP_SECONDS < 60
            "repeats": -1,
        },
    )
