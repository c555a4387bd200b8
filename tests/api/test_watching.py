"""Watching a job: a change arrives within a second, an idle watcher asks once per wait."""

import threading
import time

import pytest
import requests
from rest_framework.authtoken.models import Token

from jobs.models import GpuSlot, Job
from tests.factories import make_job, make_slot

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watcher(live_server, owner):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=owner).key}"
    session.base = live_server.url
    return session


def watch_in_background(session, url, etag, wait):
    """GET with If-None-Match + Prefer: wait=N in a thread; the answer and when it came."""
    result = {}

    def run():
        response = session.get(url, headers={"If-None-Match": etag, "Prefer": f"wait={wait}"},
                               timeout=wait + 10)  # fmt: skip
        result.update(response=response, at=time.monotonic())

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_progress_change_reaches_a_waiting_watcher_within_a_second(watcher, owner):
    slot = make_slot("gpu0-video")
    job = make_job(owner, status=Job.Status.RENDERING, video_slot=slot, progress=40)
    url = f"{watcher.base}/api/v1/jobs/{job.pk}/"
    first = watcher.get(url, timeout=10)
    assert first.status_code == 200 and first.headers["ETag"]

    thread, result = watch_in_background(watcher, url, first.headers["ETag"], wait=20)
    time.sleep(1.0)  # the watcher is now held
    Job.objects.filter(pk=job.pk).update(progress=55)
    changed_at = time.monotonic()
    thread.join(timeout=25)

    assert result["response"].status_code == 200
    assert result["response"].json()["progress"] == 55
    assert result["at"] - changed_at < 1.0
    assert result["response"].headers["ETag"] != first.headers["ETag"]


def test_an_idle_watcher_gets_a_304_after_the_wait_it_asked_for(watcher, owner):
    job = make_job(owner)
    url = f"{watcher.base}/api/v1/jobs/{job.pk}/"
    etag = watcher.get(url, timeout=10).headers["ETag"]

    started = time.monotonic()
    thread, result = watch_in_background(watcher, url, etag, wait=2)
    thread.join(timeout=15)

    assert result["response"].status_code == 304
    assert 2.0 <= result["at"] - started < 4.0
    assert result["response"].headers["ETag"] == etag


def test_a_waiting_job_hears_that_its_stage_lost_its_last_healthy_slot(watcher, owner):
    make_slot("gpu0-tts", stage="tts", backend="espeak")
    job = make_job(owner)
    url = f"{watcher.base}/api/v1/jobs/{job.pk}/"
    first = watcher.get(url, timeout=10)
    assert first.json()["waiting"]["reason"] == "slot"

    thread, result = watch_in_background(watcher, url, first.headers["ETag"], wait=20)
    time.sleep(1.0)
    GpuSlot.objects.update(healthy=False)
    thread.join(timeout=25)

    waiting = result["response"].json()["waiting"]
    assert waiting["reason"] == "no_slot"
    assert waiting["text"].startswith("waiting: no healthy speech slot")


def test_the_job_page_fragment_is_long_polled_the_same_way(live_server, client, owner):
    job = make_job(owner, status=Job.Status.RENDERING, progress=10)
    client.force_login(owner)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    url = f"{live_server.url}/jobs/{job.pk}/live"
    etag = requests.get(url, cookies=cookies, timeout=10).headers["ETag"]
    result = {}

    def run():
        result["response"] = requests.get(
            url, cookies=cookies, headers={"If-None-Match": etag, "Prefer": "wait=20"}, timeout=30
        )

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(1.0)
    Job.objects.filter(pk=job.pk).update(progress=70)
    thread.join(timeout=25)
    assert result["response"].status_code == 200 and "70%" in result["response"].text
