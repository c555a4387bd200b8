"""A person with a browser: headless Debian Chromium against a live server and real workers.

Screenshots of every page land in test-artifacts/ (gitignored).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from jobs import services
from jobs.models import GpuSlot, Job
from tests.factories import make_job, make_slot, make_voice

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # ORM calls made while Playwright's loop ran opened their own connection
        # (Django keeps one per async context); close it, or the test database
        # cannot be dropped at the end of the run.
        connections.close_all()


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_a_creator_submits_a_video_watches_it_finish_plays_and_downloads_it(
    browser, live_server, workers, owner, embedded_slots, sample_video, tmp_path
):
    workers()
    tts_slot, video_slot = embedded_slots
    # With the video slot drained the job stops after its speech, so the page is
    # certainly open while the job still moves.
    services.slot_drain(slot=video_slot)
    page = browser.new_page(accept_downloads=True, viewport={"width": 1100, "height": 900})
    polls = []
    page.on("request", lambda request: request.url.endswith("/live") and polls.append(request))
    page.goto(f"{live_server.url}/accounts/login/")
    shot(page, "login")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "owner-pass-123")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/jobs/new/")
    page.fill("#id_text", "The area of a circle is $\\pi r^2$, about 3.14 square meters.")
    expect(page.locator("#spoken-preview")).to_contain_text("pi r squared", timeout=10_000)
    page.set_input_files("#id_video", str(sample_video))
    expect(page.locator("#dropzone-file")).to_contain_text("speaker.mp4")
    expect(page.locator(".notice").first).to_contain_text("no voice cloning")
    shot(page, "submit")
    page.click("#submit-button")

    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get()
    expect(page.locator("#job-status")).to_have_text("Audio ready", timeout=30_000)
    expect(page.locator("#speech-audio")).to_be_attached()
    assert page.locator("#job-live").get_attribute("data-live") == "true"
    shot(page, "job-detail-waiting")
    services.slot_set_enabled(slot=video_slot, enabled=True)
    expect(page.locator("#job-progress")).to_have_attribute("aria-valuenow", "100", timeout=45_000)
    expect(page.locator("#job-status")).to_have_text("Succeeded")
    assert page.locator("#job-live").get_attribute("data-live") == "false"
    assert polls, "the page never polled for progress"
    polled = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == polled, "the page kept polling after the job ended"
    expect(page.locator("#stage-chart rect.seg-video")).to_have_count(1)
    expect(page.locator("#job-live")).to_contain_text("no lip-sync")

    video = page.locator("#result-video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => document.getElementById('result-video').currentTime > 0.2", timeout=10_000
    )
    shot(page, "job-detail")
    with page.expect_download() as download_info:
        page.click("#download-link")
    saved = tmp_path / "download.mp4"
    download_info.value.save_as(saved)
    assert saved.read_bytes()[4:8] == b"ftyp"
    assert download_info.value.suggested_filename == f"heygem-{job.pk}.mp4"

    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("table.jobs tbody tr")).to_have_count(1)
    expect(page.locator("table.jobs")).to_contain_text("Succeeded")
    shot(page, "history")

    page.goto(f"{live_server.url}/slots/")
    expect(page.locator("#slot-table")).to_contain_text("local-video")
    expect(page.locator("#slot-table")).to_contain_text("embedded: no lip-sync")
    expect(page.locator("#utilization-chart svg")).to_have_count(2)
    shot(page, "dashboard")

    page.goto(f"{live_server.url}/voices/")
    shot(page, "voices")

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/jobs/{job.pk}/")
    expect(phone.locator("#job-status")).to_have_text("Succeeded")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the job page scrolls sideways on a phone ({width} px)"
    shot(phone, "job-detail-phone")


PAGES = [("history", "/jobs/"), ("submit", "/jobs/new/"), ("dashboard", "/slots/"),
         ("voices", "/voices/"), ("lexicon", "/lexicon/"),
         ("site-lexicon", "/lexicon/site/")]  # fmt: skip


@pytest.fixture
def many_kinds_of_job(owner, sample_video, settings):
    """A finished job with a real video, a failed one, one waiting for an operator."""
    make_slot("gpu0-tts", stage="tts", backend="espeak", gpu="gpu0", healthy=False,
              last_error="connection refused")  # fmt: skip
    make_slot("gpu0-video", stage="video", backend="dub", gpu="gpu0")
    make_voice(owner, "Lecture voice")
    done = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True, text="A finished lesson.")
    (Path(settings.MEDIA_ROOT) / done.result_video).write_bytes(sample_video.read_bytes())
    start = done.created_at
    for kind, seconds in (("tts_started", 1), ("tts_finished", 4), ("video_started", 5),
                          ("render_finished", 12), ("succeeded", 12)):  # fmt: skip
        done.events.create(kind=kind)
        done.events.filter(kind=kind).update(at=start + timedelta(seconds=seconds))
    failed = make_job(owner, status=Job.Status.FAILED, progress=35, text="A lesson that failed.",
                      error="HeyGem answered HTTP 500: out of memory.")  # fmt: skip
    failed.events.create(kind="failed", message=failed.error)
    waiting = make_job(owner, text="A lesson waiting for a speech slot.")
    return done, failed, waiting


def test_every_page_reads_well_at_desktop_and_phone_width(
    browser, live_server, owner, many_kinds_of_job
):
    done, failed, waiting = many_kinds_of_job
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  timezone_id="Asia/Tokyo")  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "owner-pass-123")
    page.click("button[type=submit]")
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                        timezone_id="Asia/Tokyo")  # fmt: skip
    phone_context.add_cookies(context.cookies())
    phone = phone_context.new_page()

    for name, path in [*PAGES, ("job-done", f"/jobs/{done.pk}/"),
                       ("job-failed", f"/jobs/{failed.pk}/"),
                       ("job-waiting", f"/jobs/{waiting.pk}/")]:  # fmt: skip
        for view, suffix in ((page, "desktop"), (phone, "phone")):
            view.goto(f"{live_server.url}{path}")
            view.wait_for_load_state("load")
            view.wait_for_timeout(300)  # site.js formats times; a live page holds a long poll
            shot(view, f"{name}-{suffix}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width} px)"

    page.goto(f"{live_server.url}/jobs/")
    thumb = page.locator(f"tr[data-job='{done.pk}'] td.thumb img")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    expect(page.locator(f"tr[data-job='{done.pk}']")).to_contain_text("0:02")
    expect(page.locator(f"tr[data-job='{failed.pk}'] button")).to_have_text("Retry")

    page.goto(f"{live_server.url}/jobs/{failed.pk}/")
    red = page.locator("#job-progress > span").evaluate("s => getComputedStyle(s).backgroundColor")
    assert red == "rgb(185, 28, 28)", red
    events = page.locator("table.events")
    expect(events).to_contain_text("Failed")
    expect(events).to_contain_text("Queued")
    assert "GMT+9" in events.locator("time").first.text_content()  # the viewer's zone, Tokyo

    page.goto(f"{live_server.url}/jobs/{done.pk}/")
    expect(page.locator("#stage-chart .lane-label")).to_have_text(["Waiting", "Speech", "Video"])
    expect(page.locator("#stage-chart .ticks")).to_contain_text("10 s")
    expect(page.locator("#speech-download-link")).to_be_visible()

    page.goto(f"{live_server.url}/jobs/{waiting.pk}/")
    expect(page.locator("#job-waiting")).to_contain_text("waiting: no healthy speech slot")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#cancel-button")
    waiting.refresh_from_db()
    assert waiting.status == Job.Status.QUEUED  # asked first, and told no
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-button")
    expect(page.locator("#job-status")).to_have_text("Canceled")

    page.goto(f"{live_server.url}/slots/")
    expect(page.locator("#alerts")).to_contain_text("gpu0-tts is unhealthy: connection refused")
    expect(page.locator("#gpu-telemetry")).to_contain_text("No GPU telemetry")
    services.slot_drain(slot=GpuSlot.objects.get(name="gpu0-video"))
    expect(page.locator("#slot-table")).to_contain_text("disabled", timeout=8_000)  # no reload
    shot(page, "dashboard-refreshed-desktop")


def test_a_teacher_fixes_a_reading_listens_under_review_and_approves(
    browser, live_server, workers, owner, embedded_slots
):
    workers()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "owner-pass-123")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/lexicon/")
    page.fill("#id_grapheme", "SQL")
    page.fill("#id_alias", "sequel")
    page.click("#entry-form button[type=submit]")
    expect(page.locator("#lexicon-version")).to_have_text("version 1")
    assert page.locator("#lexicon-table input[value=sequel]").count() == 1
    shot(page, "lexicon")

    page.goto(f"{live_server.url}/jobs/new/")
    page.fill("#id_text", "We query SQL tables with $x^2$ rows.")
    readings = page.locator("#readings")
    expect(readings).to_be_visible(timeout=10_000)
    expect(readings).to_contain_text("sequel")
    expect(readings).to_contain_text("x squared")
    shot(page, "submit-readings")
    page.check("#id_review")
    page.click("#submit-button")

    page.wait_for_url("**/jobs/*/")
    expect(page.locator("#job-status")).to_have_text("Speech ready for review", timeout=30_000)
    expect(page.locator("#approve-button")).to_be_visible()  # appeared without a reload
    expect(page.locator("#speech-audio")).to_be_attached()
    expect(page.locator("#job-lexicons")).to_contain_text("yours v1")
    job = Job.objects.get()
    assert job.video_slot_id is None and job.spoken_text.startswith("We query sequel")
    shot(page, "job-review")

    page.click("#approve-button")
    expect(page.locator("#job-status")).to_have_text("Succeeded", timeout=45_000)
    expect(page.locator("#approve-button")).to_have_count(0)


def test_a_teacher_uploads_a_csv_previews_the_spoken_text_and_queues_the_batch(
    browser, live_server, owner, tmp_path
):
    rows = tmp_path / "week-3.csv"
    rows.write_text("text,title,priority\n"
                    '"The area of a circle is $\\pi r^2$.",Circles,2\n'
                    "The train left at 3:15 pm and went 120 km/h.,Trains,\n")  # fmt: skip
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "owner-pass-123")
    page.click("button[type=submit]")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.add_cookies(context.cookies())
    phone_page = phone.new_page()

    page.goto(f"{live_server.url}/batches/new/")
    shot(page, "batch-upload-desktop")
    page.set_input_files("#id_file", str(rows))
    page.fill("#id_title", "Week 3")
    page.click("#batch-upload button[type=submit]")
    preview = page.locator("#batch-preview")
    expect(preview).to_contain_text("pi r squared")
    expect(preview).to_contain_text("one hundred twenty kilometers per hour")
    shot(page, "batch-preview-desktop")
    assert not Job.objects.exists()
    page.click("#batch-confirm button[type=submit]")
    page.wait_for_url("**/batches/*/")
    expect(page.locator("#batch-items tbody tr")).to_have_count(2)
    expect(page.locator("#batch-summary")).to_contain_text("2 jobs")
    shot(page, "batch-detail-desktop")
    for path, name in ((page.url.removeprefix(live_server.url), "batch-detail"),
                       ("/batches/", "batches"), ("/batches/new/", "batch-upload")):  # fmt: skip
        phone_page.goto(f"{live_server.url}{path}")
        shot(phone_page, f"{name}-phone")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width} px)"
