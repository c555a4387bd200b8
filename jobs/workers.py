"""One box's workers: `manage.py workers` keeps a worker for every slot, and sweeps.

Why a supervisor around django-q2: a stage holds its worker process for its whole
run, so a cluster with fewer workers than slots leaves GPUs idle while tasks wait
in its queue. The supervisor runs two django-q2 clusters as child processes:

* the **stage cluster** of this host (queue ``heygem-stages-<host>``): one worker
  per enabled slot of the host plus ``HEYGEM_SPARE_WORKERS``. When the slots change
  it starts a cluster of the new size first, then stops the old one gracefully:
  the old one takes no task from then on and its running stages finish; nothing
  is interrupted and no operator re-sizes anything.
* the **aux cluster** (the site's default queue): webhooks and schedules, so a
  burst of slow deliveries never delays a stage.

It also sweeps on its own clock, at start and every ``HEYGEM_SWEEP_SECONDS``
(django-q2 first runs schedules about 30 s after a start, so a crash loop would
otherwise never reclaim anything), and restarts a child that dies.

Stopping (SIGTERM or SIGINT, to this process or its process group; the children
run in their own sessions so a group signal reaches only the supervisor): the host
is marked stopping, so no new stage is bound to it; every running stage is told to
hand its binding back at its next heartbeat (SIGUSR1 to the stage workers; a
render HeyGem keeps working on is resumed by the next worker, any other stage is
queued again, no attempt counted); then the clusters stop. Past
``HEYGEM_STOP_GRACE_SECONDS`` whatever is left is killed and reclaimed later.
"""

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from . import stages
from .models import GpuSlot, Host
from .services import dispatch, sweeper
from .services.dispatcher import stage_queue

logger = logging.getLogger(__name__)
MANAGE = Path(settings.BASE_DIR) / "manage.py"
# How often the pool looks at the slots and its children.
CHECK_SECONDS = 1.0
# A child that keeps dying is restarted after 1, 2, 4 … seconds, at most this.
RESTART_BACKOFF_MAX = 30.0


# prctl(PR_SET_PDEATHSIG): loaded here, as a forked child of a threaded process must
# not load libraries.
PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _child_setup(supervisor: int) -> None:
    # Inherited through fork and exec: only a worker that runs a stage listens
    # for the stop signal (jobs.stages); the cluster's other processes ignore it.
    signal.signal(stages.STOP_SIGNAL, signal.SIG_IGN)
    # A cluster lives in a session of its own, so nothing else ends it when the
    # supervisor dies (kill -9, OOM): it would work on as an orphan beside the
    # clusters of the supervisor that replaces it. It is told to stop gracefully
    # instead: it takes no task from then on, and its running stages finish.
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != supervisor:  # died before the prctl took hold
            os.kill(os.getpid(), signal.SIGTERM)


