"""Batches: many jobs from one CSV or JSON list, through the API, the pages and the CLI."""

import csv
import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from jobs.models import Batch, BatchItem, Job
from tests.api.conftest import error
from tests.factories import RESULT_BYTES, make_voice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local_callbacks(settings):
    """Callback URLs on this machine are allowed (no DNS lookups in tests)."""
    settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": True}


CSV = (
    "text,title,priority,voice,callback_url\n"
    '"The area is $\\pi r^2$.",Circles,2,,\n'
    "Speed is 3 m/s.,Speed,,Narrator,http://127.0.0.1:9/hook\n"
)


def create(api, rows, **extra):
    return api.post("/api/v1/batches/", {"rows": rows, **extra}, format="json")


def finish(job, *, with_result=True):
    """The job succeeded and its video is stored (no engine needed)."""
    fields = {"status": Job.Status.SUCCEEDED, "progress": 100}
    if with_result:
        from django.conf import settings

        folder = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.mp4").write_bytes(RESULT_BYTES)
        fields["result_video"] = f"jobs/{job.pk}/result.mp4"
    Job.objects.filter(pk=job.pk).update(**fields)


def test_a_json_batch_makes_one_job_per_row_with_its_voice_priority_title_and_callback(api, owner):
    voice = make_voice(owner, "Narrator")
    response = create(api, [
        {"text": "First $x^2$.", "title": "One", "priority": 3},
        {"text": "Second.", "voice": "Narrator", "callback_url": "http://127.0.0.1:9/h"},
    ], title="Week 3")  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/batches/{body['id']}/")
    assert (body["title"], body["status"], body["total"]) == ("Week 3", "queued", 2)
    first, second = (item["job"] for item in body["items"])
    assert [i["row"] for i in body["items"]] == [1, 2] and body["items"][0]["title"] == "One"
    assert Job.objects.get(pk=first["id"]).priority == 3
    job = Job.objects.get(pk=second["id"])
    assert (job.voice, job.callback_url) == (voice, "http://127.0.0.1:9/h")


def test_a_csv_file_is_a_batch_and_its_columns_are_read(api, owner):
    make_voice(owner, "Narrator")
    upload = SimpleUploadedFile("week.csv", CSV.encode(), content_type="text/csv")
    response = api.post("/api/v1/batches/", {"file": upload, "title": "CSV"})
    assert response.status_code == 201, response.json()
    items = BatchItem.objects.filter(batch_id=response.json()["id"]).order_by("row")
    assert [(i.row, i.title, i.job.priority) for i in items] == [(1, "Circles", 2), (2, "Speed", 0)]
    assert "pi r squared" in items[0].job.spoken_text
    assert items[1].job.voice.name == "Narrator"


def test_bad_rows_are_named_by_number_and_field_and_nothing_is_created(api, owner):
    response = create(api, [
        {"text": "Fine."},
        {"text": "   "},
        {"text": "Fine too.", "priority": 99, "voice": "Nobody"},
        {"text": "Odd.", "colour": "red"},
    ])  # fmt: skip
    assert response.status_code == 400
    assert "Row 2, text:" in error(response, "rows.2.text")
    assert "between -10 and 10" in error(response, "rows.3.priority")
    assert "Unknown voice 'Nobody'" in error(response, "rows.3.voice")
    assert "Unknown column" in error(response, "rows.4.colour")
    assert not Batch.objects.exists() and not Job.objects.exists()


def test_a_batch_over_the_queued_cap_is_refused_whole(api, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 2}
    response = create(api, [{"text": "One."}, {"text": "Two."}, {"text": "Three."}])
    assert response.status_code == 429
    assert "asks for 3 more" in error(response)
    assert not Batch.objects.exists() and not Job.objects.exists()


def test_a_batch_longer_than_the_row_limit_is_refused(api, settings):
    settings.HEYGEM = {**settings.HEYGEM, "BATCH_MAX_ROWS": 2}
    response = create(api, [{"text": "a"}, {"text": "b"}, {"text": "c"}])
    assert response.status_code == 400
    assert "the limit is 2" in error(response, "rows")


def test_a_file_larger_than_any_batch_could_be_is_refused_unread(api, settings):
    settings.HEYGEM = {**settings.HEYGEM, "BATCH_MAX_ROWS": 1, "MAX_TEXT_CHARS": 10}
    upload = SimpleUploadedFile("big.csv", b"text\n" + b"x" * 3000)
    response = api.post("/api/v1/batches/", {"file": upload})
    assert response.status_code == 400
    assert "split the batch" in error(response, "file")


def test_status_and_progress_follow_the_jobs(api):
    body = create(api, [{"text": "One."}, {"text": "Two."}]).json()
    jobs = [Job.objects.get(pk=item["job"]["id"]) for item in body["items"]]
    finish(jobs[0])
    detail = api.get(body["links"]["self"]).json()
    assert (detail["status"], detail["progress"]) == ("running", 50)
    assert detail["by_status"]["succeeded"] == 1 and detail["by_status"]["queued"] == 1
    Job.objects.filter(pk=jobs[1].pk).update(status=Job.Status.FAILED)
    assert api.get(body["links"]["self"]).json()["status"] == "failed"


