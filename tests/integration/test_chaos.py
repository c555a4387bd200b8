"""bench/chaos.py at CI size: 12+ jobs on 3 fake GPU pairs while a stage worker is killed
(kill -9), the stage cluster is paused past its lease and resumed, PostgreSQL restarts
and the whole stage cluster is killed. The run uses a PostgreSQL cluster of its own
(pg_createcluster on a free port), never the one the other tests use."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("pg_createcluster") is None or os.geteuid() != 0,
                    reason="needs pg_createcluster, run as root")  # fmt: skip
def test_no_job_is_lost_bound_twice_rendered_twice_or_charged_an_attempt_by_faults(tmp_path):
    out = tmp_path / "chaos.json"
    port = free_port()
    run = subprocess.run(
        [sys.executable, "bench/chaos.py", "--ci", "--port", str(port),
         "--cluster", f"heygem-chaos-ci-{port}", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
        env={**os.environ, "DEBUG": "True"},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(out.read_text())

    summary = run.stdout[-3000:]
    assert figures["jobs"] >= 12, summary
    assert [f["kind"] for f in figures["faults"]] == ["worker", "pause", "db-restart",
                                                      "stage-cluster"], summary  # fmt: skip
    assert figures["lost"] == 0, summary
    assert figures["double_bindings"] == 0, summary
    assert figures["renders_twice"] == 0, summary
    assert figures["extra_attempts"] == 0, summary
    assert figures["orphan_clusters"] == 0, summary
    # The faults really struck: the pause and the cluster kill each took stages back, and
    # a struck slot was busy again within a lease and a sweep (and the pause). None: the
    # run ended with no more work for that slot.
    for fault in figures["faults"]:
        back = [b for b in fault["busy_again"] if b is not None]
        if fault["kind"] in ("pause", "stage-cluster"):
            assert back, summary
        assert all(b <= figures["bound_after"] for b in back), summary
    # A database restart is ridden out: no stage lost.
    assert [f["slots"] for f in figures["faults"] if f["kind"] == "db-restart"] == [[]], summary
