"""Watching a job: a change arrives within a second, an idle watcher asks once per wait."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from rest_framework.authtoken.models import Token

from jobs.models import GpuSlot, Job
from tests.api.test_downloads import free_port
from tests.conftest import ROOT
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


@pytest.fixture
def gunicorn(settings, tmp_path):
    """The shipped gunicorn config on the test database: 1 worker x 4 threads, 1 hold."""
    db = settings.DATABASES["default"]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "HEYGEM_WATCH_MAX_HELD": "1", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4",
           "GUNICORN_ACCESSLOG": "", "MEDIA_ROOT": str(tmp_path)}  # fmt: skip
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c",
                               "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                               "heygem_site.wsgi"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_past_the_hold_limit_a_watcher_is_answered_at_once_and_told_it_was_not_held(
    gunicorn, owner
):
    job = make_job(owner)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=owner).key}"
    url = f"{gunicorn}/api/v1/jobs/{job.pk}/"
    etag = session.get(url, timeout=10).headers["ETag"]
    thread, first = watch_in_background(session, url, etag, wait=4)
    time.sleep(1.0)  # the first watcher holds the worker's only permit

    started = time.monotonic()
    second = requests.get(url, timeout=10, headers={**session.headers, "If-None-Match": etag,
                                                   "Prefer": "wait=4"})  # fmt: skip
    answered = time.monotonic() - started
    thread.join(timeout=15)

    assert second.status_code == 304 and answered < 1.0
    assert "Preference-Applied" not in second.headers
    assert first["response"].headers["Preference-Applied"] == "wait=4"
