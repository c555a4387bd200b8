"""Downloads: conditional GET in Django, and through a real nginx with X-Accel-Redirect."""

import getpass
import os
import shutil
import socket
import subprocess
import time

import pytest
import requests
from rest_framework.authtoken.models import Token

from jobs.models import Job
from tests.factories import RESULT_BYTES, make_job


@pytest.mark.django_db
class TestConditionalGetInDjango:
    def test_an_unchanged_result_is_answered_304_by_etag_and_by_date(self, api, owner):
        job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
        first = api.get(f"/api/v1/jobs/{job.pk}/result/")
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]

        by_etag = api.get(f"/api/v1/jobs/{job.pk}/result/", HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = api.get(
            f"/api/v1/jobs/{job.pk}/result/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )

        assert by_etag.status_code == 304 and by_date.status_code == 304
        assert by_etag["ETag"] == first["ETag"]

    def test_a_range_for_another_version_of_the_file_sends_the_whole_file(self, api, owner):
        job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
        response = api.get(f"/api/v1/jobs/{job.pk}/result/", HTTP_RANGE="bytes=0-9",
                           HTTP_IF_RANGE='"an-older-version"')  # fmt: skip
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == RESULT_BYTES

    def test_a_range_for_the_same_version_is_a_206(self, api, owner):
        job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
        etag = api.get(f"/api/v1/jobs/{job.pk}/result/")["ETag"]
        response = api.get(f"/api/v1/jobs/{job.pk}/result/", HTTP_RANGE="bytes=0-9",
                           HTTP_IF_RANGE=etag)  # fmt: skip
        assert response.status_code == 206
        assert b"".join(response.streaming_content) == RESULT_BYTES[:10]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NGINX_CONF = """
daemon off;
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ video/mp4 mp4; audio/wav wav; }}
    server {{
        listen 127.0.0.1:{port};
{locations}
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


def shipped_protected_location(media_root) -> str:
    """The internal location of deploy/nginx/heygem.conf, pointed at this test's media."""
    from tests.conftest import ROOT

    text = (ROOT / "deploy/nginx/heygem.conf").read_text()
    start = text.index("    location /protected-media/")
    block = text[start : text.index("    }", start) + len("    }")]
    return block.replace("/srv/heygem/var/media/", f"{media_root}/")


@pytest.fixture
def nginx(live_server, tmp_path, media_root, settings):
    """A real nginx on a free port in front of the live server, as deploy/nginx ships it."""
    if shutil.which("nginx") is None:
        pytest.fail("nginx is missing: `make test` installs it (deploy/install-system-deps.sh)")
    settings.HEYGEM = {**settings.HEYGEM, "DOWNLOADS": "nginx"}
    settings.SENDFILE_ROOT = media_root
    port = free_port()
    conf = tmp_path / "nginx.conf"
    # As root, nginx's workers would run as nobody, who cannot read pytest's 0700 folders.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    locations = shipped_protected_location(media_root)
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, port=port, upstream=live_server.url,
                                      user=user, locations=locations))  # fmt: skip
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp_path)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield url, live_server.url
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
class TestThroughNginx:
    def test_nginx_sends_the_file_with_ranges_and_conditional_get_after_the_owner_check(
        self, nginx, owner, outsider
    ):
        job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
        front, django = nginx
        url = f"{front}/api/v1/jobs/{job.pk}/result/"
        auth = {"Authorization": f"Token {Token.objects.create(user=owner).key}"}
        # Django itself sends no byte of the file, only where nginx finds it.
        direct = requests.get(f"{django}/api/v1/jobs/{job.pk}/result/", headers=auth, timeout=10)
        assert direct.headers["X-Accel-Redirect"] == f"/protected-media/jobs/{job.pk}/result.mp4"
        assert direct.content == b""

        whole = requests.get(url, headers=auth, timeout=10)
        part = requests.get(url, headers={**auth, "Range": "bytes=100-199"}, timeout=10)
        again = requests.get(url, headers={**auth, "If-None-Match": whole.headers["ETag"]},
                             timeout=10)  # fmt: skip
        stranger = {"Authorization": f"Token {Token.objects.create(user=outsider).key}"}
        refused = requests.get(url, headers=stranger, timeout=10)

        assert whole.status_code == 200 and whole.content == RESULT_BYTES
        assert whole.headers["Content-Type"] == "video/mp4"
        assert f'filename="heygem-{job.pk}.mp4"' in whole.headers["Content-Disposition"]
        assert "X-Accel-Redirect" not in whole.headers
        assert part.status_code == 206 and part.content == RESULT_BYTES[100:200]
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(RESULT_BYTES)}"
        assert again.status_code == 304
        assert refused.status_code == 404 and refused.json()["type"] == "client_error"

    def test_the_media_folder_itself_cannot_be_fetched_through_nginx(self, nginx, owner):
        job = make_job(owner, status=Job.Status.SUCCEEDED, with_files=True)
        front, _ = nginx
        response = requests.get(f"{front}/protected-media/jobs/{job.pk}/result.mp4", timeout=10)
        assert response.status_code == 404
