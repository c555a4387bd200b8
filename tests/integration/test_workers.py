"""`manage.py workers` for real: it follows the slots, frees a canceled slot at once,
sweeps on its own clock and hands running stages back when it is stopped."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone

from jobs import services
from jobs.models import GpuSlot, Host, Job
from tests.conftest import job_folder, register_fake_pairs, wait_for
from tests.fakes import fake_gpu_pairs

pytestmark = pytest.mark.integration

LONG_TEXT = " ".join(
    f"Sentence number {n} of a long lecture about the water cycle." for n in range(40)
)


@pytest.fixture(autouse=True)
def one_piece_jobs(settings):
    """These long texts are about one stage's slot: not split into segments."""
    settings.HEYGEM = {**settings.HEYGEM, "SEGMENT_SECONDS": 0}


def ffmpeg_of(job_id) -> int | None:
    """The pid of an ffmpeg working on this job's files, if one runs."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"ffmpeg") and str(job_id).encode() in b" ".join(argv):
            return int(entry.name)
    return None


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def embedded_pair(n: int = 0) -> None:
    services.slot_create(name=f"tts{n}", stage="tts", backend="espeak")
    services.slot_create(name=f"video{n}", stage="video", backend="dub")


def test_slots_added_to_a_running_system_get_workers_without_a_restart(workers, tmp_path, owner):
    with fake_gpu_pairs(tmp_path, 3, video_options={"render_seconds": 4}) as pairs:
        register_fake_pairs(pairs[:1])
        pool = workers(HEYGEM_RENDER_POLL_SECONDS=0.2, HEYGEM_SPARE_WORKERS=1)
        wait_for(lambda: Host.objects.filter(name="local", stage_workers=3).exists(), timeout=30)

        # Two more GPU pairs join while the system runs; nobody restarts anything.
        for i, pair in enumerate(pairs[1:], start=1):
            services.slot_create(name=f"gpu{i}-video", stage="video", backend="heygem",
                                 gpu=f"gpu{i}", base_url=pair.video_url,
                                 data_dir=str(pair.video_data_dir))  # fmt: skip
            services.slot_create(name=f"gpu{i}-tts", stage="tts", backend="fish_speech",
                                 gpu=f"gpu{i}", base_url=pair.tts_url,
                                 data_dir=str(pair.tts_data_dir))  # fmt: skip
        wait_for(lambda: Host.objects.filter(name="local", stage_workers=7).exists(), timeout=10)
        jobs = [services.job_create(owner=owner, text=f"Lesson {n}.") for n in range(3)]

        # All three GPUs render at once: the pool grew to one worker per slot.
        wait_for(lambda: all(pair.video.busy for pair in pairs), timeout=60, every=0.05,
                 message="the three renders never ran at the same time")  # fmt: skip
        wait_for(lambda: not Job.objects.filter(pk__in=[j.pk for j in jobs],
                                                status__in=Job.LIVE_STATUSES).exists(),
                 timeout=60)  # fmt: skip
        assert set(Job.objects.values_list("status", flat=True)) == {"succeeded"}
        assert pool.proc.poll() is None


def test_a_canceled_render_is_killed_and_its_slot_takes_the_next_job_within_two_seconds(
    workers, owner
):
    embedded_pair()
    workers()
    first = services.job_create(owner=owner, text=LONG_TEXT)
    second = services.job_create(owner=owner, text="Next in line.")
    ffmpeg = wait_for(lambda: ffmpeg_of(first.pk), timeout=120, every=0.05)
    wait_for(lambda: Job.objects.get(pk=second.pk).status == "audio_ready", timeout=60)
    fence = GpuSlot.objects.get(name="video0").fence

    services.job_cancel(job=first)
    canceled = timezone.now()
    wait_for(lambda: not alive(ffmpeg), timeout=2, every=0.02,
             message="the canceled render's ffmpeg still runs 2 s later")  # fmt: skip
    wait_for(lambda: GpuSlot.objects.get(name="video0").fence > fence, timeout=2, every=0.02,
             message="the canceled job's slot took no new job within 2 s")  # fmt: skip

    second.refresh_from_db()
    assert second.video_slot.name == "video0"
    assert (second.render_started_at - canceled).total_seconds() < 2
    leftovers = [p.name for p in job_folder(first.pk).glob("*") if "partial" in p.name
                 or p.suffix == ".progress" or p.name == "result.mp4"]  # fmt: skip
    assert leftovers == []


def test_the_sweep_runs_as_soon_as_the_workers_start(workers, owner):
    embedded_pair()
    job = services.job_create(owner=owner, text="Left behind by a dead worker.")
    # As if a worker died mid-speech before this start: its lease ran out long ago.
    slot = GpuSlot.objects.get(name="tts0")
    GpuSlot.objects.filter(pk=slot.pk).update(
        fence=slot.fence + 1, lease_until=timezone.now() - timezone.timedelta(minutes=5)
    )
    Job.objects.filter(pk=job.pk).update(status="synthesizing", tts_slot=slot, fence=slot.fence + 1)
    started = time.monotonic()

    workers()
    wait_for(lambda: job.events.filter(kind="reclaimed").exists(), timeout=30, every=0.05)
    assert time.monotonic() - started < 10  # not django-q2's 30 s schedule tick
    wait_for(lambda: Job.objects.get(pk=job.pk).status == "succeeded", timeout=60)


@pytest.mark.parametrize("target", ["supervisor", "process group"])
def test_sigterm_hands_running_stages_back_and_the_next_workers_finish_them(workers, owner, target):
    embedded_pair()
    pool = workers(HEYGEM_STOP_GRACE_SECONDS=20)
    job = services.job_create(owner=owner, text=LONG_TEXT)
    wait_for(lambda: ffmpeg_of(job.pk), timeout=120, every=0.05)

    stopping = time.monotonic()
    if target == "supervisor":
        pool.proc.send_signal(signal.SIGTERM)
    else:  # as container runtimes and many supervisors do
        os.killpg(pool.proc.pid, signal.SIGTERM)
    pool.proc.wait(timeout=40)
    assert time.monotonic() - stopping < 25  # never hangs

    job.refresh_from_db()
    assert job.status == "audio_ready" and job.attempt == 0
    assert job.events.filter(kind="handed_back", message__contains="no attempt counted").exists()
    assert not GpuSlot.objects.filter(lease_until__isnull=False).exists()
    assert Host.objects.get(name="local").stopping

    workers()
    wait_for(lambda: Job.objects.get(pk=job.pk).status == "succeeded", timeout=120)
    job.refresh_from_db()
    assert job.attempt == 0 and not Host.objects.get(name="local").stopping


def test_clusters_stop_when_the_supervisor_is_killed_and_a_restart_does_the_work(workers, owner):
    """kill -9 of `manage.py workers` alone (an OOM kill, a bad unit file): its clusters,
    each in a session of its own, stop with it instead of working on as orphans next
    to the clusters of the supervisor that replaces it."""
    embedded_pair()
    pool = workers()
    wait_for(lambda: len(pool.children()) == 2, timeout=30)
    clusters = pool.children()

    pool.proc.kill()
    pool.proc.wait()

    wait_for(lambda: not any(alive(pid) for pid in clusters), timeout=30,
             message="the clusters of a dead supervisor kept running")  # fmt: skip
    workers()
    job = services.job_create(owner=owner, text="After the restart.")
    wait_for(lambda: Job.objects.get(pk=job.pk).status == "succeeded", timeout=60)
