"""Makespan benchmark: do the GPUs idle while work waits? At default settings.

    .venv/bin/python bench/makespan.py        # 30 jobs on 3 pairs: equal, one slow, seed mode
    .venv/bin/python bench/makespan.py --big  # and 300 jobs on 30 pairs
    .venv/bin/python bench/makespan.py --fair # and a batch against another owner's job

Fake GPU pairs (tests/fakes) on loopback: HeyGem renders 0.3 s per second of speech
(a 300-character job has about 18 s of speech: a 5.4 s render), Fish-Speech speaks at
0.0036 s per character (about a fifth of the render). Real `manage.py workers`, with
nothing set but the database and the media folder. Its own database
(heygem_bench_makespan, dropped afterwards).

Printed per scenario, with the baseline from the same run:
- makespan (first submit -> last job done) against the lower bound
  LB = shortest TTS + max(sum of renders / sum of GPU rates, longest render on the
  fastest GPU), computed from the fakes' speeds;
- GPU utilization: render seconds the engines spent / (GPUs x makespan);
- how late the end of a render is noticed (engine done -> outcome recorded), median
  and p95, and the queries per render;
- orchestration CPU seconds (the workers' process tree) and database transactions
  per job (each statement outside a transaction block counts as one).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.production import production_env  # noqa: E402

BENCH_DB = "heygem_bench_makespan"
RENDER_PER_AUDIO = 0.3
TTS_PER_CHAR = 0.0036
WORDS = ("photosynthesis turns light water and carbon dioxide into sugar and oxygen inside "
         "the leaf while the roots bring minerals up through the stem").split()  # fmt: skip


def text_of(n: int, chars: int = 300) -> str:
    words, out = WORDS[n % len(WORDS) :] + WORDS, []
    while len(" ".join(out)) < chars - 12:
        out.append(words[len(out) % len(words)])
    return (f"Lesson {n}. " + " ".join(out))[:chars].rstrip() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also 300 jobs on 30 pairs")
    parser.add_argument("--fair", action="store_true", help="also fair share against FIFO")
    parser.add_argument("--only", type=int, help="run only this scenario (1-5)")
    parser.add_argument("--timeline", action="store_true", help="print each GPU's renders")
    args = parser.parse_args()
    media = Path(tempfile.mkdtemp(prefix="heygem-bench-makespan-"))
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="heygem_site.settings",
        **production_env(),
    )  # fmt: skip
    subprocess.run([sys.executable, "deploy/ensure_database.py"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    print(f"{os.cpu_count()} CPU cores; workers at default settings")
    try:
        scenarios = [
            ("equal GPUs", args.jobs, [1.0] * args.pairs, {}),
            ("one GPU 2x slower", args.jobs, [1.0] * (args.pairs - 1) + [2.0], {}),
            ("seed mode (render where the speech was made)", args.jobs, [1.0] * args.pairs,
             {"HEYGEM_PAIR_SAME_GPU": "true"}),
        ]  # fmt: skip
        if args.big or args.only == 4:
            scenarios.append(("30 pairs", 300, [1.0] * 30, {}))
        if args.only:
            scenarios = [scenarios[args.only - 1]] if args.only <= len(scenarios) else []
        for name, jobs, slowdowns, env in scenarios:
            result = run(media, jobs, slowdowns, env)
            report(name, result)
            if args.timeline:
                timeline(result)
        if args.fair or args.only == 5:
            fair_share(media)
    finally:
        from django.db import connections

        connections.close_all()
        drop = f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", drop], check=False)


def run(media: Path, count: int, slowdowns: list[float], env: dict, single: bool = False) -> dict:
    """``single``: another owner submits one job right after the batch."""
    from contextlib import ExitStack

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jobs import services
    from jobs.models import GpuSlot, Host, Job
    from tests.fakes import FakeFishSpeech, FakeHeyGem, make_test_video

    Job.objects.all().delete()
    GpuSlot.objects.all().delete()
    Host.objects.all().delete()
    get_user_model().objects.filter(username__in=["bench", "bench-other"]).delete()
    owner = get_user_model().objects.create_user("bench")
    began_at: dict[str, float] = {}
    finished_at: dict[str, float] = {}
    real_set, real_render = FakeHeyGem._set, FakeHeyGem._render

    def recording_set(self, run, **changes):  # when each fake render really ended
        real_set(self, run, **changes)
        if changes.get("status") == 2:
            finished_at[run.code] = time.time()

    def recording_render(self, run):  # when each fake render really began (submit taken)
        began_at[run.code] = time.time()
        real_render(self, run)

    FakeHeyGem._set, FakeHeyGem._render = recording_set, recording_render
    with ExitStack() as stack:
        fakes = []
        for i, slow in enumerate(slowdowns):
            video_dir, tts_dir = media / "engines" / f"gpu{i}", media / "engines" / f"tts{i}"
            (video_dir / "temp").mkdir(parents=True, exist_ok=True)
            (tts_dir / "origin_audio").mkdir(parents=True, exist_ok=True)
            video = stack.enter_context(FakeHeyGem(
                video_dir, render_seconds=0.1, keep_intermediates=False,
                render_seconds_per_audio_second=RENDER_PER_AUDIO * slow))  # fmt: skip
            tts = stack.enter_context(FakeFishSpeech(tts_dir, seconds_per_char=TTS_PER_CHAR * slow))
            fakes.append((video, tts))
            gpu = f"gpu{i}"
            services.slot_create(name=f"{gpu}-video", stage="video", backend="heygem", gpu=gpu,
                                 base_url=video.url, data_dir=str(video_dir))  # fmt: skip
            services.slot_create(name=f"{gpu}-tts", stage="tts", backend="fish_speech", gpu=gpu,
                                 base_url=tts.url, data_dir=str(tts_dir))  # fmt: skip
        workers = subprocess.Popen([sys.executable, "manage.py", "workers"], cwd=ROOT,
                                   env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        try:
            wanted = 2 * len(slowdowns) + 2
            deadline = time.monotonic() + 120
            while not Host.objects.filter(stage_workers=wanted, seen_at__isnull=False).exists():
                if time.monotonic() > deadline:
                    raise SystemExit("the workers did not start")
                time.sleep(0.2)
            time.sleep(3)  # let every worker process come up: start-up is not scheduling
            # A small silent speaker clip: the fakes' own ffmpeg work stays light, the
            # default voice speaks.
            speaker = make_test_video(media / "speaker.mp4", 2.0, size="160x120", audio=False)
            services.job_create(owner=owner, text="Warm up.", video=speaker)
            wait_done(Job, timeout=120)
            Job.objects.all().delete()
            xacts, cpu0, fakes0 = transactions(), tree_cpu(workers.pid), fakes_cpu()
            started = timezone.now()
            for n in range(count):
                services.job_create(owner=owner, text=text_of(n), video=speaker)
            single_id = None
            if single:
                other = get_user_model().objects.create_user("bench-other")
                single_id = services.job_create(owner=other, text=text_of(count), video=speaker).pk
            wait_done(Job, timeout=60 + 10 * count)
            cpu, xacts = tree_cpu(workers.pid) - cpu0, transactions() - xacts
            fakes_used = fakes_cpu() - fakes0
            queries = sum(video.queries for video, _ in fakes)
        finally:
            workers.terminate()
            workers.wait(timeout=60)
    FakeHeyGem._set, FakeHeyGem._render = real_set, real_render
    jobs = list(Job.objects.all())
    used = {job.video_slot_id for job in jobs}
    for slot in GpuSlot.objects.filter(stage="video").exclude(pk__in=used):
        print(f"  {slot.name} rendered nothing: enabled {slot.enabled}, healthy {slot.healthy}, "
              f"engine busy {slot.engine_busy}; {slot.last_error[:150] or 'no error'}")  # fmt: skip
    failed = [j for j in jobs if j.status != Job.Status.SUCCEEDED]
    if failed:
        raise SystemExit(f"{len(failed)} jobs did not succeed: {failed[0].error}")
    return {"jobs": jobs, "slowdowns": slowdowns, "started": started, "cpu": cpu,
            "fakes cpu": fakes_used, "xacts": xacts, "queries": queries, "finished_at": finished_at,
            "began_at": began_at, "single": single_id}  # fmt: skip


def fair_share(media: Path) -> None:
    """One owner's batch of 20, then another owner's single job, on 2 pairs: how long the
    single job waits for its render, fair share (the default) against strict FIFO."""
    waits = {}
    for name, env in (("fair share", {}), ("strict FIFO", {"HEYGEM_FAIR_SHARE": "false"})):
        result = run(media, 20, [1.0, 1.0], env, single=True)
        job = next(j for j in result["jobs"] if j.pk == result["single"])
        renders = [(j.render_finished_at - j.render_started_at).total_seconds()
                   for j in result["jobs"]]  # fmt: skip
        waits[name] = (job.render_started_at - job.created_at).total_seconds()
        waits[name + " render"] = statistics.median(renders)
    print("\nfair share: one owner's batch of 20 jobs, then another owner's single job, 2 pairs")
    for name in ("fair share", "strict FIFO"):
        print(f"  {name}: the single job waited {waits[name]:.1f} s for its render "
              f"(one render takes {waits[name + ' render']:.1f} s)")  # fmt: skip


def wait_done(Job, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while Job.objects.filter(status__in=Job.LIVE_STATUSES).exists():
        if time.monotonic() > deadline:
            raise SystemExit("jobs did not finish in time")
        time.sleep(0.2)


def transactions() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                       "WHERE datname = current_database()")  # fmt: skip
        return cursor.fetchone()[0]


def fakes_cpu() -> float:
    """CPU seconds of this process (the fake engines' threads, the submits) and its finished
    children (their ffmpeg and ffprobe runs; the workers are waited for only after the run)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)  # fmt: skip
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def tree_cpu(root: int) -> float:
    """CPU seconds of ``root`` and every live descendant (their finished children included)."""
    parents, cpu = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick
    total = 0.0
    for pid in cpu:
        p = pid
        while p > 1 and p != root:
            p = parents.get(p, 0)
        if p == root:
            total += cpu[pid]
    return total


