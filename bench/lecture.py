"""One 10-minute lecture on three free fake GPU pairs, against the same job on one pair.

    .venv/bin/python bench/lecture.py [--minutes 10] [--render-speed 0.3]

Runs real `manage.py workers` at default settings (HEYGEM_SEGMENT_SECONDS=60; the
workers size themselves to the slots) against fake engines
(tests/fakes): Fish-Speech speaks 0.06 s per character and takes a fifth of a
render's time, HeyGem takes ``--render-speed`` seconds per second of speech (real
HeyGem takes 1-2; the fakes are faster so the run takes minutes, which makes our own
overheads — speaker cuts, polls, the join — count for more than on real GPUs). Its
own database (heygem_bench_lecture, dropped afterwards) and media folder.

Prints, for 3 pairs and for 1 pair: submit -> done, the segments, when the last
speech and the last render were in, the join, and how long a render held its GPU (of
that, until its speaker video was ready, and the engine's own time); then the ratio
(target <= 0.40).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.production import production_env  # noqa: E402

BENCH_DB = "heygem_bench_lecture"
SECONDS_PER_CHAR = 0.06  # the fake Fish-Speech's speech per character
SENTENCES = [
    "Today we look at how heat moves through a metal bar.",
    "A warm end gives its energy to the cooler atoms next to it, and they pass it on.",
    "The rate depends on the material, the length of the bar and the difference in temperature.",
    "Copper carries heat about eight times as well as steel does.",
    "That is why good pans have copper in their base, while their handles are made of steel.",
    "We can write the flow of heat as a simple law, and then test it with an experiment.",
]


def lecture(minutes: float) -> str:
    """Paragraphs of plain sentences, about ``minutes`` of speech for the fake TTS."""
    chars = minutes * 60 / SECONDS_PER_CHAR
    paragraphs, text = [], ""
    while len(text) < chars:
        paragraphs.append(" ".join(SENTENCES))
        text = "\n\n".join(paragraphs)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--render-speed", type=float, default=0.3,
                        help="fake render seconds per second of speech")  # fmt: skip
    args = parser.parse_args()
    media = Path(tempfile.mkdtemp(prefix="heygem-bench-lecture-"))
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="heygem_site.settings",
        **production_env(), Q_SYNC="false", Q_LOG_LEVEL="ERROR",
    )  # fmt: skip
    subprocess.run([sys.executable, "deploy/ensure_database.py"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    import django

    django.setup()
    try:
        text = lecture(args.minutes)
        results = {pairs: run(media, pairs, text, args.render_speed) for pairs in (3, 1)}
        report(results, args)
    finally:
        from django.db import connections

        connections.close_all()
        drop = f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", drop], check=False)


def run(media: Path, pairs: int, text: str, render_speed: float) -> dict:
    # Imported here: the app loads only after django.setup() in main().
    from django.contrib.auth import get_user_model

    from jobs import services, stages
    from jobs.models import GpuSlot, Job
    from tests.conftest import register_fake_pairs
    from tests.fakes import fake_gpu_pairs

    Job.objects.all().delete()
    GpuSlot.objects.all().delete()
    owner, _ = get_user_model().objects.get_or_create(username="bench-lecture")
    stages.default_speaker()
    video = {"render_seconds": 0.5, "render_seconds_per_audio_second": render_speed}
    # TTS takes a fifth of a render: render_speed / 5 seconds per second of its speech.
    tts = {"seconds_per_char": render_speed / 5 * SECONDS_PER_CHAR}
    with fake_gpu_pairs(media / f"engines-{pairs}", pairs, video_options=video,
                        tts_options=tts) as fakes:  # fmt: skip
        register_fake_pairs(fakes)
        cluster = subprocess.Popen(
            [sys.executable, "manage.py", "workers"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            time.sleep(3)  # the workers' start is not the job's time
            job = services.job_create(owner=owner, text=text)
            while Job.objects.filter(pk=job.pk, status__in=Job.LIVE_STATUSES).exists():
                time.sleep(0.5)
        finally:
            cluster.terminate()
            cluster.wait(timeout=60)
    job.refresh_from_db()
    if job.status != Job.Status.SUCCEEDED:
        raise SystemExit(f"the lecture on {pairs} pair(s) did not succeed: {job.error}")
    segments = list(job.segments.all())
    events = {e.kind: e.at for e in job.events.all()}

    def after_submit(moment) -> float:
        return (moment - job.created_at).total_seconds()

    held, engine, picture, spoke, tts = [], [], [], [], []
    for segment in segments:
        at = {e.kind: e for e in segment.events.all()}
        spoke.append((at["tts_finished"].at - at["tts_started"].at).total_seconds())
        tts.append(at["tts_finished"].data.get("engine_seconds", 0.0))
        started, finished = at["video_started"], at["render_finished"]
        held.append((finished.at - started.at).total_seconds())
        engine.append(finished.data.get("engine_seconds", 0.0))
        cut = segment.events.filter(message__startswith="Speaker video from").first()
        picture.append((cut.at - started.at).total_seconds() if cut else 0.0)
    return {
        "spoke": sum(spoke) / len(spoke),
        "tts": sum(tts) / len(tts),
        "held": sum(held) / len(held),
        "engine": sum(engine) / len(engine),
        "picture": sum(picture) / len(picture),
        "total": job.total_seconds,
        "audio": job.audio_seconds,
        "segments": len(segments),
        "last_speech": after_submit(max(s.tts_finished_at for s in segments)),
        "last_render": after_submit(max(s.render_finished_at for s in segments)),
        "join": (events["joined"] - events["join_started"]).total_seconds(),
        "joined": job.events.get(kind="joined").message.split(":", 1)[1].strip(" ."),
        "gpus": len({s.video_slot_id for s in segments}),
    }


def report(results: dict, args) -> None:
    print(f"lecture: {results[1]['audio'] / 60:.1f} min of speech, fake render "
          f"{args.render_speed} s per second of speech, workers sized to the slots, "
          f"{os.cpu_count()} CPU cores")  # fmt: skip
    for pairs, r in results.items():
        print(f"{pairs} pair(s): {r['total']:.1f} s submit -> done; {r['segments']} segments on "
              f"{r['gpus']} GPU(s); last speech at {r['last_speech']:.1f} s, last render at "
              f"{r['last_render']:.1f} s, join {r['join']:.1f} s ({r['joined']})")  # fmt: skip
        print(f"    a render held its GPU {r['held']:.1f} s on average: {r['picture']:.1f} s "
              f"until its speaker video was ready, the engine's {r['engine']:.1f} s; "
              f"a speech {r['spoke']:.1f} s, the engine's {r['tts']:.1f} s")  # fmt: skip
    ratio = results[3]["total"] / results[1]["total"]
    print(f"3 pairs / 1 pair: {ratio:.2f} (target <= 0.40)")


if __name__ == "__main__":
    main()
