from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs import selectors, services
from jobs.models import GpuSlot, Job
from jobs.services import dispatcher

pytestmark = pytest.mark.django_db


def make_job(owner, *, status=Job.Status.QUEUED, priority=0, **fields):
    return Job.objects.create(
        owner=owner, text="t", spoken_text="t", status=status, priority=priority, **fields
    )


def slot(name, stage="tts", **fields):
    backend = "espeak" if stage == "tts" else "dub"
    return GpuSlot.objects.create(name=name, stage=stage, backend=backend, **fields)


def dispatch_now():
    with transaction.atomic():
        return dispatcher.dispatch()


def test_it_binds_a_waiting_job_to_a_free_slot_with_a_lease_and_a_new_fence(
    owner, enqueued, django_capture_on_commit_callbacks
):
    tts = slot("tts0")
    job = make_job(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_now() == 1

    job.refresh_from_db()
    tts.refresh_from_db()
    assert job.status == Job.Status.SYNTHESIZING
    assert job.tts_slot == tts and job.fence == tts.fence == 1
    assert tts.lease_until > timezone.now()
    assert enqueued == [("tts", str(job.pk), tts.pk, 1, False)]


def test_nothing_is_enqueued_when_the_binding_rolls_back(owner, enqueued):
    slot("tts0")
    make_job(owner)

    with pytest.raises(RuntimeError), transaction.atomic():
        dispatcher.dispatch()
        raise RuntimeError

    assert enqueued == []
    assert Job.objects.get().status == Job.Status.QUEUED


def test_higher_priority_runs_first_then_older_jobs(owner, enqueued):
    slot("tts0")
    old = make_job(owner)
    make_job(owner)
    urgent = make_job(owner, priority=5)

    dispatch_now()
    assert Job.objects.get(status="synthesizing") == urgent

    Job.objects.filter(pk=urgent.pk).update(status="audio_ready")
    GpuSlot.objects.update(lease_until=None)
    dispatch_now()
    assert Job.objects.get(status="synthesizing") == old


def test_tts_and_video_are_separate_resources(owner, enqueued):
    slot("tts0")
    slot("video0", stage="video")
    make_job(owner)
    make_job(owner, status=Job.Status.AUDIO_READY, speech_audio="s.wav", audio_seconds=1)

    assert dispatch_now() == 2
    assert set(Job.objects.values_list("status", flat=True)) == {"synthesizing", "rendering"}


def test_each_video_attempt_gets_a_fresh_engine_code(owner, enqueued):
    slot("video0", stage="video")
    job = make_job(owner, status=Job.Status.AUDIO_READY)

    dispatch_now()

    job.refresh_from_db()
    assert len(job.engine_code) == 32


def test_disabled_draining_unhealthy_and_engine_busy_slots_take_no_work(owner, enqueued):
    slot("off", enabled=False)
    slot("draining", draining=True)
    slot("sick", healthy=False)
    slot("busy", engine_busy=True)
    make_job(owner)

    assert dispatch_now() == 0


def test_a_job_in_backoff_waits(owner, enqueued):
    slot("tts0")
    make_job(owner, not_before=timezone.now() + timedelta(minutes=1))

    assert dispatch_now() == 0


def test_a_retry_prefers_another_slot_but_never_leaves_one_idle(owner, enqueued):
    bad = slot("tts0")
    good = slot("tts1", fence=5)  # least-used order would pick tts0 first
    job = make_job(owner, avoid_slot=bad)

    dispatch_now()
    job.refresh_from_db()
    assert job.tts_slot == good

    alone = make_job(owner, avoid_slot=bad)
    dispatch_now()
    alone.refresh_from_db()
    assert alone.tts_slot == bad


def test_work_spreads_over_the_least_used_slots(owner, enqueued):
    for i in range(3):
        slot(f"tts{i}")
    for _ in range(3):
        make_job(owner)

    dispatch_now()

    assert sorted(Job.objects.values_list("tts_slot__name", flat=True)) == ["tts0", "tts1", "tts2"]


def test_the_database_rejects_a_forced_double_binding_of_one_slot(owner):
    tts = slot("tts0")
    make_job(owner, status=Job.Status.SYNTHESIZING, tts_slot=tts, fence=1)

    with pytest.raises(IntegrityError, match="one_synthesizing_job_per_slot"):
        make_job(owner, status=Job.Status.SYNTHESIZING, tts_slot=tts, fence=1)


def test_the_database_rejects_a_forced_double_binding_of_a_video_slot(owner):
    video = slot("video0", stage="video")
    a = make_job(owner, status=Job.Status.RENDERING, video_slot=video)
    b = make_job(owner, status=Job.Status.AUDIO_READY)

    with pytest.raises(IntegrityError, match="one_rendering_job_per_slot"):
        Job.objects.filter(pk=b.pk).update(status="rendering", video_slot=a.video_slot)


def test_the_same_gpu_setting_renders_where_the_speech_was_made(owner, enqueued, settings):
    settings.HEYGEM = {**settings.HEYGEM, "PAIR_SAME_GPU": True}
    tts1 = slot("gpu1-tts", gpu="gpu1")
    slot("gpu0-video", stage="video", gpu="gpu0")
    gpu1_video = slot("gpu1-video", stage="video", gpu="gpu1", fence=9)
    job = make_job(owner, status=Job.Status.AUDIO_READY, tts_slot=tts1)

    dispatch_now()

    job.refresh_from_db()
    assert job.video_slot == gpu1_video


def test_a_stale_worker_cannot_write_after_its_binding_moved_on(owner, enqueued):
    tts = slot("tts0")
    job = make_job(owner)
    dispatch_now()
    # The sweep took the slot back and bound it again: fence 1 is history.
    GpuSlot.objects.filter(pk=tts.pk).update(lease_until=None)
    Job.objects.filter(pk=job.pk).update(status="queued")
    dispatch_now()

    wrote = services.job_progress_update(
        job_id=job.pk, stage="tts", slot_id=tts.pk, fence=1, progress=30
    )

    assert not wrote
    job.refresh_from_db()
    assert job.fence == 2 and job.progress == 0


def busy_with(video_slot, owner, *, audio_seconds, started_seconds_ago):
    """A render running on ``video_slot`` (leased), started that long ago."""
    started = timezone.now() - timedelta(seconds=started_seconds_ago)
    job = make_job(owner, status=Job.Status.RENDERING, video_slot=video_slot,
                   audio_seconds=audio_seconds, render_started_at=started)  # fmt: skip
    GpuSlot.objects.filter(pk=video_slot.pk).update(
        lease_until=timezone.now() + timedelta(minutes=1), fence=1
    )
    return job


def test_at_the_tail_a_long_job_waits_for_a_fast_gpu_rather_than_start_on_a_slow_one(
    owner, enqueued
):
    fast = slot("fast", "video", seconds_per_audio_second=0.5)
    slow = slot("slow", "video", seconds_per_audio_second=5.0)
    busy_with(fast, owner, audio_seconds=10, started_seconds_ago=3)  # ends in about 2 s
    lecture = make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=60)

    # On the slow GPU it would end in 300 s; on the fast one in 2 + 30 s.
    assert dispatch_now() == 0
    lecture.refresh_from_db()
    assert lecture.status == Job.Status.AUDIO_READY
    assert GpuSlot.objects.get(pk=slow.pk).lease_until is None


