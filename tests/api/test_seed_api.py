"""The seed's API (../shared/seed/triple_gpu_system.md, "Usage & API") keeps working."""

import json
import shlex
import subprocess

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from jobs.models import Job
from tests.factories import RESULT_BYTES, make_job, make_slot

pytestmark = pytest.mark.django_db

# The seed document's examples, verbatim but for the host, the video's path and the
# token header every request now carries.
SEED_SUBMIT = """curl -X POST {host}/api/generate \\
  -F "text=This is a test video generation" \\
  -F "video=@{video}" """
SEED_STATUS = "curl {host}/api/status/{task_id} | python3 -m json.tool"
SEED_QUEUE = "curl {host}/api/queue | python3 -m json.tool"
SEED_INFO = "curl {host}/api/info | python3 -m json.tool"


def shell(command: str, token: str) -> str:
    command = command.replace(
        "curl ", f"curl -sS -H {shlex.quote('Authorization: Token ' + token)} ", 1
    )
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_seeds_curl_examples_work_with_a_token_added(
    live_server, owner, sample_video, embedded_slots, sync_tasks, tmp_path
):
    token = Token.objects.create(user=owner).key
    host = live_server.url
    submitted = json.loads(shell(SEED_SUBMIT.format(host=host, video=sample_video), token))
    assert submitted["success"] is True
    assert submitted["message"] == "Task submitted successfully"
    task_id = submitted["task_id"]
    assert submitted["status_url"] == f"/api/status/{task_id}"

    status = json.loads(shell(SEED_STATUS.format(host=host, task_id=task_id), token))
    assert status["status"] == "completed" and status["progress"] == 100
    assert status["gpu_id"] is None  # embedded slots carry no GPU label
    assert status["timing"]["tts_time"] > 0 and status["timing"]["video_time"] > 0
    assert status["timing"]["total_time"] >= status["timing"]["video_time"]

    queue = json.loads(shell(SEED_QUEUE.format(host=host), token))
    assert queue["queue_size"] == 0
    assert [gpu["busy"] for gpu in queue["gpus"]] == [False]

    info = json.loads(shell(SEED_INFO.format(host=host), token))
    assert info["service"] == "HeyGem Studio" and info["limits"]["max_upload_bytes"] > 0

    out = tmp_path / "result.mp4"
    shell(f"curl -o {out} {host}{status['download_url']}", token)
    assert out.read_bytes()[4:8] == b"ftyp"


@pytest.mark.parametrize(
    "status, word",
    [
        ("queued", "queued"),
        ("synthesizing", "processing"),
        ("audio_ready", "processing"),
        ("rendering", "processing"),
        ("succeeded", "completed"),
        ("failed", "failed"),
        ("canceled", "canceled"),
    ],
)
def test_status_answers_in_the_seeds_words_and_keeps_ours(api, owner, status, word):
    job = make_job(owner, status=status)
    body = api.get(f"/api/status/{job.pk}").json()
    assert (body["status"], body["job_status"]) == (word, status)
    assert set(body["timing"]) == {"tts_time", "video_time", "total_time"}


def test_status_names_the_gpu_of_the_slot_running_the_job(api, owner):
    slot = make_slot("gpu2-video", gpu="gpu2", fence=1, lease_until=timezone.now())
    job = make_job(owner, status=Job.Status.RENDERING, video_slot=slot, fence=1, progress=45)
    body = api.get(f"/api/status/{job.pk}").json()
    assert (body["status"], body["progress"], body["gpu_id"]) == ("processing", 45, 2)


def test_an_unknown_or_seed_style_task_id_is_not_found(api):
    for task_id in ["task_1768194928", "00000000-0000-0000-0000-000000000000"]:
        response = api.get(f"/api/status/{task_id}")
        assert response.status_code == 404
        assert response.json() == {
            "success": False,
            "message": "Task not found",
            "errors": {"detail": "Task not found"},
        }


def test_the_queue_lists_gpus_with_busy_ports_and_queue_size(api, owner, outsider):
    video = make_slot(
        "gpu0-video",
        gpu="gpu0",
        backend="heygem",
        base_url="http://127.0.0.1:8390",
        data_dir="/tmp/gpu0",
        fence=2,
        lease_until=timezone.now(),
    )
    make_slot(
        "gpu0-tts",
        gpu="gpu0",
        stage="tts",
        backend="fish_speech",
        base_url="http://127.0.0.1:18182",
        data_dir="/tmp/tts0",
    )
    make_slot(
        "gpu1-video",
        gpu="gpu1",
        backend="heygem",
        base_url="http://127.0.0.1:8391",
        data_dir="/tmp/gpu1",
    )
    mine = make_job(owner, status=Job.Status.RENDERING, video_slot=video, fence=2)
    for _ in range(2):
        make_job(outsider)
    body = api.get("/api/queue").json()
    assert body["queue_size"] == 2
    gpus = {gpu["gpu_id"]: gpu for gpu in body["gpus"]}
    assert gpus[0]["busy"] is True and gpus[0]["current_task"] == str(mine.pk)
    assert (gpus[0]["port"], gpus[0]["tts_port"], gpus[0]["queue_size"]) == (8390, 18182, 1)
    assert gpus[1]["busy"] is False and gpus[1]["current_task"] is None


def test_the_queue_does_not_name_another_users_task(api_as, owner, outsider):
    slot = make_slot("gpu0-video", gpu="gpu0", fence=2, lease_until=timezone.now())
    make_job(owner, status=Job.Status.RENDERING, video_slot=slot, fence=2)
    gpu = api_as(outsider).get("/api/queue").json()["gpus"][0]
    assert gpu["busy"] is True and gpu["current_task"] is None


def test_download_streams_the_video_with_ranges(api, owner):
    job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
    whole = api.get(f"/api/download/{job.pk}")
    assert whole.status_code == 200 and whole["Content-Type"] == "video/mp4"
    part = api.get(f"/api/download/{job.pk}", HTTP_RANGE="bytes=-4")
    assert part.status_code == 206 and b"".join(part.streaming_content) == RESULT_BYTES[-4:]


def test_download_of_an_unfinished_task_says_why(api, owner):
    job = make_job(owner, status=Job.Status.RENDERING)
    body = api.get(f"/api/download/{job.pk}").json()
    assert body["success"] is False and "rendering" in body["message"]


def test_info_describes_the_service_slots_and_limits(api, settings):
    make_slot("local-video")
    make_slot("local-tts", stage="tts", backend="espeak")
    body = api.get("/api/info").json()
    assert body["version"] == settings.SPECTACULAR_SETTINGS["VERSION"]
    assert body["slots"]["video"]["total"] == 1
    assert body["limits"]["max_text_chars"] == settings.HEYGEM["MAX_TEXT_CHARS"]
    assert any("no lip-sync" in notice for notice in body["notices"])