def where_the_time_goes(jobs, slowdowns, started) -> dict[str, float]:
    """Seconds of all video slots together: rendering at the fakes' speed, the rest of
    each render stage (copies, polls, load), idle with speech waiting (hand-over), idle
    with none ready (waiting for TTS), and after its last render."""
    spans = {"render": 0.0, "stage overhead": 0.0, "idle, work waiting": 0.0,
             "idle, no speech ready": 0.0, "idle after its last job": 0.0}  # fmt: skip
    end = max(j.finished_at for j in jobs)
    by_slot: dict[str, list] = {}
    for job in jobs:
        by_slot.setdefault(job.video_slot.gpu, []).append(job)
    for gpu, runs in by_slot.items():
        runs.sort(key=lambda j: j.render_started_at)
        nominal = RENDER_PER_AUDIO * slowdowns[int(gpu[3:])]
        cursor = started
        for job in runs:
            gap = (job.render_started_at - cursor).total_seconds()
            # From when some job had its speech and no render yet.
            pending = [j.tts_finished_at for j in jobs if j.render_started_at > cursor]
            first_ready = max(min(pending), cursor) if pending else job.render_started_at
            waiting = max(0.0, (job.render_started_at - first_ready).total_seconds())
            spans["idle, work waiting"] += min(gap, waiting)
            spans["idle, no speech ready"] += gap - min(gap, waiting)
            took = (job.render_finished_at - job.render_started_at).total_seconds()
            spans["render"] += nominal * job.audio_seconds
            spans["stage overhead"] += took - nominal * job.audio_seconds
            cursor = job.render_finished_at
        spans["idle after its last job"] += (end - cursor).total_seconds()
    return spans


