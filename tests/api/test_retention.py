"""Retention: finished media goes after its keeping time; pinned and live jobs keep theirs."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from jobs import services, tasks
from jobs.models import Job, JobEvent, OwnerLimits
from jobs.services import retention
from tests.conftest import job_folder
from tests.factories import RESULT_BYTES, make_job

pytestmark = pytest.mark.django_db


def finished(owner, *, days_ago, status=Job.Status.SUCCEEDED, **fields):
    job = make_job(owner, status=status, with_files=True, **fields)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
    return job


@pytest.fixture
def retention_days(settings):
    settings.HEYGEM = {**settings.HEYGEM, "RETENTION_DAYS": 30}


def purge(*args) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def test_dry_run_shows_what_would_go_and_how_many_bytes_and_deletes_nothing(owner, retention_days):
    old = finished(owner, days_ago=31)
    finished(owner, days_ago=29)
    size = len(RESULT_BYTES) + len(b"RIFF fake speech")
    out = purge("--dry-run")
    assert f"{old.pk}\t{size:,} bytes" in out
    assert f"1 job(s), would free {size:,} bytes" in out
    assert job_folder(old.pk).is_dir()
    assert Job.objects.get(pk=old.pk).media_purged_at is None


def test_a_purge_deletes_the_media_records_an_event_and_keeps_the_row(owner, retention_days):
    old, recent = finished(owner, days_ago=31), finished(owner, days_ago=29)
    report = json.loads(purge("--json"))
    assert report["jobs"] == [{"job": str(old.pk), "bytes": report["bytes"]}] and report["bytes"]
    assert not job_folder(old.pk).exists() and job_folder(recent.pk).is_dir()
    old.refresh_from_db()
    assert old.media_purged_at is not None
    assert (old.result_video, old.speech_audio) == ("", "")
    event = JobEvent.objects.get(job=old, kind=JobEvent.Kind.PURGED)
    assert "30 days after the job ended" in event.message and event.data["bytes"] > 0
    assert "0 job(s), freed 0 bytes" in purge()  # nothing twice


def test_pinned_jobs_and_live_jobs_keep_their_media(owner, retention_days):
    pinned = finished(owner, days_ago=90, pinned=True)
    # A live job whose last run ended long ago (it was retried): never purged.
    live = finished(owner, days_ago=90, status=Job.Status.RENDERING)
    assert services.media_purge() == []
    assert job_folder(pinned.pk).is_dir() and job_folder(live.pk).is_dir()


def test_a_job_retried_while_the_purge_runs_is_left_alone(owner, retention_days, monkeypatch):
    failed = finished(owner, days_ago=31, status=Job.Status.FAILED)
    real_size = retention.storage.folder_size

    def retried_meanwhile(folder):
        services.job_retry(job=Job.objects.get(pk=failed.pk))  # between the list and the lock
        return real_size(folder)

    monkeypatch.setattr(retention.storage, "folder_size", retried_meanwhile)
    assert services.media_purge() == []
    failed.refresh_from_db()
    assert failed.is_live and failed.media_purged_at is None
    assert (job_folder(failed.pk) / "speech.wav").is_file()


def test_an_owners_own_retention_replaces_the_setting(owner, teammate, outsider, retention_days):
    OwnerLimits.objects.create(owner=owner, retention_days=7)
    OwnerLimits.objects.create(owner=teammate, retention_days=0)  # kept for good
    mine = finished(owner, days_ago=8)
    theirs = finished(teammate, days_ago=400)
    others = finished(outsider, days_ago=8)
    assert [pk for pk, _ in services.media_purge()] == [mine.pk]
    assert job_folder(theirs.pk).is_dir() and job_folder(others.pk).is_dir()


def test_a_purged_job_cannot_be_retried_or_pinned(api, owner, retention_days):
    job = finished(owner, days_ago=31, status=Job.Status.FAILED)
    services.media_purge()
    assert api.post(f"/api/v1/jobs/{job.pk}/retry/").status_code == 409
    assert api.post(f"/api/v1/jobs/{job.pk}/pin/").status_code == 409


def test_pinning_through_the_api_keeps_a_job_past_its_time(api, owner, retention_days):
    job = finished(owner, days_ago=31)
    response = api.post(f"/api/v1/jobs/{job.pk}/pin/")
    assert response.status_code == 200 and response.json()["pinned"] is True
    assert services.media_purge() == []
    assert api.post(f"/api/v1/jobs/{job.pk}/unpin/").json()["pinned"] is False
    assert [pk for pk, _ in services.media_purge()] == [job.pk]
    assert JobEvent.objects.filter(job=job, kind__in=["pinned", "unpinned"]).count() == 2


def test_the_job_page_pins_and_says_so(client, owner):
    job = finished(owner, days_ago=1)
    client.force_login(owner)
    assert "Pin (keep for good)" in client.get(f"/jobs/{job.pk}/").content.decode()
    client.post(f"/jobs/{job.pk}/pin", {"pinned": "1"})
    assert Job.objects.get(pk=job.pk).pinned
    assert "Pinned: its media is kept for good." in client.get(f"/jobs/{job.pk}/").content.decode()


def test_the_admin_pins_selected_jobs(client, operator, owner):
    job = finished(owner, days_ago=1)
    client.force_login(operator)
    client.post("/admin/jobs/job/", {"action": "pin", "_selected_action": [job.pk]})
    assert Job.objects.get(pk=job.pk).pinned


def test_the_purge_runs_on_a_schedule_made_after_migrate(owner, retention_days):
    schedule = Schedule.objects.get(name=retention.PURGE_SCHEDULE)
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "jobs.tasks.purge", Schedule.MINUTES, -1)  # fmt: skip
    finished(owner, days_ago=31)
    assert tasks.purge() == 1
