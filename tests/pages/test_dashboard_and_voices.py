"""The GPU dashboard, the voices page and the operators' admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import GpuSlot, Host, Job, JobEvent, Pause
from tests.factories import make_job, make_slot, make_voice
from voices.models import Voice

pytestmark = pytest.mark.django_db


def running_job(owner, slot, *, minutes_ago=10):
    """A job rendering on ``slot`` for the last ``minutes_ago`` minutes."""
    GpuSlot.objects.filter(pk=slot.pk).update(fence=7, lease_until=timezone.now())
    job = make_job(owner, status=Job.Status.RENDERING, video_slot=slot, fence=7, progress=60)
    started = JobEvent.objects.create(job=job, kind="video_started", slot=slot)
    JobEvent.objects.filter(pk=started.pk).update(
        at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return job


def test_the_dashboard_shows_each_slot_with_state_job_and_utilization(browser_as, owner):
    slot = make_slot("gpu0-video", gpu="gpu0", backend="dub")
    make_slot(
        "gpu0-tts",
        gpu="gpu0",
        stage="tts",
        backend="espeak",
        healthy=False,
        last_error="espeak-ng is not installed",
    )
    job = running_job(owner, slot, minutes_ago=15)
    make_job(owner)  # waiting
    text = browser_as(owner).get("/slots/").text
    assert "gpu0-video" in text and "gpu0-tts" in text
    assert "state-busy" in text and "state-unhealthy" in text
    assert f'href="/jobs/{job.pk}/"' in text
    assert '<strong id="queue-waiting">1</strong>' in text
    assert "25.0%" in text  # 15 busy minutes of the last hour
    assert "embedded: no lip-sync" in text and "embedded: no voice cloning" in text


def test_the_dashboard_hides_other_users_jobs_and_slot_errors(browser_as, owner, outsider):
    slot = make_slot("gpu1-video", gpu="gpu1", last_error="connection refused to 10.0.0.5")
    job = running_job(owner, slot)
    text = browser_as(outsider).get("/slots/").text
    assert "another user's job" in text and str(job.pk) not in text
    assert "10.0.0.5" not in text and "Drain" not in text


def test_operators_drain_enable_and_probe_slots_from_the_dashboard(browser_as, operator):
    slot = make_slot("local-video", backend="dub")
    page = browser_as(operator)
    assert "Drain" in page.get("/slots/").text
    page.post(f"/slots/{slot.pk}/drain")
    slot.refresh_from_db()
    assert not slot.enabled
    page.post(f"/slots/{slot.pk}/enable")
    slot.refresh_from_db()
    assert slot.enabled
    response = page.post(f"/slots/{slot.pk}/probe", follow=True)
    assert "local-video: probe done." in response.text


def test_a_creator_cannot_drain_a_slot(browser_as, owner):
    slot = make_slot("local-video")
    browser_as(owner).post(f"/slots/{slot.pk}/drain")
    slot.refresh_from_db()
    assert slot.enabled


def test_the_voices_page_uploads_lists_plays_and_deletes(browser_as, owner, audio_only):
    page = browser_as(owner)
    with audio_only.open("rb") as audio:
        response = page.post("/voices/", {"name": "Teacher", "audio": audio}, follow=True)
    voice = Voice.objects.get(name="Teacher")
    assert "Voice “Teacher” saved." in response.text
    assert f'src="/voices/{voice.pk}/audio"' in response.text
    assert page.get(f"/voices/{voice.pk}/audio").status_code == 200
    page.post(f"/voices/{voice.pk}/delete")
    assert not Voice.objects.filter(pk=voice.pk).exists()


def test_the_voices_page_refuses_a_file_without_audio(browser_as, owner, silent_video):
    with silent_video.open("rb") as audio:
        response = browser_as(owner).post("/voices/", {"name": "Mute", "audio": audio})
    assert response.status_code == 400 and "no audio track" in response.text
    assert not Voice.objects.exists()


def test_another_users_voice_is_neither_listed_nor_deletable(browser_as, owner, outsider):
    voice = make_voice(owner, "Private")
    page = browser_as(outsider)
    assert "Private" not in page.get("/voices/").text
    assert page.get(f"/voices/{voice.pk}/audio").status_code == 404
    assert page.post(f"/voices/{voice.pk}/delete").status_code == 404
    assert Voice.objects.filter(pk=voice.pk).exists()


ADMIN_PAGES = [
    "jobs/job",
    "jobs/jobevent",
    "jobs/gpuslot",
    "jobs/host",
    "voices/voice",
    "voices/voicepreparation",
    "authtoken/tokenproxy",
]


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_every_model_has_an_admin_list_for_operators(browser_as, operator, owner, model):
    slot = make_slot("gpu0-video", gpu="gpu0")
    running_job(owner, slot)
    make_voice(owner)
    response = browser_as(operator).get(f"/admin/{model}/")
    assert response.status_code == 200


def test_admin_actions_call_the_services(browser_as, operator, owner):
    page = browser_as(operator)
    live = make_job(owner)
    failed = make_job(owner, status=Job.Status.FAILED)
    page.post("/admin/jobs/job/", {"action": "cancel", "_selected_action": [live.pk]})
    page.post("/admin/jobs/job/", {"action": "retry", "_selected_action": [failed.pk]})
    live.refresh_from_db()
    failed.refresh_from_db()
    assert (live.status, failed.status) == (Job.Status.CANCELED, Job.Status.QUEUED)
    slot = make_slot("local-video")
    page.post("/admin/jobs/gpuslot/", {"action": "drain", "_selected_action": [slot.pk]})
    slot.refresh_from_db()
    assert not slot.enabled
    page.post("/admin/jobs/gpuslot/", {"action": "enable", "_selected_action": [slot.pk]})
    response = page.post(
        "/admin/jobs/gpuslot/", {"action": "probe", "_selected_action": [slot.pk]}, follow=True
    )
    slot.refresh_from_db()
    assert slot.enabled and slot.last_probe_at is not None
    assert "Probed local-video: ok" in response.text


def test_the_host_admin_shows_which_boxes_work_and_which_went_silent(browser_as, operator):
    Host.objects.create(name="box-a", seen_at=timezone.now(), stage_workers=8)
    Host.objects.create(name="box-b", seen_at=timezone.now() - timedelta(minutes=5))
    make_slot("gpu0-video", host="box-b")
    page = browser_as(operator)
    text = page.get("/admin/jobs/host/").text
    rows = {name: text.split(f">{name}<", 1)[1].split("</tr>", 1)[0] for name in ("box-a", "box-b")}
    assert 'alt="True"' in rows["box-a"] and 'alt="False"' in rows["box-b"]
    assert "gpu0-video" in page.get("/admin/jobs/gpuslot/?host=box-b").text


def test_the_job_admin_shows_events_read_only(browser_as, operator, owner):
    job = make_job(owner)
    text = browser_as(operator).get(f"/admin/jobs/job/{job.pk}/change/").text
    assert "Job queued." in text and 'name="events-0-kind"' not in text


def test_the_dashboard_alerts_on_a_stage_without_healthy_slot_a_quarantine_and_low_disk(
    browser_as, operator, owner, settings
):
    settings.HEYGEM = {**settings.HEYGEM, "DISK_LOW_BYTES": 10**18}
    make_slot("gpu0-tts", stage="tts", backend="espeak", healthy=False, last_error="refused")
    make_slot("gpu0-video", engine_busy=True, last_error="HeyGem still renders task 42")
    make_job(owner)
    text = browser_as(operator).get("/slots/live").text
    assert "No healthy speech (tts) slot: 1 job waits for an operator." in text
    assert "gpu0-tts is unhealthy: refused" in text
    assert "gpu0-video is quarantined: HeyGem still renders task 42" in text
    assert "Disk low:" in text


def test_a_healthy_dashboard_raises_no_alert_and_refreshes_itself(browser_as, operator):
    make_slot("gpu0-tts", stage="tts", backend="espeak")
    make_slot("gpu0-video")
    page = browser_as(operator).get("/slots/").text
    assert 'id="alerts"' not in page
    assert "js/dashboard-live.js" in page and 'data-url="/slots/live"' in page


def test_a_voice_is_renamed_from_the_voice_page_and_its_player_is_not_squashed(browser_as, owner):
    voice = make_voice(owner, "Calm")
    page = browser_as(owner)
    assert f'action="/voices/{voice.pk}/rename"' in page.get("/voices/").text
    response = page.post(f"/voices/{voice.pk}/rename", {"name": "Warm"}, follow=True)
    voice.refresh_from_db()
    assert voice.name == "Warm" and "Voice renamed to “Warm”." in response.text
    assert "onsubmit" not in response.text  # no inline script (CSP)


def test_operators_pause_the_queue_and_a_slot_from_the_dashboard_and_see_it(
    browser_as, operator, owner
):
    slot = make_slot("gpu0-video", gpu="gpu0")
    page = browser_as(operator)
    assert "Pause queue" in page.get("/slots/").text
    done = page.post("/slots/queue/pause", {"reason": "new drivers"}, follow=True).text
    assert "Queue paused: running stages finish, nothing new starts." in done
    assert "The queue is paused by operator since" in done and "(new drivers)" in done
    assert "Resume queue" in done

    page.post(f"/slots/{slot.pk}/pause")
    text = page.get("/slots/live").text
    assert "state-paused" in text and ">paused<" in text and "by operator" in text
    assert f'action="/slots/{slot.pk}/resume"' in text
    # A user sees the state, not the buttons.
    creator = browser_as(owner).get("/slots/").text
    assert "state-paused" in creator and "Pause queue" not in creator
    browser_as(owner).post("/slots/queue/resume")
    assert Pause.objects.active().count() == 2

    page = browser_as(operator)  # one test client: log the operator in again
    page.post("/slots/queue/resume")
    page.post(f"/slots/{slot.pk}/resume")
    assert not Pause.objects.active().exists()
