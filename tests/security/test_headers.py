"""Every page carries a Content-Security-Policy with no inline script; private answers no-store."""

import re

import pytest

from tests.factories import make_job, make_voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client, operator, owner):
    job = make_job(operator, status="succeeded", with_files=True)
    make_voice(operator)
    client.force_login(operator)
    return [
        "/jobs/new/", "/jobs/", f"/jobs/{job.pk}/", f"/jobs/{job.pk}/live", "/voices/",
        "/slots/", "/api/docs/", "/admin/", "/admin/jobs/job/", f"/admin/jobs/job/{job.pk}/change/",
    ]  # fmt: skip


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_every_page_forbids_inline_and_foreign_script(client, pages):
    for url in [*pages, "/accounts/login/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], url


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),  # onclick=, onsubmit= …
    re.compile(r"<[^>]+\sstyle\s*=", re.I),
    re.compile(r"<style", re.I),
    re.compile(r"javascript:", re.I),
]


def test_our_pages_and_swagger_have_no_inline_script_or_style(client, pages):
    for url in pages:
        body = client.get(url).content.decode()
        # Data blocks (type="application/json") are not run: the admin uses them.
        body = re.sub(r'<script[^>]*type="application/json".*?</script>', "", body, flags=re.S)
        for pattern in INLINE:
            assert not pattern.search(body), (url, pattern.pattern)


def test_swagger_uis_set_up_script_is_a_file_of_its_own(client, owner):
    client.force_login(owner)
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page)
    assert script, "the set-up script is not referenced"
    setup = client.get(script.group(1).replace("&amp;", "&"))
    assert setup.status_code == 200
    assert "SwaggerUIBundle" in setup.content.decode()


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def test_private_pages_downloads_and_api_answers_are_not_stored(client, api_as, owner):
    job = make_job(owner, status="succeeded", with_files=True)
    client.force_login(owner)
    answers = [
        client.get("/jobs/"),
        client.get(f"/jobs/{job.pk}/"),
        client.get(f"/jobs/{job.pk}/result"),
        api_as(owner).get(f"/api/v1/jobs/{job.pk}/"),
        api_as(owner).get("/api/v1/jobs/"),
        api_as(owner).get(f"/api/v1/jobs/{job.pk}/result/"),
        api_as(owner).get("/api/queue"),
        api_as(None).get("/api/v1/jobs/"),  # a refusal is an API answer too
    ]
    for response in answers:
        assert {"private", "no-store"} <= cache_control(response), response.wsgi_request.path


def test_static_files_stay_cacheable(client, owner):
    client.force_login(owner)
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
