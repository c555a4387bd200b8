"""ETA benchmark: how far off is the ETA a user is shown, against when the job really ends?

    .venv/bin/python bench/eta.py [--jobs 18] [--pairs 3]

Runs real `manage.py workers` on three fake GPU pairs (tests/fakes: Fish-Speech takes
time per character, HeyGem per second of speech) in its own database
(heygem_bench_eta, dropped afterwards). Six warm-up jobs give the ETA model its
history; then ``--jobs`` jobs of mixed lengths (a sentence, a paragraph, a page
section) are submitted at once. Every 0.25 s the ETA of every live job is read
as the API works it out.

Prints, for the ETA given at submit, at the first render observation and at
half-way (the observation nearest half the job's real duration), the median and
p90 of |predicted end − real end| / (real end − moment of the estimate). The
baseline from the same run: one constant guess for every job at submit (the
median duration of the warm-up jobs), what a person would say without a model.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "heygem_bench_eta"
SENTENCE = "The area of a circle of radius three is about twenty eight square units. "
LENGTHS = {"short": 1, "medium": 3, "long": 8}  # sentences per text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=18)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    media = Path(tempfile.mkdtemp(prefix="heygem-bench-eta-"))
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="heygem_site.settings",
        Q_SYNC="false", Q_LOG_LEVEL="ERROR",
        HEYGEM_RENDER_POLL_SECONDS="0.5",
    )  # fmt: skip
    subprocess.run([sys.executable, "deploy/ensure_database.py"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    from tests.fakes import fake_gpu_pairs

    try:
        with fake_gpu_pairs(media / "engines", args.pairs,
                            video_options={"render_seconds": 0.5,
                                           "render_seconds_per_audio_second": 0.6},
                            tts_options={"seconds_per_char": 0.006}) as pairs:  # fmt: skip
            report(*run(pairs, args))
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {BENCH_DB}"], check=False)  # fmt: skip


def run(pairs, args):
    # Imported here and below: the app loads only after django.setup() in main().
    from django.contrib.auth import get_user_model

    from jobs import selectors, services
    from jobs.models import Job

    for i, pair in enumerate(pairs):
        services.slot_create(
            name=f"gpu{i}-video",
            stage="video",
            backend="heygem",
            gpu=f"gpu{i}",
            base_url=pair.video_url,
            data_dir=str(pair.video_data_dir),
        )
        services.slot_create(name=f"gpu{i}-tts", stage="tts", backend="fish_speech", gpu=f"gpu{i}",
                             base_url=pair.tts_url, data_dir=str(pair.tts_data_dir))  # fmt: skip
    owner = get_user_model().objects.create_user("bench-eta")
    cluster = subprocess.Popen([sys.executable, "manage.py", "workers"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    rng = random.Random(args.seed)
    try:
        time.sleep(2)
        warmup = [services.job_create(owner=owner, text=SENTENCE * n)
                  for n in [*LENGTHS.values(), *LENGTHS.values()]]  # fmt: skip
        wait_all(Job, [j.pk for j in warmup])
        warm_totals = [j.total_seconds for j in Job.objects.filter(pk__in=[j.pk for j in warmup])]
        kinds = [list(LENGTHS)[i % len(LENGTHS)] for i in range(args.jobs)]
        rng.shuffle(kinds)
        observations: dict = {}
        for kind in kinds:
            job = services.job_create(owner=owner, text=SENTENCE * LENGTHS[kind])
            observations[job.pk] = [(time.time(), job.status, eta_now(selectors, job))]
        deadline = time.monotonic() + 600
        while Job.objects.filter(pk__in=observations, status__in=Job.LIVE_STATUSES).exists():
            if time.monotonic() > deadline:
                raise SystemExit("jobs did not finish in 10 minutes")
            speeds = selectors.stage_speeds()
            table = selectors.eta_table(speeds)
            for job in Job.objects.filter(pk__in=observations, status__in=Job.LIVE_STATUSES):
                seconds = selectors.job_eta_seconds(job, position=None, speeds=speeds, table=table)
                observations[job.pk].append((time.time(), job.status, seconds))
            time.sleep(0.25)
    finally:
        cluster.terminate()
        cluster.wait(timeout=30)
    jobs = {j.pk: j for j in Job.objects.filter(pk__in=observations)}
    failed = [j for j in jobs.values() if j.status != Job.Status.SUCCEEDED]
    if failed:
        raise SystemExit(f"{len(failed)} jobs failed: {failed[0].error}")
    return jobs, observations, statistics.median(warm_totals), kinds


def eta_now(selectors, job):
    speeds = selectors.stage_speeds()
    return selectors.job_eta_seconds(job, position=None, speeds=speeds)


def wait_all(Job, ids) -> None:
    deadline = time.monotonic() + 300
    while Job.objects.filter(pk__in=ids, status__in=Job.LIVE_STATUSES).exists():
        if time.monotonic() > deadline:
            raise SystemExit("warm-up jobs did not finish")
        time.sleep(0.3)


def error(at: float, seconds: float | None, end: float) -> float | None:
    if seconds is None or end - at <= 0.5:
        return None
    return abs(at + seconds - end) / (end - at)


def pct(values, q) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def report(jobs, observations, constant_guess, kinds) -> None:
    points = {"at submit": [], "at first render": [], "at half-way": []}
    baseline = []
    for pk, seen in observations.items():
        job = jobs[pk]
        end = job.finished_at.timestamp()
        submit_at, _, submit_eta = seen[0]
        points["at submit"].append(error(submit_at, submit_eta, end))
        baseline.append(error(submit_at, constant_guess, end))
        rendering = next(((t, s) for t, status, s in seen if status == "rendering"), None)
        if rendering:
            points["at first render"].append(error(*rendering, end))
        half = submit_at + (end - submit_at) / 2
        t, _, s = min(seen, key=lambda o: abs(o[0] - half))
        points["at half-way"].append(error(t, s, end))
    totals = sorted(j.total_seconds for j in jobs.values())
    print(f"jobs: {len(jobs)} ({', '.join(f'{kinds.count(k)} {k}' for k in LENGTHS)}), "
          f"submitted at once on {len({j.video_slot_id for j in jobs.values()})} "
          f"fake GPU pairs; real durations {totals[0]:.1f}–{totals[-1]:.1f} s")  # fmt: skip
    for name, values in points.items():
        values = [v for v in values if v is not None]
        print(f"ETA error {name:<16} median {100 * statistics.median(values):5.1f} %   "
              f"p90 {100 * pct(values, 90):5.1f} %   ({len(values)} jobs)")  # fmt: skip
    values = [v for v in baseline if v is not None]
    print(
        f"baseline (one guess: {constant_guess:.1f} s for every job) at submit: median "
        f"{100 * statistics.median(values):5.1f} %   p90 {100 * pct(values, 90):5.1f} %"
    )


if __name__ == "__main__":
    main()
