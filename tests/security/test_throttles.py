"""Throttles and login lockouts: the pages count too, and every process counts against one limit."""

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from rest_framework.authtoken.models import Token

from heygem_site.clientip import client_ip
from jobs.models import Job
from tests.security.servers import gunicorn, redis_server

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_the_submit_page_shares_the_apis_submission_limit(client, api_as, owner, throttle_rates):
    throttle_rates["submit"] = "3/min"
    client.force_login(owner)
    statuses = [client.post("/jobs/new/", {"text": "Hi", "priority": 0}).status_code
                for _ in range(2)]  # fmt: skip
    statuses.append(api_as(owner).post("/api/v1/jobs/", {"text": "Hi"}, format="json").status_code)

    refused = client.post("/jobs/new/", {"text": "Hi", "priority": 0})

    assert statuses == [302, 302, 201]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "many submissions in a short time: try again in" in refused.content.decode()
    assert Job.objects.count() == 3


@pytest.mark.django_db
def test_the_voice_page_is_throttled_like_the_voice_api(client, owner, throttle_rates):
    throttle_rates["submit"] = "1/min"
    client.force_login(owner)

    def upload():
        return client.post("/voices/", {"name": "A", "audio": SimpleUploadedFile("v.wav", b"x")})

    # The first is refused for its content, and still counts: the limit is on asking.
    assert [upload().status_code, upload().status_code] == [400, 429]


def log_in(client, password, **meta):
    return client.post(LOGIN, {"username": "owner", "password": password}, **meta)


@pytest.mark.django_db
def test_a_login_is_locked_out_after_five_failures_even_with_the_right_password(
    client, owner, teammate
):
    failures = [log_in(client, "wrong").status_code for _ in range(5)]

    locked = log_in(client, "owner-pass-123")

    assert failures == [200, 200, 200, 200, 429]  # the fifth failure locks it

    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed logins" in text and "Try again in 900 seconds" in text
    other = client.post(LOGIN, {"username": "teammate", "password": "teammate-pass-123"})
    assert other.status_code == 302  # someone else from the same address is not locked out


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=1)
def test_behind_the_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(client, owner):
    for n in range(5):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 10.0.0.7")

    locked = log_in(client, "owner-pass-123", HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.7")
    assert locked.status_code == 429
    elsewhere = log_in(client, "owner-pass-123", HTTP_X_FORWARDED_FOR="10.0.0.8")
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "203.0.113.9", "127.0.0.1"),
    (1, "", "127.0.0.1"),
    (1, "10.0.0.7", "10.0.0.7"),
    (1, "203.0.113.9, 10.0.0.7", "10.0.0.7"),
    (2, "203.0.113.9, 10.0.0.7, 10.0.0.1", "10.0.0.7"),
])  # fmt: skip
def test_the_client_address_is_what_the_trusted_proxies_saw(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Two processes, one count ------------------------------------------------------


def get(port, path, headers):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def post_form(port, path, fields, headers):
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers={
        **headers, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(params=["database", "redis"])
def cache_url(request, tmp_path):
    if request.param == "database":
        yield {}  # the default: dbcache://heygem_cache, the table migrate made
        return
    server, port = redis_server(tmp_path)
    yield {"CACHE_URL": f"redis://127.0.0.1:{port}/0"}
    server.stop()


@pytest.fixture
def two_servers(transactional_db, media_root, tmp_path, cache_url):
    """Two gunicorn processes (as on two hosts) sharing the database and the cache."""
    env = {"HEYGEM_API_RATE_USER": "4/min", **cache_url}
    servers = [gunicorn(media_root, tmp_path, **env) for _ in range(2)]
    yield [port for _, port, _ in servers]
    for server, _, _ in servers:
        server.stop()


@pytest.mark.integration
def test_two_processes_count_api_requests_against_one_limit(two_servers, owner):
    auth = {"Authorization": f"Token {Token.objects.create(user=owner).key}"}
    a, b = two_servers

    statuses = [get(port, "/api/v1/queue/", auth)[0] for port in (a, b, a, b, a, b)]

    assert statuses == [200, 200, 200, 200, 429, 429]


@pytest.mark.integration
def test_two_processes_count_failed_logins_against_one_lockout(two_servers, owner):
    a, b = two_servers
    status, page = get(a, LOGIN, {})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = {"Cookie": f"csrftoken={token}", "Referer": f"http://127.0.0.1:{a}{LOGIN}"}

    def log_in_at(port, password):
        fields = {"csrfmiddlewaretoken": token, "username": "owner", "password": password}
        return post_form(port, LOGIN, fields, {**cookie, "Referer": f"http://127.0.0.1:{port}/"})

    failures = [log_in_at(port, "wrong") for port in (a, b, a, b, a)]

    assert failures == [200, 200, 200, 200, 429]
    assert log_in_at(b, "owner-pass-123") == 429
