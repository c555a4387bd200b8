import json
import subprocess
import sys
from collections import defaultdict

import pytest

from jobs.models import GpuSlot, Job
from tests.conftest import ROOT, child_process_env

PROCESSES = 8
JOBS = 200


@pytest.mark.django_db(transaction=True)
def test_eight_racing_dispatchers_never_bind_one_slot_twice(owner, media_root):
    slots = [GpuSlot.objects.create(name=f"tts{i}", stage="tts", backend="espeak")
             for i in range(3)]  # fmt: skip
    Job.objects.bulk_create(
        Job(owner=owner, text=f"job {i}", spoken_text=f"job {i}") for i in range(JOBS)
    )
    env = child_process_env(media_root)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.jobs.contention_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(PROCESSES)
    ]
    lines = []
    for proc in procs:
        out, _ = proc.communicate(timeout=180)
        assert proc.returncode == 0
        lines += [json.loads(line) for line in out.splitlines()]

    bindings = [line for line in lines if "job" in line]
    overlaps = sum(line.get("overlaps", 0) for line in lines)
    assert sum("overlaps" in line for line in lines) == PROCESSES  # every process reported
    assert overlaps == 0, "a worker saw a second job on the slot it was given"
    assert len(bindings) == JOBS
    assert len({b["job"] for b in bindings}) == JOBS, "a job was bound twice"
    fences = defaultdict(list)
    for b in bindings:
        fences[b["slot"]].append(b["fence"])
    for slot in slots:
        slot.refresh_from_db()
        # Every take of the slot bumped the fence exactly once: no two bindings
        # ever shared a fence, and none went unrecorded.
        assert sorted(fences[slot.pk]) == list(range(1, slot.fence + 1))
        assert slot.lease_until is None
    assert sum(len(f) for f in fences.values()) == JOBS
    assert Job.objects.filter(status="audio_ready").count() == JOBS