def test_the_zip_streams_each_finished_video_and_a_manifest(api):
    body = create(api, [{"text": "One.", "title": "Intro"}, {"text": "Two."}]).json()
    first, second = (Job.objects.get(pk=item["job"]["id"]) for item in body["items"])
    assert api.get(body["links"]["results"]).status_code == 404  # nothing finished yet
    finish(first)
    response = api.get(body["links"]["results"])
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["manifest.csv", "0001-intro.mp4"]
    assert archive.read("0001-intro.mp4") == RESULT_BYTES
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert [(m["row"], m["status"], m["file"]) for m in manifest] == [
        ("1", "succeeded", "0001-intro.mp4"), ("2", "queued", "")]  # fmt: skip
    assert manifest[1]["job"] == str(second.pk)


def test_cancel_and_retry_act_on_the_whole_batch(api):
    body = create(api, [{"text": "One."}, {"text": "Two."}, {"text": "Three."}]).json()
    finish(Job.objects.get(pk=body["items"][0]["job"]["id"]))
    response = api.post(body["links"]["cancel"])
    assert response.status_code == 200
    assert response.json()["by_status"] == {**response.json()["by_status"], "canceled": 2}
    assert api.post(body["links"]["cancel"]).status_code == 409
    response = api.post(body["links"]["retry"])
    assert response.status_code == 200
    assert response.json()["by_status"]["queued"] == 2
    assert response.json()["by_status"]["succeeded"] == 1
    assert api.post(body["links"]["retry"]).status_code == 409


def test_another_owners_batch_is_not_found(api, api_as, outsider):
    body = create(api, [{"text": "Mine."}]).json()
    theirs = api_as(outsider)
    for url in (body["links"]["self"], body["links"]["results"]):
        assert theirs.get(url).status_code == 404
    assert theirs.post(body["links"]["cancel"]).status_code == 404
    assert theirs.get("/api/v1/batches/").json()["count"] == 0


# --- The CLI ---------------------------------------------------------------------


def test_the_cli_submits_a_csv_and_shows_the_batch(owner, tmp_path):
    make_voice(owner, "Narrator")
    path = tmp_path / "week.csv"
    path.write_text(CSV)
    out = StringIO()
    call_command("batch", "submit", str(path), "--user", "owner", "--title", "W", stdout=out)
    batch = Batch.objects.get()
    assert f"Batch {batch.pk}: queued, 2 jobs" in out.getvalue()
    out = StringIO()
    call_command("batch", "show", str(batch.pk), "--json", stdout=out)
    assert '"status": "queued"' in out.getvalue()


def test_the_cli_dry_run_prints_spoken_text_and_a_bad_row_creates_nothing(owner, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("text,title\nThe area is $\\pi r^2$.,Circles\n")
    out = StringIO()
    call_command("batch", "submit", str(path), "--user", "owner", "--dry-run", stdout=out)
    assert "1\tCircles\tThe area is pi r squared." in out.getvalue()
    path.write_text("text,priority\nFine.,1\nAlso fine.,high\n")
    with pytest.raises(CommandError, match="Row 2, priority: Must be a whole number"):
        call_command("batch", "submit", str(path), "--user", "owner", stdout=StringIO())
    assert not Batch.objects.exists() and not Job.objects.exists()


# --- The pages ---------------------------------------------------------------------


def test_the_page_previews_each_rows_spoken_text_then_confirm_queues_them(client, owner):
    client.force_login(owner)
    upload = SimpleUploadedFile("week.csv", b"text,title\nThe area is $\\pi r^2$.,Circles\n")
    preview = client.post("/batches/new/", {"file": upload, "title": "Week"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "The area is pi r squared." in page and "Circles" in page
    assert not Job.objects.exists()  # nothing before the confirm
    token = preview.context["token"]
    confirmed = client.post("/batches/new/", {"token": token})
    batch = Batch.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/batches/{batch.pk}/"
    assert batch.title == "Week" and batch.items.count() == 1
    detail = client.get(f"/batches/{batch.pk}/").content.decode()
    assert "Circles" in detail and "Queued" in detail
    assert client.post("/batches/new/", {"token": token}).status_code == 400  # used up


def test_the_page_lists_bad_rows_and_queues_nothing(client, owner):
    client.force_login(owner)
    upload = SimpleUploadedFile("bad.csv", b"text,priority\n,1\nFine.,x\n")
    response = client.post("/batches/new/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 1, text:" in page and "Row 2, priority: Must be a whole number." in page
    assert not Job.objects.exists()


def test_the_page_says_which_cap_refused_the_batch(client, owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CAP_QUEUED": 1}
    client.force_login(owner)
    upload = SimpleUploadedFile("two.csv", b"text\nOne.\nTwo.\n")
    token = client.post("/batches/new/", {"file": upload}).context["token"]
    response = client.post("/batches/new/", {"token": token})
    assert response.status_code == 429
    assert "Over your cap of 1 waiting jobs" in response.content.decode()
    assert not Job.objects.exists()


def test_the_page_cancels_and_offers_the_zip(client, owner, api):
    body = create(api, [{"text": "One."}, {"text": "Two."}]).json()
    finish(Job.objects.get(pk=body["items"][0]["job"]["id"]))
    client.force_login(owner)
    page = client.get(f"/batches/{body['id']}/").content.decode()
    assert f"/batches/{body['id']}/results.zip" in page
    client.post(f"/batches/{body['id']}/cancel")
    assert Job.objects.filter(status="canceled").count() == 1
    response = client.get(f"/batches/{body['id']}/results.zip")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist() == [
        "manifest.csv", f"0001-{body['items'][0]['job']['id']}.mp4"]  # fmt: skip
