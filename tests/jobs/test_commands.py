"""The operator commands: slots and generate."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from jobs.engines import EngineError
from jobs.engines.espeak import EspeakEngine
from jobs.models import GpuSlot, Job
from tests.conftest import probe_streams


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestSlots:
    def test_an_operator_adds_lists_drains_enables_and_removes_slots(self):
        assert (
            "Added slot local-tts (tts, espeak) on host local."
            in run("slots", "add", "--name", "local-tts", "--stage", "tts", "--backend", "espeak")[
                0
            ]
        )
        run("slots", "add", "--name", "local-video", "--stage", "video", "--backend", "dub")

        listing = run("slots", "list")[0].splitlines()
        assert listing[0].split()[:5] == ["NAME", "STAGE", "BACKEND", "GPU", "STATE"]
        assert listing[1].split()[:5] == ["local-tts", "tts", "espeak", "-", "idle"]
        assert listing[2].split()[:5] == ["local-video", "video", "dub", "-", "idle"]

        run("slots", "drain", "local-video")
        assert GpuSlot.objects.get(name="local-video").state == "disabled"  # idle: at once
        run("slots", "enable", "local-video")
        assert GpuSlot.objects.get(name="local-video").state == "idle"
        run("slots", "disable", "local-tts")
        assert not GpuSlot.objects.get(name="local-tts").enabled
        run("slots", "remove", "local-tts")
        assert not GpuSlot.objects.filter(name="local-tts").exists()

    def test_a_slot_is_added_to_the_host_named_or_else_to_this_box(self, settings, tmp_path):
        settings.HEYGEM = {**settings.HEYGEM, "HOST": "box-a"}
        run("slots", "add", "--name", "here-tts", "--stage", "tts", "--backend", "espeak")
        # box-b's data dir is not on this box: only box-b can check it, so it is taken as given.
        out, _ = run("slots", "add", "--name", "gpu0-video", "--stage", "video",
                     "--backend", "heygem", "--url", "http://127.0.0.1:8390",
                     "--data-dir", "/srv/heygem_data/gpu0", "--host", "box-b")  # fmt: skip

        assert "Added slot gpu0-video (video, heygem) on host box-b." in out
        assert "run `manage.py slots probe gpu0-video` on box-b" in out
        assert dict(GpuSlot.objects.values_list("name", "host")) == {
            "here-tts": "box-a", "gpu0-video": "box-b",
        }  # fmt: skip
        listing = run("slots", "list")[0].splitlines()
        assert listing[0].split()[5] == "HOST"
        assert [line.split()[5] for line in listing[1:]] == ["box-a", "box-b"]
        # On its own box the data dir must exist.
        with pytest.raises(CommandError, match="does not exist"):
            run("slots", "add", "--name", "gpu1-video", "--stage", "video",
                "--backend", "heygem", "--url", "http://127.0.0.1:8391",
                "--data-dir", str(tmp_path / "missing"))  # fmt: skip
        with pytest.raises(CommandError, match="host"):
            run("slots", "add", "--name", "bad", "--stage", "tts", "--backend", "espeak",
                "--host", "not a name")  # fmt: skip

    def test_a_backend_that_cannot_run_the_stage_is_refused(self):
        with pytest.raises(CommandError, match="Backend 'dub' cannot run the 'tts' stage"):
            run("slots", "add", "--name", "x", "--stage", "tts", "--backend", "dub")
        assert not GpuSlot.objects.exists()

    def test_unknown_slot_names_are_named_in_the_error(self):
        with pytest.raises(CommandError, match="No slot named gpu9-video"):
            run("slots", "drain", "gpu9-video")

    def test_a_running_slot_cannot_be_removed(self, owner):
        slot = GpuSlot.objects.create(name="busy", stage="tts", backend="espeak", fence=1)
        GpuSlot.objects.filter(pk=slot.pk).update(lease_until="2100-01-01T00:00:00Z")

        with pytest.raises(CommandError, match="running a job; drain it first"):
            run("slots", "remove", "busy")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks", "embedded_slots")
class TestGenerate:
    def test_wait_shows_progress_and_ends_with_the_result_path(self, owner, sample_video):
        out, _ = run("generate", "--user", "owner", "--text", "Page 3, please.",
                     "--video", str(sample_video), "--wait")  # fmt: skip

        lines = out.strip().splitlines()
        job = Job.objects.get()
        assert lines[0] == str(job.pk)
        assert "100% Succeeded" in lines[-2]
        result = Path(lines[-1])
        assert result.is_absolute() and set(probe_streams(result)) == {"video", "audio"}

    def test_a_failed_job_exits_non_zero_with_the_reason(self, owner, monkeypatch, settings):
        settings.HEYGEM = {**settings.HEYGEM, "MAX_ATTEMPTS": 1}

        def broken(self, request, heartbeat):
            raise EngineError("espeak-ng has no English voice")

        monkeypatch.setattr(EspeakEngine, "synthesize", broken)

        with pytest.raises(CommandError, match="failed: espeak-ng has no English voice"):
            run("generate", "--user", "owner", "--text", "Hi.", "--wait")

    def test_bad_input_is_refused_before_a_job_exists(self, owner):
        with pytest.raises(CommandError, match="must not be blank"):
            run("generate", "--user", "owner", "--text", "   ")
        with pytest.raises(CommandError, match="No such file"):
            run("generate", "--user", "owner", "--text", "Hi", "--video", "/nope.mp4")
        with pytest.raises(CommandError, match="Unknown voice 'nobody'"):
            run("generate", "--user", "owner", "--text", "Hi", "--voice", "nobody")
        assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_demo_login_can_use_every_admin_page_of_the_product(client):
    run("demo_setup")
    demo = get_user_model().objects.get(username="demo")
    assert demo.is_staff and not demo.is_superuser
    client.force_login(demo)
    for page in ["/admin/", "/admin/jobs/job/", "/admin/jobs/gpuslot/", "/admin/jobs/jobevent/",
                 "/admin/voices/voice/", "/admin/webhooks/webhookendpoint/",
                 "/admin/webhooks/webhookdelivery/"]:  # fmt: skip
        assert client.get(page).status_code == 200, page
    assert "have permission" not in client.get("/admin/").text
    assert client.get("/admin/auth/user/").status_code == 403  # not the user accounts
