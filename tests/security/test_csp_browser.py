"""In a real browser the Content-Security-Policy blocks nothing of ours, Swagger UI included."""

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.factories import make_job, make_voice

pytestmark = [pytest.mark.browser, pytest.mark.integration]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Every violation the page reports (the browser also blocks, this only listens).
LISTEN = """document.addEventListener("securitypolicyviolation", e =>
  (window.__violations = window.__violations || [])
    .push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.fixture
def page_as(monkeypatch, live_server, client):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )

        def login(user):
            client.force_login(user)
            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                  "url": live_server.url}])  # fmt: skip
            context.add_init_script(LISTEN)
            return context.new_page()

        yield login
        browser.close()
        connections.close_all()


def violations(page) -> list[str]:
    return page.evaluate("window.__violations || []")


def test_the_pages_scripts_run_and_nothing_is_blocked(page_as, live_server, operator):
    job = make_job(operator, status="succeeded", with_files=True)
    make_voice(operator)
    page = page_as(operator)
    errors = []
    # (The site has no favicon: the browser's own request for one is not ours to judge.)
    page.on("console", lambda m: m.type == "error" and not m.location["url"].endswith(
        "favicon.ico") and errors.append(m.text))  # fmt: skip

    page.goto(f"{live_server.url}/jobs/new/")
    page.fill("#id_text", "It costs $5.")
    expect(page.locator("#spoken-preview")).to_contain_text("five dollars", timeout=10_000)
    for path in ["/jobs/", f"/jobs/{job.pk}/", "/slots/", "/admin/", "/admin/jobs/job/"]:
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/slots/")
    ticks = page.locator("#utilization-chart .ticks span")
    assert ticks.count() and ticks.first.evaluate("el => el.style.left").endswith("%")
    page.goto(f"{live_server.url}/voices/")
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.click("#voice-table button.danger")  # the confirm (site.js) asks, and is dismissed
    assert page.url.endswith("/voices/")
    assert violations(page) == [] and errors == []
    # The control: an injected inline script is blocked, and the listener hears it.
    page.evaluate("""() => { const s = document.createElement("script");
                            s.textContent = "window.__ran = true"; document.body.append(s); }""")
    assert page.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in violations(page))


def test_swagger_ui_renders_under_the_policy(page_as, live_server, owner):
    page = page_as(owner)
    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() > 10
    assert violations(page) == []
