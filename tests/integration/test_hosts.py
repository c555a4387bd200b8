"""Two GPU boxes sharing one database: each runs `manage.py workers` for its own slots."""

import pytest
from django_q.models import Task

from jobs import services
from jobs.models import GpuSlot, Job
from tests.conftest import register_fake_pairs, wait_for
from tests.fakes import fake_gpu_pairs

pytestmark = pytest.mark.integration


def done(ids) -> bool:
    return not Job.objects.filter(pk__in=ids, status__in=Job.LIVE_STATUSES).exists()


def stage_tasks_by_queue() -> dict[str, set[str]]:
    """Host of the slot each stage task ran for -> the queues (clusters) that ran them."""
    ran: dict[str, set[str]] = {}
    for name, cluster in Task.objects.filter(func="jobs.tasks.run_stage").values_list(
        "name", "cluster"
    ):
        stage, rest = name.split("-", 1)  # task names are <stage>-<job id>-<fence>
        job_id = rest.rsplit("-", 1)[0]
        job = Job.objects.get(pk=job_id)
        slot = job.tts_slot if stage == "tts" else job.video_slot
        ran.setdefault(slot.host, set()).add(cluster)
    return ran


def test_each_box_runs_its_own_slots_and_a_dead_box_loses_only_its_slots(workers, tmp_path, owner):
    with fake_gpu_pairs(tmp_path, 2, video_options={"render_seconds": 1.0}) as pairs:
        register_fake_pairs(pairs)
        GpuSlot.objects.filter(gpu="gpu0").update(host="box-a")
        GpuSlot.objects.filter(gpu="gpu1").update(host="box-b")
        fast = {"HEYGEM_RENDER_POLL_SECONDS": 0.2, "HEYGEM_LEASE_SECONDS": 3}
        workers(HEYGEM_HOST="box-a", **fast)
        box_b = workers(HEYGEM_HOST="box-b", **fast)

        first = [services.job_create(owner=owner, text=f"Lesson {n}.") for n in range(6)]
        wait_for(lambda: done([j.pk for j in first]), timeout=120, message="jobs still running")
        assert set(Job.objects.values_list("status", flat=True)) == {"succeeded"}
        # Jobs flowed over both boxes, and every stage ran on the cluster of its slot's box.
        assert set(Job.objects.values_list("video_slot__host", flat=True)) == {"box-a", "box-b"}
        assert stage_tasks_by_queue() == {
            "box-a": {"heygem-stages-box-a"}, "box-b": {"heygem-stages-box-b"},
        }  # fmt: skip

        box_b.kill()  # the box disappears mid-queue: its leases expire, its work moves on
        later = [services.job_create(owner=owner, text=f"After {n}.") for n in range(4)]
        wait_for(lambda: done([j.pk for j in later]), timeout=120, message="work never moved")
        for job in Job.objects.filter(pk__in=[j.pk for j in later]):
            assert job.status == Job.Status.SUCCEEDED, job.error
            assert job.attempt == 0
