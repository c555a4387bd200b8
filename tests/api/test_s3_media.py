"""Media on an S3 bucket: uploads, stages, downloads, purge and the operator views."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from jobs import storage
from jobs.models import Job
from voices.models import Voice

pytestmark = pytest.mark.django_db


def test_a_job_with_a_speaker_video_runs_and_downloads_from_the_bucket(
    api, api_as, outsider, s3_media, media_root, sample_video, embedded_slots, sync_tasks,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with sample_video.open("rb") as video, django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/jobs/", {"text": "Two plus two is 4.", "video": video})
    assert created.status_code == 201, created.json()
    body = api.get(created.json()["links"]["self"]).json()
    assert body["status"] == "succeeded", body

    job = Job.objects.get(pk=body["id"])
    for name in (job.speaker_video, job.speech_audio, job.result_video):
        assert storage.exists(name), name
    assert not (media_root / "jobs").exists()  # nothing of the job on a local disk
    whole = api.get(body["links"]["result"])
    data = b"".join(whole.streaming_content)
    assert whole["Content-Length"] == str(len(data)) and data[4:12] == b"ftypisom"
    part = api.get(body["links"]["result"], HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206 and b"".join(part.streaming_content) == b"ftypisom"
    assert api.get(body["links"]["result"], HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 304
    seed = api.get(f"/api/download/{job.pk}")
    assert seed.status_code == 200 and b"".join(seed.streaming_content) == data
    assert api_as(outsider).get(body["links"]["result"]).status_code == 404


def test_with_redirects_the_owner_gets_a_presigned_url_and_nobody_else_does(
    api, api_as, outsider, owner, s3_media, settings
):
    settings.HEYGEM = {**settings.HEYGEM, "DOWNLOADS": "redirect"}
    job = Job.objects.create(owner=owner, text="Hi.", spoken_text="Hi.", status="succeeded",
                             result_video="jobs/x/result.mp4")  # fmt: skip
    with storage.writing("jobs/x/result.mp4") as out:
        out.write_bytes(b"\x00\x00\x00\x18ftypisom-video")

    answer = api.get(f"/api/v1/jobs/{job.pk}/result/")
    assert answer.status_code == 302 and answer["Cache-Control"] == "private, no-store"
    fetched = requests.get(answer["Location"], timeout=10)
    assert fetched.content == b"\x00\x00\x00\x18ftypisom-video"
    assert fetched.headers["Content-Disposition"] == f'attachment; filename="heygem-{job.pk}.mp4"'
    assert api_as(outsider).get(f"/api/v1/jobs/{job.pk}/result/").status_code == 404


def test_a_voice_upload_lands_in_the_bucket(api, s3_media, audio_only, media_root):
    with audio_only.open("rb") as audio:
        response = api.post("/api/v1/voices/", {"name": "Teacher", "audio": audio})
    assert response.status_code == 201, response.json()
    voice = Voice.objects.get(pk=response.json()["id"])
    assert storage.exists(voice.audio) and not (media_root / voice.audio).exists()
    assert api.get(f"/api/v1/voices/{voice.pk}/audio/").status_code == 200


def test_the_purge_frees_a_finished_jobs_objects_and_counts_their_bytes(owner, s3_media, settings):
    settings.HEYGEM = {**settings.HEYGEM, "RETENTION_DAYS": 30}
    job = Job.objects.create(owner=owner, text="Hi.", spoken_text="Hi.", status="succeeded",
                             finished_at=timezone.now() - timedelta(days=31))  # fmt: skip
    for filename, data in (("speech.wav", b"RIFF speech"), ("result.mp4", b"video bytes")):
        with storage.writing(storage.job_name(job.pk, filename)) as out:
            out.write_bytes(data)
    Job.objects.filter(pk=job.pk).update(result_video=storage.job_name(job.pk, "result.mp4"))

    out = StringIO()
    call_command("purge", "--json", stdout=out)
    assert json.loads(out.getvalue())["bytes"] == 22
    assert storage.folder_size(storage.job_folder(job.pk)) == 0
    assert not storage.exists(storage.job_name(job.pk, "result.mp4"))


def test_operators_see_the_bucket_its_health_and_the_scratch_disk(
    client, operator, s3_media, embedded_slots, settings
):
    client.force_login(operator)
    page = client.get("/slots/live").content.decode()
    assert f"bucket {s3_media['HEYGEM_S3_BUCKET']} at {s3_media['HEYGEM_S3_ENDPOINT_URL']}" in page
    assert "Scratch (local copies)" in page and "Disk low" not in page
    settings.HEYGEM = {**settings.HEYGEM, "METRICS_TOKEN": "t"}
    metrics = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()
    assert 'heygem_disk_free_bytes{path="' in metrics and 'volume="scratch"' in metrics
    assert 'volume="media"' not in metrics
    assert client.get("/readyz").json()["checks"]["media"] == "ok"

    settings.STORAGES = {**settings.STORAGES, "default": {
        **settings.STORAGES["default"],
        "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such-bucket"},
    }}  # fmt: skip
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["media"].startswith("the media bucket no-such-bucket")
