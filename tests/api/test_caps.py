"""Per-owner caps and the disk floor: v1, the seed API, the form and the CLI refuse alike."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from jobs import services
from jobs.models import Job, OwnerLimits
from jobs.services import dispatcher
from jobs.services import jobs as job_services
from tests.api.conftest import error
from tests.factories import make_job, make_slot

pytestmark = pytest.mark.django_db


def test_a_submit_past_the_queued_cap_gets_429_naming_the_cap(api, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 2}
    for _ in range(2):
        assert api.post("/api/v1/jobs/", {"text": "One."}, format="json").status_code == 201
    response = api.post("/api/v1/jobs/", {"text": "Three."}, format="json")
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "cap_queued"
    assert "cap of 2 waiting jobs" in error(response)
    assert Job.objects.count() == 2


def test_the_queued_cap_says_when_a_place_frees_once_a_slot_can_run_the_jobs(api, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 1}
    make_slot("tts", stage="tts", backend="espeak")
    make_slot("video", stage="video", backend="dub")
    make_job(owner)
    response = api.post("/api/v1/jobs/", {"text": "Two."}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert f"about {response['Retry-After']} s" in error(response)


def test_an_owners_own_limit_replaces_the_setting(api, owner, teammate, api_as, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 1}
    OwnerLimits.objects.create(owner=owner, max_queued=3)
    make_job(owner), make_job(teammate)
    assert api.post("/api/v1/jobs/", {"text": "Mine."}, format="json").status_code == 201
    assert api_as(teammate).post("/api/v1/jobs/", {"text": "No."}, format="json").status_code == 429


def test_an_owner_reads_their_caps_and_usage(api, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 5, "CAP_CHARS_PER_DAY": 100}
    OwnerLimits.objects.create(owner=owner, max_running=2)
    make_job(owner, text="x" * 7), make_job(owner, status=Job.Status.RENDERING, text="y" * 3)
    body = api.get("/api/v1/limits/").json()
    assert body["caps"] == {"running": 2, "queued": 5, "chars_per_day": 100,
                            "retention_days": settings.HEYGEM["RETENTION_DAYS"]}  # fmt: skip
    assert body["usage"] == {"running": 1, "queued": 1, "chars_per_day": 10}


def test_the_daily_character_cap_frees_as_the_24_hour_window_slides(api, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_CHARS_PER_DAY": 30}
    old = make_job(owner, text="x" * 20, status=Job.Status.SUCCEEDED)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=23))
    make_job(owner, text="y" * 5, status=Job.Status.SUCCEEDED)
    response = api.post("/api/v1/jobs/", {"text": "z" * 10}, format="json")
    assert response.status_code == 429
    body = response.json()["errors"][0]
    assert body["code"] == "cap_chars_per_day"
    assert "cap of 30 text characters in 24 hours: 25 used" in body["detail"]
    # The 20 characters of the old job leave the window in an hour: that is when.
    assert 3500 <= int(response["Retry-After"]) <= 3600
    assert api.post("/api/v1/jobs/", {"text": "z" * 5}, format="json").status_code == 201


def test_a_text_longer_than_the_daily_cap_is_an_input_error(api, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_CHARS_PER_DAY": 5}
    response = api.post("/api/v1/jobs/", {"text": "Far too long."}, format="json")
    assert response.status_code == 400
    assert "more than your daily cap of 5" in error(response, "text")


def test_the_seed_api_answers_the_cap_in_its_own_shape(api, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 1}
    make_job(owner)
    response = api.post("/api/generate", {"text": "Hello."})
    assert response.status_code == 429
    body = response.json()
    assert body["success"] is False and "cap of 1 waiting jobs" in body["message"]


def test_the_submit_form_shows_the_cap_with_429(client, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 1}
    make_job(owner)
    client.force_login(owner)
    response = client.post("/jobs/new/", {"text": "Hello.", "priority": 0})
    assert response.status_code == 429
    assert "Over your cap of 1 waiting jobs" in response.content.decode()
    assert Job.objects.count() == 1


def test_the_cli_refuses_past_a_cap_with_the_reason(owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 1}
    make_job(owner)
    with pytest.raises(CommandError, match="Refused: Over your cap of 1 waiting jobs"):
        call_command("generate", "--user", "owner", "--text", "Hi.", stdout=StringIO())
    assert Job.objects.count() == 1


def test_the_running_cap_holds_an_owners_further_jobs_back_at_dispatch(
    owner, teammate, monkeypatch, api
):
    monkeypatch.setattr(dispatcher, "_enqueue", lambda *args, queue: None)
    OwnerLimits.objects.create(owner=owner, max_running=1)
    for name in ("tts-a", "tts-b", "tts-c"):
        make_slot(name, stage="tts", backend="espeak")
    mine = [make_job(owner), make_job(owner)]
    theirs = make_job(teammate)
    with transaction.atomic():
        assert dispatcher.dispatch() == 2  # a third slot stays free: the cap, not the slots
    statuses = {job.pk: Job.objects.get(pk=job.pk).status for job in [*mine, theirs]}
    assert sorted(statuses[j.pk] for j in mine) == ["queued", "synthesizing"]
    assert statuses[theirs.pk] == "synthesizing"
    held = next(j for j in mine if statuses[j.pk] == "queued")
    waiting = api.get(f"/api/v1/jobs/{held.pk}/").json()["waiting"]
    assert waiting["reason"] == "cap" and "cap allows" in waiting["text"]


@pytest.mark.django_db(transaction=True)
def test_two_racing_submits_cannot_both_take_the_last_place(owner, monkeypatch, settings):
    """Each submit waits inside its transaction after its check: without the owner's row
    lock both would count one waiting job and both would be created."""
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 2}
    make_job(owner)
    real_record = job_services.event_record
    both_checked = threading.Barrier(2, timeout=3)

    def slow_record(**kwargs):
        try:
            both_checked.wait()  # only reached by both when neither blocked the other
        except threading.BrokenBarrierError:
            pass
        return real_record(**kwargs)

    monkeypatch.setattr(job_services, "event_record", slow_record)
    outcomes = []

    def submit():
        try:
            services.job_create(owner=owner, text="Race.")
            outcomes.append("created")
        except services.CapExceeded:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused"]
    assert Job.objects.filter(owner=owner).count() == 2


# --- A nearly full media disk -------------------------------------------------------


@pytest.fixture
def disk_nearly_full(settings):
    """The free-space floor set above what the test machine has free."""
    settings.HEYGEM = {**settings.HEYGEM, "SUBMIT_MIN_FREE_BYTES": 1 << 62}


def test_submits_get_507_while_the_media_disk_is_nearly_full(api, owner, disk_nearly_full, client):
    response = api.post("/api/v1/jobs/", {"text": "Hello."}, format="json")
    assert response.status_code == 507
    assert response.json()["errors"][0]["code"] == "storage_low"
    assert "The media disk is nearly full" in error(response)
    seed = api.post("/api/generate", {"text": "Hello."})
    assert seed.status_code == 507 and "nearly full" in seed.json()["message"]
    batch = api.post("/api/v1/batches/", {"rows": [{"text": "Hi."}]}, format="json")
    assert batch.status_code == 507
    client.force_login(owner)
    page = client.post("/jobs/new/", {"text": "Hello.", "priority": 0})
    assert page.status_code == 507 and "nearly full" in page.content.decode()
    with pytest.raises(CommandError, match="Refused: The media disk is nearly full"):
        call_command("generate", "--user", "owner", "--text", "Hi.", stdout=StringIO())
    assert not Job.objects.exists()


def test_metrics_export_free_bytes_of_the_media_volume_and_engine_data_dirs(
    client, operator, tmp_path
):
    data_dir = tmp_path / "gpu0"
    data_dir.mkdir()
    make_slot("gpu0-video", stage="video", backend="heygem", data_dir=str(data_dir))
    client.force_login(operator)
    body = client.get("/metrics").content.decode()
    lines = [line for line in body.splitlines() if line.startswith("heygem_disk_free_bytes")]
    assert any('volume="media"' in line for line in lines)
    assert any('volume="gpu0-video"' in line and str(data_dir) in line for line in lines), lines
    assert all(float(line.rsplit(" ", 1)[1]) > 0 for line in lines)
    dashboard = client.get("/slots/").content.decode()
    assert "gpu0-video data dir" in dashboard and str(data_dir) in dashboard
