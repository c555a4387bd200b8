"""A person with a browser: headless Debian Chromium against a live server and a real qcluster.

Screenshots of every page land in test-artifacts/ (gitignored).
"""

from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from jobs import services
from jobs.models import Job

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
    browser, live_server, qcluster, owner, embedded_slots, sample_video, tmp_path
):
    qcluster(workers=2)
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
