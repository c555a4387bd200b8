"""The seed's scripts keep their URLs in production: plain HTTP on port 5003, behind the
shipped nginx, for the seed's five endpoints only; everything else goes to HTTPS."""

import json
import secrets
import ssl
import time
import urllib.error
import urllib.request

import pytest
from rest_framework.authtoken.models import Token

from tests.security.servers import gunicorn, shipped_nginx

pytestmark = pytest.mark.integration


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, token: str) -> tuple[int, str, bytes]:
    opener = urllib.request.build_opener(
        NoRedirect, urllib.request.HTTPSHandler(context=ssl._create_unverified_context())
    )
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Location", ""), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", ""), answer.read()


def test_the_seed_endpoints_answer_plain_http_on_the_seed_port_in_production(
    transactional_db, owner, media_root, tmp_path
):
    token = Token.objects.create(user=owner).key
    server, port, _log = gunicorn(
        media_root, tmp_path, DEBUG="False", SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1", HEYGEM_TRUSTED_PROXIES=1,
    )  # fmt: skip
    folder = tmp_path / "nginx"
    folder.mkdir()
    nginx, https, seed = shipped_nginx(folder, port)
    try:
        deadline = time.monotonic() + 10
        while not (folder / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

        status, _, body = fetch(f"http://127.0.0.1:{seed}/api/info", token)
        assert status == 200 and json.loads(body)["service"] == "HeyGem Studio"
        status, _, body = fetch(f"http://127.0.0.1:{seed}/api/queue", token)
        assert status == 200

        status, location, _ = fetch(f"http://127.0.0.1:{seed}/api/v1/jobs/", token)
        assert status == 301 and location.startswith("https://")
        status, _, _ = fetch(f"https://127.0.0.1:{https}/api/info", token)
        assert status == 200
    finally:
        nginx.stop()
        server.stop()
