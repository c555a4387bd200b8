"""Real `manage.py workers` with media on an S3 bucket: nothing on a shared disk."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jobs import storage
from jobs.models import Job
from tests.conftest import probe_streams, register_fake_pairs, wait_for
from tests.fakes import fake_gpu_pairs

pytestmark = pytest.mark.integration


def test_a_job_runs_on_a_fake_gpu_pair_with_media_in_the_bucket_and_downloads(
    workers, s3_media, media_root, tmp_path, owner, sample_video
):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=owner).key}")
    with fake_gpu_pairs(tmp_path, 1, video_options={"render_seconds": 0.5}) as pairs:
        register_fake_pairs(pairs)
        workers(HEYGEM_RENDER_POLL_SECONDS=0.2, **s3_media)
        with sample_video.open("rb") as video:
            created = api.post("/api/v1/jobs/", {"text": "Water boils at 100 °C.", "video": video})
        assert created.status_code == 201, created.json()
        job_id = created.json()["id"]

        job = wait_for(
            lambda: Job.objects.filter(pk=job_id).exclude(status__in=Job.LIVE_STATUSES).first(),
            timeout=90, message="the job did not finish",
        )  # fmt: skip
        assert job.status == Job.Status.SUCCEEDED, job.error
        # The engines got worker-local copies in their data dirs; the store kept the media.
        for name in (job.speaker_video, job.speech_audio, job.result_video):
            assert storage.exists(name), name
        assert not (media_root / "jobs").exists()

        answer = api.get(f"/api/v1/jobs/{job_id}/result/")
        assert answer.status_code == 200
        result = tmp_path / "downloaded.mp4"
        result.write_bytes(b"".join(answer.streaming_content))
        assert int(answer["Content-Length"]) == result.stat().st_size
        streams = probe_streams(result)
        assert streams["video"] > 0 and streams["audio"] > 0