def test_while_work_piles_up_a_slow_gpu_gets_some_of_it_never_none(owner, enqueued):
    slot("fast", "video", seconds_per_audio_second=0.5)
    slot("slow", "video", seconds_per_audio_second=2.0)
    for _ in range(10):
        make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=20)

    assert dispatch_now() == 2  # both start at once: the queue is long enough for both

    running = Job.objects.filter(status="rendering").values_list("video_slot__name", flat=True)
    assert set(running) == {"fast", "slow"}


def place_one_by_one(owner, count):
    """Slot names the jobs went to, one job waiting at a time, each done before the next."""
    used = []
    for _ in range(count):
        job = make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=20)
        assert dispatch_now() == 1
        job.refresh_from_db()
        used.append(job.video_slot.name)
        GpuSlot.objects.filter(pk=job.video_slot_id).update(lease_until=None)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    return used


def test_a_slot_measured_a_little_slower_still_gets_a_trickle_of_work(owner, enqueued):
    # Speed samples are noisy: 10 % slower on paper must not mean no work for good
    # (on 30 pairs, 7 GPUs rendered nothing when the lowest figure always won).
    slot("a", "video", seconds_per_audio_second=0.30)
    slot("b", "video", seconds_per_audio_second=0.33)

    assert place_one_by_one(owner, 4) == ["a", "b", "a", "b"]


def test_a_lone_job_does_not_go_to_a_clearly_slower_free_slot(owner, enqueued):
    slot("fast", "video", seconds_per_audio_second=0.30)
    slot("slow", "video", seconds_per_audio_second=0.60)

    assert place_one_by_one(owner, 3) == ["fast", "fast", "fast"]


