"""An upload the client abandons half-way never becomes a job: on gunicorn and behind nginx."""

import re
import socket
import ssl
import time
import urllib.request

import pytest
from rest_framework.authtoken.models import Token

from jobs.models import Job
from tests.security.servers import gunicorn, shipped_nginx

pytestmark = pytest.mark.integration
BOUNDARY = "heygem-test-boundary"


def multipart(fields: dict, video: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="video"; filename="clip.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n".encode()
        + video
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def send(port, path, body: bytes, *, headers: dict, cut: bool, tls=False) -> bytes:
    """POST ``body``; with ``cut``, stop half-way and close our side. Returns the answer."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if tls:
        sock = ssl._create_unverified_context().wrap_socket(sock, server_hostname="127.0.0.1")
    with sock:
        sock.sendall(head + (body[: len(body) // 2] if cut else body))
        if cut:
            time.sleep(0.3)  # the server is reading the body when the client goes
            if tls:  # the client simply vanishes: there is no one left to answer
                return b""
            sock.shutdown(socket.SHUT_WR)  # half-closed: the server's answer can still come
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (OSError, ssl.SSLError):
            pass
    return answer


@pytest.fixture
def token(transactional_db, owner):
    return Token.objects.create(user=owner).key


@pytest.fixture
def started(media_root, tmp_path):
    servers = []

    def start(**kwargs):
        server, port, log = gunicorn(media_root, tmp_path, **kwargs)
        servers.append(server)
        return port, log

    yield start
    for server in servers:
        server.stop()


def nothing_made(media_root):
    assert not Job.objects.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


API_FIELDS = {"text": "Hello there.", "priority": "0"}


def test_straight_on_gunicorn_a_cut_off_api_upload_is_a_400_and_makes_nothing(
    started, token, media_root, sample_video
):
    port, _ = started()
    body = multipart(API_FIELDS, sample_video.read_bytes())
    auth = {"Authorization": f"Token {token}"}

    answer = send(port, "/api/v1/jobs/", body, headers=auth, cut=True)

    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"the upload was cut off" in answer
    nothing_made(media_root)
    whole = send(port, "/api/v1/jobs/", body, headers=auth, cut=False)
    assert whole.startswith(b"HTTP/1.1 201"), whole[:300]
    assert Job.objects.get().speaker_video.endswith("speaker.mp4")


def test_straight_on_gunicorn_a_cut_off_submit_form_makes_nothing(
    started, client, owner, media_root, sample_video
):
    port, _ = started()
    client.force_login(owner)
    cookies = f"sessionid={client.cookies['sessionid'].value}"
    page = urllib.request.urlopen(urllib.request.Request(
        f"http://127.0.0.1:{port}/jobs/new/", headers={"Cookie": cookies}))  # fmt: skip
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    csrf_form = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read()).group(1)
    body = multipart({"csrfmiddlewaretoken": csrf_form.decode(), **API_FIELDS},
                     sample_video.read_bytes())  # fmt: skip
    headers = {"Cookie": f"{cookies}; csrftoken={csrf_cookie}",
               "Referer": f"http://127.0.0.1:{port}/jobs/new/"}  # fmt: skip

    answer = send(port, "/jobs/new/", body, headers=headers, cut=True)

    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    nothing_made(media_root)
    assert send(port, "/jobs/new/", body, headers=headers, cut=False).startswith(b"HTTP/1.1 302")


def test_without_the_guard_django_makes_a_job_of_a_cut_off_upload(
    started, token, media_root, sample_video
):
    """The control: Django on its own drops the unfinished file and keeps the text."""
    port, _ = started(app="django.core.wsgi:get_wsgi_application()")
    body = multipart(API_FIELDS, sample_video.read_bytes())

    send(port, "/api/v1/jobs/", body, headers={"Authorization": f"Token {token}"}, cut=True)

    assert Job.objects.get().speaker_video == ""


def test_behind_the_shipped_nginx_a_cut_off_upload_never_reaches_the_product(
    started, token, media_root, sample_video, tmp_path
):
    port, access_log = started(HEYGEM_TRUSTED_PROXIES=1)
    folder = tmp_path / "nginx"
    folder.mkdir()
    nginx, https, _seed = shipped_nginx(folder, port)
    try:
        wait = time.monotonic() + 10
        while not (folder / "nginx.pid").exists() and time.monotonic() < wait:
            time.sleep(0.05)
        body = multipart(API_FIELDS, sample_video.read_bytes())
        auth = {"Authorization": f"Token {token}"}

        answer = send(https, "/api/v1/jobs/", body, headers=auth, cut=True, tls=True)

        assert answer == b""
        time.sleep(0.5)
        nginx_log = (folder / "error.log").read_text()
        assert "a client request body is buffered" in nginx_log  # it got part of the body
        assert "client prematurely closed connection" in nginx_log
        assert "POST /api/v1/jobs/" not in access_log.read_text()
        nothing_made(media_root)
        whole = send(https, "/api/v1/jobs/", body, headers=auth, cut=False, tls=True)
        assert whole.startswith(b"HTTP/1.1 201"), whole[:300]
    finally:
        nginx.stop()