@dataclass
class Cluster:
    """One ``manage.py qcluster`` child, in a session (process group) of its own."""

    queue: str
    workers: int
    scheduler: bool
    proc: subprocess.Popen | None = None
    started: float = 0.0
    failures: int = 0
    not_before: float = 0.0

    def start(self) -> None:
        env = {
            **os.environ,
            "Q_CLUSTER_NAME": self.queue,
            "Q_WORKERS": str(self.workers),
            "Q_SCHEDULER": "true" if self.scheduler else "false",
        }
        self.proc = subprocess.Popen(
            [sys.executable, str(MANAGE), "qcluster"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
            preexec_fn=partial(_child_setup, os.getpid()),
        )
        self.started = time.monotonic()
        logger.info("started %s cluster with %d workers (pid %d)", self.queue, self.workers,
                    self.proc.pid)  # fmt: skip

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        """Graceful: django-q2 stops pulling tasks at once, running ones finish."""
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)

    def reap(self) -> None:
        """After its main process ended: nothing of its session may outlive it."""
        self.signal_group(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()


class Pool:
    def __init__(self, *, host: str, clock: Callable[[], float] = time.monotonic):
        self.host = host
        self.config = settings.HEYGEM
        self.stop_event = threading.Event()
        self.clock = clock
        self.stage: Cluster | None = None
        self.retiring: list[Cluster] = []
        self.aux = Cluster(
            queue=settings.Q_CLUSTER["name"], workers=self.config["AUX_WORKERS"], scheduler=True
        )

    # --- running ------------------------------------------------------------------

    def run(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stop_event.set())
        self._host_update(stopping=False, pid=os.getpid(), started_at=timezone.now())
        sweeping = threading.Thread(target=self._sweep_loop, name="sweep", daemon=True)
        probing = threading.Thread(target=self._probe_loop, name="probe", daemon=True)
        sweeping.start()
        probing.start()
        try:
            while not self.stop_event.is_set():
                self._keep_clusters()
                self.stop_event.wait(CHECK_SECONDS)
        finally:
            self._shutdown()
            sweeping.join(timeout=5)
            probing.join(timeout=5)

    def wanted_workers(self) -> int:
        enabled = GpuSlot.objects.filter(host=self.host, enabled=True).count()
        return enabled + self.config["SPARE_WORKERS"]

    def _keep_clusters(self) -> None:
        try:
            wanted = self.wanted_workers()
            self._host_update(stage_workers=wanted, seen_at=timezone.now())
        except DatabaseError as exc:
            # Keep what runs: workers ride out an outage on their own.
            logger.warning("workers: the database is unreachable: %s", exc)
            close_old_connections()
            wanted = self.stage.workers if self.stage else 0
        if wanted and (self.stage is None or self._resize_needed(wanted)):
            self._replace_stage_cluster(wanted)
        for cluster in filter(None, (self.stage, self.aux)):
            if not cluster.alive():
                self._restart(cluster)
        for cluster in list(self.retiring):
            if not cluster.alive():
                cluster.reap()
                self.retiring.remove(cluster)

    def _resize_needed(self, wanted: int) -> bool:
        assert self.stage is not None
        # Grow at once; shrink only past the spares, so a slot toggled on and off
        # does not start a cluster each time.
        return (
            wanted > self.stage.workers
            or wanted < self.stage.workers - self.config["SPARE_WORKERS"]
        )

    def _replace_stage_cluster(self, workers: int) -> None:
        old = self.stage
        self.stage = Cluster(queue=stage_queue(self.host), workers=workers, scheduler=False)
        self.stage.start()  # the new one first: the queue is never without workers
        if old is not None:
            old.stop()
            self.retiring.append(old)

    def _restart(self, cluster: Cluster) -> None:
        now = self.clock()
        if cluster.proc is not None and cluster.not_before == 0.0:
            # It died: whatever it ran is reclaimed by the sweep (leases expire).
            cluster.reap()
            ran = now - cluster.started
            cluster.failures = 0 if ran > 60 else cluster.failures + 1
            delay = (
                min(RESTART_BACKOFF_MAX, 2.0 ** (cluster.failures - 1)) if cluster.failures else 0
            )
            cluster.not_before = now + delay
            logger.warning("%s cluster exited (code %s); restarting in %.0f s", cluster.queue,
                           cluster.proc.returncode, delay)  # fmt: skip
        if now >= cluster.not_before:
            cluster.not_before = 0.0
            cluster.start()

    def _sweep_loop(self) -> None:
        """Leases first and on a clock of their own: a probe may wait on a slow engine."""
        self._every(lambda: (sweeper.sweep_leases(), dispatch()))

    def _probe_loop(self) -> None:
        self._every(lambda: sweeper.sweep_probes(host=self.host))

    def _every(self, action: Callable[[], object]) -> None:
        try:
            while not self.stop_event.is_set():
                try:
                    action()
                except DatabaseError as exc:
                    logger.warning("sweep: the database is unreachable: %s", exc)
                    close_old_connections()
                except Exception:
                    logger.exception("sweep failed")
                self.stop_event.wait(self.config["SWEEP_SECONDS"])
        finally:
            connection.close()

    # --- stopping ------------------------------------------------------------------

    def _shutdown(self) -> None:
        try:
            self._host_update(stopping=True)
        except DatabaseError as exc:
            logger.warning("workers: could not mark %s stopping: %s", self.host, exc)
        stage_clusters = [c for c in (self.stage, *self.retiring) if c is not None]
        for cluster in stage_clusters:
            cluster.signal_group(stages.STOP_SIGNAL)  # running stages hand back
        for cluster in (*stage_clusters, self.aux):
            cluster.stop()
        deadline = self.clock() + self.config["STOP_GRACE_SECONDS"]
        for cluster in (*stage_clusters, self.aux):
            while cluster.alive() and self.clock() < deadline:
                time.sleep(0.1)
            cluster.reap()

    def _host_update(self, **fields) -> None:
        Host.objects.update_or_create(name=self.host, defaults=fields)
        close_old_connections()