def test_a_new_gpu_is_taken_to_be_as_fast_as_its_measured_peers(owner, enqueued):
    fast = slot("fast", "video", seconds_per_audio_second=0.5)
    slot("new", "video")  # unmeasured: the backend's default (0.4 for dub) is not used
    GpuSlot.objects.filter(backend="dub").update(backend="heygem")  # default 2 s/s
    busy_with(fast, owner, audio_seconds=10, started_seconds_ago=3)
    make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=60)

    assert dispatch_now() == 1  # like its peer (0.5), it ends sooner than waiting for fast
    assert Job.objects.get(status="rendering", audio_seconds=60).video_slot.name == "new"


def test_a_one_word_job_does_not_make_a_fast_gpu_look_slow(owner):
    slot("peer", "video", seconds_per_audio_second=0.3)
    new = slot("new", "video")

    # 0.5 s of speech took 1.7 s, nearly all of it fixed cost.
    services.slot_measure_speed(slot_id=new.pk, audio_seconds=0.5, engine_seconds=1.7)
    new.refresh_from_db()
    assert new.seconds_per_audio_second < 0.5

    after_tiny = new.seconds_per_audio_second
    services.slot_measure_speed(slot_id=new.pk, audio_seconds=20, engine_seconds=6)
    new.refresh_from_db()
    assert 0.3 < new.seconds_per_audio_second < after_tiny  # a full sample counts fully


def test_a_gpu_faster_than_the_backends_guess_is_known_after_its_first_full_render(owner):
    new = slot("new", "video")
    GpuSlot.objects.filter(pk=new.pk).update(backend="heygem")  # guessed at 2 s/s

    services.slot_measure_speed(slot_id=new.pk, audio_seconds=1, engine_seconds=1.0)  # warm-up
    services.slot_measure_speed(slot_id=new.pk, audio_seconds=20, engine_seconds=6)  # 0.3 s/s
    new.refresh_from_db()
    # Its polls and placement go by this: 1.4 s/s (before) made a 6 s render look like 28.
    assert new.seconds_per_audio_second < 0.6


def test_a_gpu_measured_only_on_a_warm_up_word_still_gets_work(owner, enqueued):
    """A warm-up word on a fresh box leaves its GPU at mostly the backend's guess (a real
    GPU's figure, eight times the fakes'): placed by that, it would never render again."""
    warmed = slot("warmed", "video")
    peers = [slot(f"peer{n}", "video") for n in range(3)]
    GpuSlot.objects.update(backend="heygem")
    services.slot_measure_speed(slot_id=warmed.pk, audio_seconds=1, engine_seconds=1.0)
    warmed.refresh_from_db()
    assert warmed.seconds_per_audio_second > 1.5  # mostly the guess (2 s/s)
    for peer in peers:  # then its peers render full-sized jobs, at 0.3 s/s
        services.slot_measure_speed(slot_id=peer.pk, audio_seconds=18, engine_seconds=5.4)
    for peer in peers[:2]:
        busy_with(peer, owner, audio_seconds=18, started_seconds_ago=1)
    make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=18)
    make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=18)

    assert dispatch_now() == 2  # the free peer and the warmed-up GPU both take one
    assert Job.objects.filter(status="rendering", video_slot=warmed).exists()


def test_an_owners_single_job_goes_before_the_rest_of_anteammates_batch(owner, teammate, enqueued):
    video = slot("v0", "video")
    # The batch owner has used the GPU lately: one of its renders ran a minute.
    done = make_job(owner, status=Job.Status.SUCCEEDED, video_slot=video,
                    render_started_at=timezone.now() - timedelta(seconds=90),
                    render_finished_at=timezone.now() - timedelta(seconds=30))  # fmt: skip
    batch = [make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=5) for _ in range(20)]
    single = make_job(teammate, status=Job.Status.AUDIO_READY, audio_seconds=5)

    assert selectors.job_queue_position(single) == 1  # the ETA and the API show that order
    dispatch_now()

    single.refresh_from_db()
    assert single.status == Job.Status.RENDERING and done.pk != single.pk
    waiting = Job.objects.filter(pk__in=[b.pk for b in batch], status=Job.Status.AUDIO_READY)
    assert waiting.count() == len(batch)


def test_strict_age_order_when_fair_share_is_off(owner, teammate, enqueued, settings):
    settings.HEYGEM = {**settings.HEYGEM, "FAIR_SHARE": False}
    slot("v0", "video")
    make_job(owner, status=Job.Status.SUCCEEDED,
             render_started_at=timezone.now() - timedelta(seconds=90),
             render_finished_at=timezone.now() - timedelta(seconds=30))  # fmt: skip
    first = make_job(owner, status=Job.Status.AUDIO_READY, audio_seconds=5)
    make_job(teammate, status=Job.Status.AUDIO_READY, audio_seconds=5)

    dispatch_now()

    first.refresh_from_db()
    assert first.status == Job.Status.RENDERING
