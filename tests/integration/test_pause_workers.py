"""A queue paused under real `manage.py workers`: the running stage finishes, nothing new
starts, and on resume the rest runs in the order it had."""

import time

import pytest

from jobs import selectors, services, stages
from jobs.models import Job, JobEvent
from tests.conftest import register_fake_pairs, wait_for
from tests.fakes import fake_gpu_pairs

pytestmark = pytest.mark.integration

STARTS = (JobEvent.Kind.TTS_STARTED, JobEvent.Kind.VIDEO_STARTED)


def starts_since(moment) -> list[tuple[str, str]]:
    events = JobEvent.objects.filter(kind__in=STARTS, at__gt=moment).order_by("at", "id")
    return [(str(job_id), kind) for job_id, kind in events.values_list("job_id", "kind")]


def test_a_paused_queue_finishes_the_running_render_starts_nothing_and_resumes_in_order(
    workers, tmp_path, owner, operator
):
    with fake_gpu_pairs(tmp_path, 1, video_options={"render_seconds": 2.0}) as [pair]:
        register_fake_pairs([pair])
        stages.default_speaker()
        workers(HEYGEM_RENDER_POLL_SECONDS=0.1)
        jobs = [services.job_create(owner=owner, text=f"Lesson {n}. Count to {n}.")
                for n in (1, 2, 3, 4)]  # fmt: skip
        first = jobs[0]
        wait_for(lambda: pair.video.busy, timeout=60, message="the first render never started")

        pause = services.queue_pause(by=operator, reason="servicing the GPU")
        running_then = set(
            Job.objects.filter(status__in=Job.RUNNING_IN.values()).values_list("pk", flat=True)
        )
        assert first.pk in running_then

        # The render under way finishes (and a speech stage under way, if one was).
        wait_for(lambda: Job.objects.get(pk=first.pk).status == Job.Status.SUCCEEDED,
                 timeout=60, message="the running render did not end under the pause")  # fmt: skip
        time.sleep(3)  # the stage ends' dispatches and the workers' first sweeps come and go
        assert starts_since(pause.paused_at) == []
        assert not Job.objects.filter(status__in=Job.RUNNING_IN.values()).exists()
        waiting = Job.objects.filter(pk__in=[j.pk for j in jobs[1:]])
        assert all(job.status in Job.WAITING_FOR.values() for job in waiting)
        for job in waiting:
            why = selectors.job_waiting(job, position=None, usable=selectors.usable_stages())
            assert why["text"] == "waiting: queue paused by operator (servicing the GPU)"

        resumed_at = services.queue_resume(by=operator).resumed_at
        rest = [j.pk for j in jobs[1:]]
        wait_for(lambda: Job.objects.filter(pk__in=rest, status="succeeded").count() == 3,
                 timeout=90, message="the rest did not finish after the resume")  # fmt: skip

        order = {str(pk): n for n, pk in enumerate(rest)}
        started = starts_since(resumed_at)
        for kind in STARTS:
            seen = [order[job_id] for job_id, k in started if k == kind and job_id in order]
            assert seen == sorted(seen), (kind, started)
        renders = Job.objects.filter(pk__in=rest).order_by("render_started_at")
        assert [job.pk for job in renders] == rest