def render_phases(jobs, slowdowns, result) -> dict[str, float]:
    """Where a render stage's time beyond the engine's own goes, median per render."""
    names = ("bound -> engine began", "engine over its time", "engine done -> recorded")
    phases: dict[str, list[float]] = {name: [] for name in names}
    for job in jobs:
        began, done = (
            result["began_at"].get(job.engine_code),
            result["finished_at"].get(job.engine_code),
        )
        if began is None or done is None:
            continue
        nominal = max(
            0.1, RENDER_PER_AUDIO * slowdowns[int(job.video_slot.gpu[3:])] * job.audio_seconds
        )
        phases["bound -> engine began"].append(began - job.render_started_at.timestamp())
        phases["engine over its time"].append(done - began - nominal)
        phases["engine done -> recorded"].append(job.render_finished_at.timestamp() - done)
    return {k: statistics.median(v) for k, v in phases.items() if v}


def per_gpu(jobs, started) -> dict[str, tuple[int, float]]:
    counts: dict[str, int] = {}
    ends: dict[str, float] = {}
    for job in jobs:
        gpu = job.video_slot.gpu
        counts[gpu] = counts.get(gpu, 0) + 1
        end = (job.render_finished_at - started).total_seconds()
        ends[gpu] = max(ends.get(gpu, 0.0), end)
    return {gpu: (counts[gpu], ends[gpu]) for gpu in sorted(counts)}


