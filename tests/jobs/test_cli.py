"""The CLI as a person at a terminal and a script see it."""

import io
import json
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from jobs import live
from jobs.management.progress import follow
from jobs.models import Job
from tests.conftest import ROOT, child_process_env
from tests.factories import make_job, make_slot


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks", "embedded_slots")
class TestGenerate:
    def test_piped_progress_is_plain_lines_with_stage_and_elapsed_time(self, owner):
        out = run("generate", "--user", "owner", "--text", "Hello there.", "--wait")
        lines = out.strip().splitlines()
        assert "\r" not in out and "\x1b" not in out
        assert lines[-2].startswith("100% Succeeded · ") and "elapsed 0:0" in lines[-2]

    def test_json_prints_one_document_a_script_can_read(self, owner):
        data = json.loads(run("generate", "--user", "owner", "--text", "Hi.", "--wait", "--json"))
        assert data["status"] == "succeeded" and data["links"]["result"]

    def test_the_demo_login_is_the_default_owner_when_it_is_the_only_staff(self, owner, settings):
        demo = type(owner).objects.create_user("demo", password="demo-pass-123", is_staff=True)
        run("generate", "--text", "Hi.")
        assert Job.objects.get().owner == demo


@pytest.mark.django_db
class TestFollowing:
    def test_a_terminal_gets_one_line_redrawn_in_place_with_bar_stage_and_wait(self, owner):
        make_slot("gpu0-tts", stage="tts", backend="espeak")
        make_slot("gpu0-video")
        make_job(owner)  # one ahead
        job = make_job(owner)
        screen = Terminal()
        Job.objects.filter(pk=job.pk).update(status="succeeded", progress=100)

        follow(job, stdout=screen)

        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
        first, last = text.split("\r")[0], text.strip().splitlines()[-1]
        assert "0% Queued · queue 2 · elapsed 0:00 · waiting for a f…" in first  # cut to width
        assert last.endswith("100% Succeeded · elapsed 0:00") and "━" in last
        assert "Succeededing" not in text

    def test_redraws_through_djangos_output_stay_on_one_line(self, owner):
        make_slot("gpu0-tts", stage="tts", backend="espeak", healthy=False)
        job = make_job(owner)
        screen = Terminal()
        with pytest.raises(CommandError, match="after the timeout"):
            follow(job, stdout=OutputWrapper(screen), timeout=2.5)  # redrawn every second
        text = screen.getvalue()
        assert text.count("elapsed") >= 3
        assert text.count("\n") <= 1  # Live's own last line only

    def test_ctrl_c_detaches_and_says_how_to_follow_the_job(self, owner, monkeypatch):
        job = make_job(owner)

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(live.listener, "wait_until", interrupted)

        with pytest.raises(CommandError) as caught:
            follow(job, stdout=io.StringIO())

        assert caught.value.returncode == 130
        assert f"Job {job.pk} goes on" in str(caught.value)
        assert f"manage.py jobs show {job.pk} --wait" in str(caught.value)
        job.refresh_from_db()
        assert job.status == Job.Status.QUEUED

    def test_a_job_waiting_for_a_slot_says_so_on_its_line(self, owner):
        make_slot("gpu0-tts", stage="tts", backend="espeak", healthy=False)
        job = make_job(owner)
        out = io.StringIO()
        with pytest.raises(CommandError, match="still queued after the timeout"):
            follow(job, stdout=out, timeout=0.5)
        assert "waiting: no healthy speech slot" in out.getvalue()


@pytest.mark.django_db
class TestScripts:
    def test_jobs_list_and_show_answer_json(self, owner):
        job = make_job(owner, status="failed", error="Engine down.")
        listed = json.loads(run("jobs", "list", "--json", "--status", "failed"))
        assert [item["id"] for item in listed] == [str(job.pk)]
        shown = json.loads(run("jobs", "show", str(job.pk), "--json"))
        assert shown["error"] == "Engine down." and shown["links"]["retry"]
        assert "Engine down." in run("jobs", "show", str(job.pk))

    def test_slots_list_answers_json(self):
        make_slot("gpu0-video", gpu="gpu0")
        data = json.loads(run("slots", "list", "--json"))
        assert data[0]["name"] == "gpu0-video" and data[0]["state"] == "idle"

    def test_an_unknown_job_id_is_refused_with_its_value(self):
        with pytest.raises(CommandError, match="Not a job id: 'nope'"):
            run("jobs", "show", "nope")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", [["jobs", "list"], ["queue", "status"], ["slots", "list"]])
def test_a_reader_that_stops_early_gets_no_traceback(command, owner, media_root):
    """`manage.py jobs list | head -1`: the reader closes the pipe before the command writes."""
    make_job(owner)
    child = subprocess.Popen(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=child_process_env(media_root),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    child.stdout.close()  # before Django has even started: every write meets a closed pipe
    _, err = child.communicate(timeout=120)

    assert child.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
