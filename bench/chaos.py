"""Chaos benchmark: jobs keep flowing while workers, clusters, the supervisor and the
database are struck.

    .venv/bin/python bench/chaos.py                  # >= 100 jobs on 3 fake GPU pairs
    .venv/bin/python bench/chaos.py --ci --json out  # the small run tests/integration uses

Everything runs against a PostgreSQL cluster the script makes for itself
(`pg_createcluster 15 heygem-chaos -p 5544`, dropped with `pg_dropcluster --stop` at
the end), so restarting the database disturbs nothing else. Fake GPU pairs (tests/fakes)
in this process; a real `manage.py workers` at default settings except
HEYGEM_LEASE_SECONDS=15: every fault that kills a stage costs its slot up to one lease
plus one sweep, so at the default 60 s ten faults would idle the GPUs for ten minutes
without testing anything the short lease does not (the lease is still 3 renewals and
far longer than a database restart, which stages must ride out). `--lease 60` runs at
the default.

Faults, one at a time at random moments (seeded), while work is always waiting:
- worker: kill -9 of one stage worker that is running a stage;
- stage-cluster / aux-cluster: kill -9 of a whole qcluster child (its session);
- supervisor: kill -9 of `manage.py workers` alone (its clusters stay), then a restart;
- box: kill -9 of the supervisor and every cluster, then a restart;
- pause: SIGSTOP of the stage cluster for a lease + 5 s, then SIGCONT;
- db-restart: `pg_ctlcluster 15 heygem-chaos restart`.

Printed: jobs lost (not succeeded), double bindings (a slot or a job with two live
bindings at once, walked from the jobs' events in commit order), renders done twice
(the fake engines' accepted submissions: a code submitted again, or a code no job kept;
and codes that completed without being the job's result), extra attempts (Job.attempt
> 0: the fakes never fail), and per fault the time until its slots were busy again (a
new binding on the slot: a resumed render or the next job).
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_VERSION = "15"
FULL_FAULTS = ["worker", "stage-cluster", "pause", "db-restart", "worker", "supervisor",
               "box", "worker", "aux-cluster", "pause", "db-restart", "worker", "stage-cluster",
               "box"]  # fmt: skip
CI_FAULTS = ["worker", "pause", "db-restart", "stage-cluster"]
WORDS = ("water evaporates from the sea rises as vapour cools into clouds and falls again as "
         "rain that the rivers carry back to the sea").split()  # fmt: skip


def text_of(n: int, chars: int) -> str:
    words, out = WORDS[n % len(WORDS) :] + WORDS, []
    while len(" ".join(out)) < chars - 12:
        out.append(words[len(out) % len(words)])
    return (f"Lesson {n}. " + " ".join(out))[:chars].rstrip() + "."


# --- the database cluster of this run ---------------------------------------------------


@contextmanager
def pg_cluster(name: str, port: int):
    """A PostgreSQL cluster of our own on ``port``; dropped (stopped first) on exit."""
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if any(line.split()[:2] == [PG_VERSION, name] for line in listed.splitlines()):
        subprocess.run(["pg_dropcluster", PG_VERSION, name, "--stop"], check=True)
    # fsync off: a restart is a clean shutdown, and the run must not load the shared disk.
    subprocess.run(["pg_createcluster", PG_VERSION, name, "-p", str(port), "-o", "fsync=off",
                    "-o", "max_connections=200", "--", "--auth=trust"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        subprocess.run(["pg_ctlcluster", PG_VERSION, name, "start"], check=True)
        yield f"postgres://postgres@127.0.0.1:{port}/heygem_chaos"
    finally:
        subprocess.run(["pg_dropcluster", PG_VERSION, name, "--stop"], check=False)


def pg_restart(name: str) -> None:
    subprocess.run(["pg_ctlcluster", PG_VERSION, name, "restart", "-m", "fast"], check=True)


def retrying(action, seconds: float = 60.0):
    """Our own queries ride out the database restarts too."""
    from django.db import DatabaseError, close_old_connections

    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except DatabaseError:
            close_old_connections()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# --- processes --------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def environ_of(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0")
                if "=" in item)  # fmt: skip


def killpg(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


class Supervisor:
    """One `manage.py workers` we started; every process it made is a PID we know."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.proc: subprocess.Popen | None = None
        self.groups: set[int] = set()  # every cluster session seen, for the final clean-up

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "manage.py", "workers"], cwd=ROOT,
                                         env=self.env, stdout=log, stderr=log,
                                         start_new_session=True)  # fmt: skip

    def clusters(self) -> dict[str, int]:
        """queue name -> pid (= session id) of each qcluster child."""
        assert self.proc is not None
        out = {}
        for pid in children(self.proc.pid):
            self.groups.add(pid)
            name = environ_of(pid).get("Q_CLUSTER_NAME", "")
            out["stage" if name.startswith("heygem-stages") else "aux"] = pid
        return out

    def kill_alone(self) -> None:
        assert self.proc is not None
        self.clusters()
        self.proc.kill()
        self.proc.wait()

    def kill_box(self) -> None:
        assert self.proc is not None
        groups = [self.proc.pid, *self.clusters().values()]
        for group in groups:
            killpg(group, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.clusters()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for group in [*(p for p in [self.proc.pid] if self.proc), *self.groups]:
            killpg(group, signal.SIGCONT)
            killpg(group, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()


def stage_worker_pids(cluster: int, port: int) -> list[int]:
    """Workers of the stage cluster that are running a stage now.

    A stage touches its binding at least every half second (a cancel check); the
    cluster's pusher and monitor only ever query django-q2's tables. A worker is
    matched to its database session by the client port of its socket.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT client_port, query FROM pg_stat_activity WHERE datname = "
                       "current_database() AND query_start > now() - interval '1.5 s'")  # fmt: skip
        recent = {port_: query for port_, query in cursor.fetchall()}
    socket_ports = _sockets_to(port)
    busy = []
    for pid in descendants(cluster):
        for inode in _socket_inodes(pid):
            query = recent.get(socket_ports.get(inode))
            if query and '"fence" =' in query and "django_q" not in query:
                busy.append(pid)
                break
    return busy


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                out.add(target[8:-1])
    except OSError:
        pass
    return out


def _sockets_to(port: int) -> dict[str, int]:
    """inode -> local port of every TCP socket connected to ``port``."""
    out = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(remote.rsplit(":", 1)[1], 16) == port:
                out[inode] = int(local.rsplit(":", 1)[1], 16)
    return out


# --- the run ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--lease", type=float, default=15.0, help="HEYGEM_LEASE_SECONDS")
    parser.add_argument("--port", type=int, default=5544)
    parser.add_argument("--cluster", default="heygem-chaos", help="PostgreSQL cluster name")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--faults", help="comma-separated fault kinds (default: a full mix)")
    parser.add_argument("--ci", action="store_true", help="12 jobs, 4 faults, lease 5 s")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()
    if args.ci:
        args.jobs, args.lease = min(args.jobs, 12), 5.0
    faults = args.faults.split(",") if args.faults else (CI_FAULTS if args.ci else FULL_FAULTS)
    work = Path(tempfile.mkdtemp(prefix="heygem-bench-chaos-"))
    with pg_cluster(args.cluster, args.port) as url:
        os.environ.update(
            DATABASE_URL=url, MEDIA_ROOT=str(work / "media"),
            # This process binds too (job_create dispatches): the same lease as the workers.
            HEYGEM_LEASE_SECONDS=str(args.lease),
            DJANGO_SETTINGS_MODULE="heygem_site.settings",
            DEBUG=os.environ.get("DEBUG", "True"),
        )  # fmt: skip
        subprocess.run([sys.executable, "deploy/ensure_database.py"], cwd=ROOT, check=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
        import django

        django.setup()
        try:
            result = run(args, faults, work)
        finally:
            from django.db import connections

            connections.close_all()
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))


def run(args, faults: list[str], work: Path) -> dict:
    from django.contrib.auth import get_user_model

    from jobs import services
    from jobs.models import Job
    from tests.fakes import FakeHeyGem, fake_gpu_pairs, make_test_video

    owner = get_user_model().objects.create_user("chaos")
    submitted: dict[str, list[tuple[float, str]]] = {}  # code -> (time, answer) per submit
    completed: dict[str, int] = {}  # code -> renders that reached status 2
    lock = threading.Lock()
    real_submit, real_set = FakeHeyGem._submit, FakeHeyGem._set

    def recording_submit(self, raw):
        answer = real_submit(self, raw)
        try:
            code, outer = str(json.loads(raw)["code"]), json.loads(answer)["code"]
        except (ValueError, KeyError, TypeError):
            return answer
        with lock:
            submitted.setdefault(code, []).append((time.time(), outer))
        return answer

    def recording_set(self, run_, **changes):
        real_set(self, run_, **changes)
        if changes.get("status") == 2:
            with lock:
                completed[str(run_.code)] = completed.get(str(run_.code), 0) + 1

    FakeHeyGem._submit, FakeHeyGem._set = recording_submit, recording_set
    rng = random.Random(args.seed)
    log = work / "workers.log"
    env = {**os.environ, "Q_LOG_LEVEL": "WARNING"}
    sup = Supervisor(env, log)
    struck: list[dict] = []
    started = time.time()
    with ExitStack() as stack:
        pairs = stack.enter_context(fake_gpu_pairs(
            work / "engines", args.pairs,
            video_options={"render_seconds": 1.0, "render_seconds_per_audio_second": 0.3,
                           "keep_intermediates": False},
            tts_options={"seconds_per_char": 0.008},
        ))  # fmt: skip
        for i, pair in enumerate(pairs):
            services.slot_create(name=f"gpu{i}-video", stage="video", backend="heygem",
                                 gpu=f"gpu{i}", base_url=pair.video_url,
                                 data_dir=str(pair.video_data_dir))  # fmt: skip
            services.slot_create(name=f"gpu{i}-tts", stage="tts", backend="fish_speech",
                                 gpu=f"gpu{i}", base_url=pair.tts_url,
                                 data_dir=str(pair.tts_data_dir))  # fmt: skip
        speaker = make_test_video(work / "speaker.mp4", 2.0, size="160x120", audio=False)
        sup.start()
        stack.callback(sup.stop)
        made = 0
        # A fault's slots are back (lease + sweep) before the next one strikes.
        gap = args.lease + 5.0 + (2.0 if args.ci else 3.0)
        next_fault = time.monotonic() + gap
        todo = list(faults)
        chars = 150
        while todo or made < args.jobs:
            live = retrying(lambda: Job.objects.filter(status__in=Job.LIVE_STATUSES).count())
            # Always work waiting behind every slot, never a flood: a fault strikes a full box.
            while live < 3 * args.pairs and (made < args.jobs or todo):
                retrying(lambda n=made: services.job_create(owner=owner, text=text_of(n, chars),
                                                            video=speaker))  # fmt: skip
                made, live = made + 1, live + 1
            if todo and time.monotonic() >= next_fault:
                kind = todo.pop(0)
                fault = strike(kind, sup, args, rng)
                if fault is None:  # no worker was running a stage at this moment: soon again
                    todo.insert(0, kind)
                    next_fault = time.monotonic() + 0.3
                    continue
                struck.append(fault)
                next_fault = time.monotonic() + gap + (0 if args.ci else rng.uniform(0, gap / 2))
            time.sleep(0.2)
        deadline = time.monotonic() + 300
        while retrying(lambda: Job.objects.filter(status__in=Job.LIVE_STATUSES).exists()):
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        finished = time.time()
        orphans = [pid for pid in sup.groups if pid not in children(sup.proc.pid)
                   and Path(f"/proc/{pid}").exists()]  # fmt: skip
    FakeHeyGem._submit, FakeHeyGem._set = real_submit, real_set
    text = log.read_text(errors="replace") if log.exists() else ""
    return analyse(struck, submitted, completed, started, finished, args, orphans, text)


def strike(kind: str, sup: Supervisor, args, rng: random.Random) -> dict | None:
    """One fault; its wall-clock time and what it hit."""
    at = time.time()
    info: dict = {"kind": kind, "at": at}
    clusters = sup.clusters()
    if kind == "worker":
        busy = stage_worker_pids(clusters.get("stage", 0), args.port) if clusters else []
        if not busy:
            return None
        pid = rng.choice(busy)
        os.kill(pid, signal.SIGKILL)
        info["pid"] = pid
    elif kind in ("stage-cluster", "aux-cluster"):
        killpg(clusters[kind.split("-")[0]], signal.SIGKILL)
    elif kind == "supervisor":
        sup.kill_alone()
        time.sleep(rng.uniform(0.5, 3.0))
        sup.start()
    elif kind == "box":
        sup.kill_box()
        time.sleep(rng.uniform(0.5, 3.0))
        sup.start()
    elif kind == "pause":
        group = clusters["stage"]
        killpg(group, signal.SIGSTOP)
        time.sleep(args.lease + 5.0)
        killpg(group, signal.SIGCONT)
        info["paused"] = args.lease + 5.0
    elif kind == "db-restart":
        pg_restart(args.cluster)
        info["restart_took"] = time.time() - at
    else:
        raise SystemExit(f"unknown fault {kind!r}")
    print(f"  {datetime.fromtimestamp(at):%H:%M:%S} {kind}", flush=True)
    return info


# --- what happened ----------------------------------------------------------------------


def analyse(struck, submitted, completed, started, finished, args, orphans, log) -> dict:
    from jobs.models import GpuSlot, Job, JobEvent

    Kind = JobEvent.Kind
    jobs = {str(j.pk): j for j in Job.objects.all()}
    slots = {s.pk: s for s in GpuSlot.objects.all()}
    events = list(JobEvent.objects.order_by("at", "id").values("job_id", "kind", "slot_id", "at"))
    # Walk the bindings: a start event opens (job, slot), the job's next stage end closes it.
    holder: dict[int, str] = {}  # slot -> job holding it
    held: dict[str, int] = {}  # job -> slot it holds
    doubles: list[str] = []
    busy_again: dict[int, list[float]] = {}  # slot -> times a binding began
    takeovers: list[tuple[float, int]] = []  # (time, slot) the sweep took a binding back
    for ev in events:
        job, slot, kind, at = str(ev["job_id"]), ev["slot_id"], ev["kind"], ev["at"].timestamp()
        if kind in JobEvent.STAGE_STARTS:
            busy_again.setdefault(slot, []).append(at)
            if kind in (Kind.TTS_RESUMED, Kind.VIDEO_RESUMED):
                takeovers.append((at, slot))
            if holder.get(slot, job) != job:
                doubles.append(f"slot {slots[slot].name}: {job} bound while {holder[slot]} held it")
            if held.get(job, slot) != slot:
                doubles.append(f"job {job}: bound to {slots[slot].name} while it held "
                               f"{slots[held[job]].name}")  # fmt: skip
            holder[slot], held[job] = job, slot
            continue
        ends = kind in JobEvent.STAGE_ENDS or (
            kind == Kind.HANDED_BACK and slot in slots and slots[slot].stage == "tts"
        )
        if kind == Kind.RECLAIMED:
            takeovers.append((at, slot))
        if ends and held.get(job) is not None:
            holder.pop(held.pop(job), None)
    lost = [j for j in jobs.values() if j.status != Job.Status.SUCCEEDED]
    final_codes = {j.engine_code for j in jobs.values()}
    accepted = {code: sum(1 for _, outer in subs if outer == 10000)
                for code, subs in submitted.items()}  # fmt: skip
    resubmitted = sum(n - 1 for n in accepted.values() if n > 1)
    stray = [code for code, n in accepted.items() if n and code not in final_codes]
    wasted = [code for code, n in completed.items() if code not in final_codes or n > 1]
    extra = [j for j in jobs.values() if j.attempt > 0]
    # Per fault: the slots it took from their worker, and when each was bound again.
    faults_out = []
    bound_after = args.lease + 10.0 + (args.lease + 5.0)
    for i, fault in enumerate(struck):
        until = struck[i + 1]["at"] if i + 1 < len(struck) else finished
        hit = sorted({slot for at, slot in takeovers if fault["at"] < at <= until})
        backs = []
        for slot in hit:
            later = [t for t in busy_again.get(slot, []) if t > fault["at"]]
            backs.append(round(min(later) - fault["at"], 2) if later else None)
        first_bind = min((t for ts in busy_again.values() for t in ts if t > fault["at"]),
                         default=None)  # fmt: skip
        faults_out.append({
            **{k: v for k, v in fault.items() if k != "at"},
            "at": round(fault["at"] - started, 1),
            "slots": [slots[s].name for s in hit], "busy_again": backs,
            "next_binding_anywhere": None if first_bind is None
            else round(first_bind - fault["at"], 2),
        })  # fmt: skip
    return {
        "jobs": len(jobs), "pairs": args.pairs, "lease": args.lease,
        "seconds": round(finished - started, 1),
        "lost": len(lost), "lost_detail": [f"{j.pk} {j.status}: {j.error}" for j in lost][:10],
        "double_bindings": len(doubles), "double_detail": doubles[:10],
        "renders_twice": resubmitted + len(stray) + len(wasted),
        "renders_detail": {"resubmitted": resubmitted, "codes_no_job_kept": len(stray),
                           "completed_but_not_kept": len(wasted)},
        "extra_attempts": sum(j.attempt for j in extra),
        "extra_detail": [f"{j.pk}: attempt {j.attempt}, {j.error}" for j in extra][:10],
        "reclaims": sum(j.reclaims for j in jobs.values()),
        "faults": faults_out, "bound_after": bound_after,
        "orphan_clusters": len(orphans),
        "tracebacks": log.count("Traceback"),
        "slowest": [_timeline(j, started) for j in sorted(
            jobs.values(), key=lambda j: -((j.finished_at or j.created_at) - j.created_at).seconds
        )[:3]],
    }  # fmt: skip


def _timeline(job, started: float) -> list[str]:
    return [f"{e.at.timestamp() - started:.1f} {e.kind} {e.slot.name if e.slot else ''}"
            for e in job.events.select_related("slot").order_by("at", "id")]  # fmt: skip


def report(r: dict) -> None:
    print(f"\n{os.cpu_count()} CPU cores; {r['jobs']} jobs on {r['pairs']} fake GPU pairs, "
          f"lease {r['lease']:.0f} s, {r['seconds']:.0f} s in all")  # fmt: skip
    print(f"jobs lost: {r['lost']}", *r["lost_detail"], sep="\n  ")
    print(f"double bindings: {r['double_bindings']}", *r["double_detail"], sep="\n  ")
    d = r["renders_detail"]
    print(f"renders done twice: {r['renders_twice']} (resubmitted {d['resubmitted']}, "
          f"submitted for a code no job kept {d['codes_no_job_kept']}, completed but not "
          f"kept {d['completed_but_not_kept']})")  # fmt: skip
    print(f"extra attempts caused by the faults: {r['extra_attempts']}", *r["extra_detail"],
          sep="\n  ")  # fmt: skip
    print(f"stages taken back without an attempt: {r['reclaims']}; clusters left orphaned: "
          f"{r['orphan_clusters']}; tracebacks in the workers' log: {r['tracebacks']}")  # fmt: skip
    print("fault -> its slots busy again (s):")
    for f in r["faults"]:
        pairs = zip(f["slots"], f["busy_again"], strict=True)
        slots = ", ".join(f"{s} {'never' if b is None else b}" for s, b in pairs)
        slots = slots or "no stage lost"
        print(f"  t={f['at']:>6.1f} {f['kind']:<14} {slots}; next binding anywhere "
              f"{f['next_binding_anywhere']} s")  # fmt: skip


if __name__ == "__main__":
    main()