def timeline(result) -> None:
    """Each GPU's renders: when the job was submitted, bound to a TTS slot, had its speech,
    was bound to this GPU, when the engine began and ended, and when the end was recorded
    (s after the first submit)."""
    started = result["started"].timestamp()
    by_gpu: dict[str, list] = {}
    for job in result["jobs"]:
        by_gpu.setdefault(job.video_slot.gpu, []).append(job)
    for gpu in sorted(by_gpu):
        print(f"  {gpu}: submitted / speech bound / speech ready / bound / engine began / "
              "engine done / recorded")  # fmt: skip
        for job in sorted(by_gpu[gpu], key=lambda j: j.render_started_at):
            marks = (job.created_at.timestamp(), job.tts_started_at.timestamp(),
                     job.tts_finished_at.timestamp(), job.render_started_at.timestamp(),
                     result["began_at"].get(job.engine_code), result["finished_at"].get(
                     job.engine_code), job.render_finished_at.timestamp())  # fmt: skip
            print(
                "    "
                + " ".join("-" if m is None else f"{m - started:6.2f}" for m in marks)
                + f"  ({job.audio_seconds:.1f} s of speech)"
            )


def pct(values, q) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def report(name: str, result: dict) -> None:
    jobs, slowdowns = result["jobs"], result["slowdowns"]
    rates = [1 / s for s in slowdowns]
    # On a GPU of rate 1; the fake sleeps max(fixed part, per-audio-second x audio).
    renders = [max(0.1, RENDER_PER_AUDIO * j.audio_seconds) for j in jobs]
    ttss = [TTS_PER_CHAR * len(j.spoken_text) for j in jobs]
    lower = min(ttss) + max(sum(renders) / sum(rates), max(renders) / max(rates))
    end = max(j.finished_at for j in jobs)
    makespan = (end - result["started"]).total_seconds()
    gpu_seconds = 0.0
    for job in jobs:
        slow = slowdowns[int(job.video_slot.gpu[3:])]
        gpu_seconds += max(0.1, RENDER_PER_AUDIO * slow * job.audio_seconds)
    utilization = gpu_seconds / (len(slowdowns) * makespan)
    late = []
    for job in jobs:
        done = result["finished_at"].get(job.engine_code)
        if done is not None and job.render_finished_at:
            late.append(job.render_finished_at.timestamp() - done)
    where = where_the_time_goes(jobs, slowdowns, result["started"])
    phases = render_phases(jobs, slowdowns, result)
    print(f"\n{name}: {len(jobs)} jobs of ~300 characters on {len(slowdowns)} GPU pairs")
    print(f"  makespan {makespan:.1f} s; lower bound {lower:.1f} s -> {makespan / lower:.3f} x")
    # The same bound from the time each render really took in its engine: the fakes'
    # own ffmpeg shares the cores with everything else, so this leaves only our part.
    took = {code: end - result["began_at"][code] for code, end in result["finished_at"].items()
            if code in result["began_at"]}  # fmt: skip
    engine = [took.get(j.engine_code, 0.0) for j in jobs]
    measured = min(ttss) + max(sum(engine) / len(slowdowns), max(engine))
    print(f"  lower bound from the engines' measured render times {measured:.1f} s "
          f"-> {makespan / measured:.3f} x")  # fmt: skip
    print(f"  GPU utilization {utilization:.2f}")
    print("  GPU time: " + ", ".join(f"{k} {v:.1f} s" for k, v in where.items()))
    gpus = per_gpu(jobs, result["started"]).items()
    print("  renders per GPU (last ends, s after the first submit): "
          + ", ".join(f"{gpu} {count} ({end:.1f})" for gpu, (count, end) in gpus))  # fmt: skip
    print("  a render stage, median: " + ", ".join(f"{k} {v:.3f} s" for k, v in phases.items()))
    per_render = result["queries"] / len(jobs)
    print(f"  render end noticed after: median {statistics.median(late):.3f} s, "
          f"p95 {pct(late, 95):.3f} s; {per_render:.1f} queries per render")  # fmt: skip
    print(f"  orchestration: {result['cpu']:.1f} CPU s ({result['cpu'] / len(jobs):.2f} per job), "
          f"{result['xacts'] / len(jobs):.0f} database transactions per job")  # fmt: skip
    print(
        f"  the bench's own process: {result['fakes cpu']:.1f} CPU s (its "
        f"{len(result['slowdowns']) * 2} fake engines, their ffmpeg runs, the submits)"
    )


if __name__ == "__main__":
    main()
