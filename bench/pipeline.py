"""Pipeline benchmark: 50 jobs through real `manage.py workers` on the embedded engines.

    .venv/bin/python bench/pipeline.py [--jobs 50] [--slots 2]

Uses its own database (heygem_bench, dropped afterwards) and a temporary media
folder. Prints jobs per second, the orchestration overhead per job and the
dispatch latency, and, as the baseline measured in the same process, the same
engines driven directly with no queue, database or workers.

Definitions (all from the jobs' own events):
- engine time: the seconds each stage spent in its engine (recorded with the
  stage's outcome);
- overhead per job: for each stage, (outcome recorded − slot bound) − engine
  time, summed: task pickup, lease and progress writes, outcome bookkeeping;
- dispatch latency: a slot released with work waiting → the next stage started
  on that slot (its worker began), over every such hand-over.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "heygem_bench"
TEXT = (
    "Lesson {n}: the area of a circle of radius 3 cm is about 28.27 square centimeters. "
    "We meet again at 10:30."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--slots", type=int, default=2, help="TTS and video slots each")
    parser.add_argument("--baseline", type=int, default=5, help="jobs run directly")
    args = parser.parse_args()

    media = Path(tempfile.mkdtemp(prefix="heygem-bench-"))
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="heygem_site.settings",
        DEBUG=os.environ.get("DEBUG", "True"),
        Q_SYNC="false",
        Q_LOG_LEVEL="WARNING",
    )
    subprocess.run([sys.executable, "deploy/ensure_database.py"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    try:
        _reset()
        baseline = run_baseline(args.baseline)
        pipeline = run_pipeline(args.jobs, args.slots)
        report(baseline, pipeline, args)
    finally:
        from django.db import connections

        connections.close_all()
        _drop_database()


def _reset() -> None:
    from django.contrib.auth import get_user_model

    from jobs.models import GpuSlot, Job

    Job.objects.all().delete()
    GpuSlot.objects.all().delete()
    get_user_model().objects.filter(username="bench").delete()


def run_baseline(count: int) -> list[float]:
    """Seconds per job with the engines called directly: the floor for the pipeline."""
    import normalization
    from jobs import media, stages
    from jobs.engines import RenderRequest, SpeechRequest
    from jobs.engines.dub import DubEngine
    from jobs.engines.espeak import EspeakEngine

    out = Path(tempfile.mkdtemp(prefix="heygem-baseline-"))
    speaker = stages.default_speaker()
    tts, video = EspeakEngine(None), DubEngine(None)
    timings = []
    for n in range(count):
        started = time.perf_counter()
        spoken = normalization.to_speech(TEXT.format(n=n))
        speech = out / f"{n}.wav"
        tts.synthesize(SpeechRequest(chunks=[spoken], out_path=speech), lambda *a, **k: None)
        seconds = media.probe(speech).duration
        request = RenderRequest(code=str(n), audio_path=speech, video_path=speaker,
                                out_path=out / f"{n}.mp4", audio_seconds=seconds)  # fmt: skip
        video.render(request, lambda *a, **k: None)
        timings.append(time.perf_counter() - started)
    return timings


def run_pipeline(count: int, slots: int) -> dict:
    from django.contrib.auth import get_user_model

    from jobs import services
    from jobs.models import Job

    for i in range(slots):
        services.slot_create(name=f"tts{i}", stage="tts", backend="espeak")
        services.slot_create(name=f"video{i}", stage="video", backend="dub")
    owner = get_user_model().objects.create_user("bench")
    cluster = subprocess.Popen([sys.executable, "manage.py", "workers"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(2)  # let the workers start, so startup is not counted as overhead
        submit = []
        for n in range(count):
            started = time.perf_counter()
            services.job_create(owner=owner, text=TEXT.format(n=n))
            submit.append(time.perf_counter() - started)
        deadline = time.monotonic() + 30 * count
        while Job.objects.filter(status__in=Job.LIVE_STATUSES).exists():
            if time.monotonic() > deadline:
                raise SystemExit("jobs did not finish in time")
            time.sleep(0.2)
    finally:
        cluster.terminate()
        cluster.wait(timeout=30)
    jobs = list(Job.objects.prefetch_related("events"))
    failed = [j for j in jobs if j.status != Job.Status.SUCCEEDED]
    if failed:
        raise SystemExit(f"{len(failed)} jobs did not succeed: {failed[0].error}")
    return {"jobs": jobs, "submit": submit}


def stage_runs(jobs) -> list[dict]:
    """One record per stage run: slot, bound at, worker start, outcome at, ready at."""
    runs = []
    for job in jobs:
        events = list(job.events.all())
        ready = {"tts": job.created_at}
        started = {}
        for event in events:
            if event.kind in ("tts_started", "video_started"):
                started[event.kind[:-8]] = event
            elif event.kind in ("tts_finished", "render_finished"):
                stage = "tts" if event.kind == "tts_finished" else "video"
                engine = timedelta(seconds=event.data["engine_seconds"])
                runs.append({
                    "job": job.pk, "slot": event.slot_id, "bound": started[stage].at,
                    "worker_start": event.at - engine, "outcome": event.at,
                    "engine": engine.total_seconds(), "ready": ready[stage],
                })  # fmt: skip
                ready["video"] = event.at
    return runs


def dispatch_latencies(runs) -> list[float]:
    by_slot = defaultdict(list)
    for run in runs:
        by_slot[run["slot"]].append(run)
    latencies = []
    for slot_runs in by_slot.values():
        slot_runs.sort(key=lambda r: r["bound"])
        for before, after in zip(slot_runs, slot_runs[1:], strict=False):
            if after["ready"] <= before["outcome"]:  # work was waiting at release
                latencies.append((after["worker_start"] - before["outcome"]).total_seconds())
    return latencies


def pct(values, q) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def report(baseline, pipeline, args) -> None:
    jobs = pipeline["jobs"]
    runs = stage_runs(jobs)
    overhead = defaultdict(float)
    for run in runs:
        overhead[run["job"]] += (run["outcome"] - run["bound"]).total_seconds() - run["engine"]
    overheads = list(overhead.values())
    latencies = dispatch_latencies(runs)
    wall = (max(j.finished_at for j in jobs) - min(j.created_at for j in jobs)).total_seconds()
    engine_per_job = statistics.median(
        sum(r["engine"] for r in runs if r["job"] == j.pk) for j in jobs
    )
    direct = statistics.median(baseline)
    print(f"jobs: {len(jobs)} on {args.slots} TTS + {args.slots} video embedded slots, "
          f"{os.cpu_count()} CPU cores")  # fmt: skip
    print(f"throughput: {len(jobs) / wall:.2f} jobs/s ({wall:.1f} s wall)")
    print(
        f"submit (job_create) latency: median {statistics.median(pipeline['submit']) * 1000:.1f} ms"
    )
    print(f"orchestration overhead per job: median {statistics.median(overheads)*1000:.1f} ms, "
          f"p95 {pct(overheads, 95)*1000:.1f} ms (target: median <= 100 ms)")  # fmt: skip
    median_ms, p95_ms = statistics.median(latencies) * 1000, pct(latencies, 95) * 1000
    print(f"dispatch latency (slot released -> next stage started): median {median_ms:.1f} ms, "
          f"p95 {p95_ms:.1f} ms over {len(latencies)} hand-overs "
          "(target: p95 <= 300 ms)")  # fmt: skip
    print(f"baseline, same engines called directly: {direct:.3f} s per job "
          f"({1/direct:.2f} jobs/s sequential); in the pipeline the engines took "
          f"{engine_per_job:.3f} s per job (median, both stages)")  # fmt: skip


def _drop_database() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
