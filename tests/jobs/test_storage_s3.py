"""jobs.storage on an S3 bucket (moto's S3 server on loopback): every function the app uses."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
import pytest
import requests

from jobs import storage
from tests.conftest import ROOT


@pytest.fixture
def bucket(s3_media, s3_server):
    """The test's bucket, read directly (not through the code under test)."""
    s3 = boto3.resource("s3", endpoint_url=s3_server, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    return s3.Bucket(s3_media["HEYGEM_S3_BUCKET"])


def keys(bucket) -> set[str]:
    return {item.key for item in bucket.objects.all()}


def stored(name: str, data: bytes) -> None:
    with tempfile.NamedTemporaryFile() as fh:
        fh.write(data)
        fh.flush()
        storage.store_file(Path(fh.name), name)


def test_a_file_is_stored_replaced_and_read_back_through_a_local_copy(bucket):
    stored("jobs/7/speech.wav", b"first")
    stored("jobs/7/speech.wav", b"second take")  # a retry replaces it under the same name

    assert keys(bucket) == {"jobs/7/speech.wav"}
    assert storage.exists("jobs/7/speech.wav") and storage.size("jobs/7/speech.wav") == 11
    with storage.reading("jobs/7/speech.wav") as path:
        assert path.read_bytes() == b"second take"
    assert not path.exists()  # the worker-local copy goes with the block
    assert storage.location_of("jobs/7/speech.wav") == f"s3://{bucket.name}/jobs/7/speech.wav"
    with pytest.raises(FileNotFoundError):
        with storage.reading("jobs/7/missing.wav"):
            pass


def test_writing_stores_the_output_only_when_the_block_succeeds(bucket):
    with storage.writing("jobs/8/result.mp4") as out:
        out.write_bytes(b"video")
        assert not storage.exists("jobs/8/result.mp4")  # stored when the block ends
    with pytest.raises(RuntimeError), storage.writing("jobs/8/thumb.jpg") as out:
        out.write_bytes(b"half a pic")
        raise RuntimeError("the tool failed")

    assert keys(bucket) == {"jobs/8/result.mp4"}


def test_copies_folders_sizes_and_deletes_work_on_key_prefixes(bucket):
    stored("voices/abc/reference.wav", b"12345")
    storage.copy("voices/abc/reference.wav", "jobs/9/reference.wav")
    stored("jobs/9/result.mp4", b"1234567890")
    stored("jobs/90/result.mp4", b"another job")  # shares a prefix, not a folder

    assert storage.folder_size("jobs/9") == 15
    assert storage.folder_size("jobs/404") == 0
    storage.delete_folder("jobs/9")
    storage.delete("voices/abc/reference.wav")
    assert keys(bucket) == {"jobs/90/result.mp4"}


def test_a_bucket_has_no_local_disk_so_copies_count_against_the_scratch_disk(s3_media):
    assert not storage.is_local()
    assert storage.disk_usage() is None and storage.free_bytes() is None
    folder, free, total = storage.scratch_usage()
    assert folder == tempfile.gettempdir() and 0 < free <= total
    assert storage.write_volume() == (f"this host's scratch disk ({folder})", free)
    with storage.scratch() as work:
        assert work.parent == Path(tempfile.gettempdir())


def test_downloads_stream_ranges_and_presigned_urls_name_the_file(bucket):
    stored("jobs/5/result.mp4", b"0123456789")

    with storage.open_for_download("jobs/5/result.mp4", 2, 5) as fh:
        assert fh.read() == b"2345"
    stored("jobs/5/empty.srt", b"")
    with storage.open_for_download("jobs/5/empty.srt") as fh:
        assert fh.read() == b""
    url = storage.download_url("jobs/5/result.mp4", content_type="video/mp4",
                               filename="heygem-5.mp4", as_attachment=True)  # fmt: skip
    answer = requests.get(url, timeout=10)
    assert answer.content == b"0123456789"
    assert answer.headers["Content-Type"] == "video/mp4"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="heygem-5.mp4"'


def test_readiness_says_when_the_bucket_does_not_answer(bucket):
    assert storage.problem() is None
    bucket.objects.all().delete()
    bucket.delete()
    assert storage.problem().startswith(f"the media bucket {bucket.name} does not answer")


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_store_is_chosen_by_setting_and_a_wrong_one_says_what_to_set():
    shown = manage("shell", "-v", "0", "-c", "from jobs import storage; print(storage.describe())",
                   HEYGEM_MEDIA_STORE="s3", HEYGEM_S3_BUCKET="media",
                   HEYGEM_S3_ENDPOINT_URL="http://minio.lan:9000")  # fmt: skip
    assert shown.stdout.strip() == "bucket media at http://minio.lan:9000", shown.stderr

    assert (
        "HEYGEM_MEDIA_STORE=s3 needs HEYGEM_S3_BUCKET"
        in manage("check", HEYGEM_MEDIA_STORE="s3").stderr
    )
    assert (
        "HEYGEM_MEDIA_STORE is 'nfs': use one of filesystem, s3"
        in manage("check", HEYGEM_MEDIA_STORE="nfs").stderr
    )
    assert (
        "HEYGEM_DOWNLOADS is 'cdn'; use one of django, nginx, redirect"
        in manage("check", HEYGEM_DOWNLOADS="cdn").stderr
    )
