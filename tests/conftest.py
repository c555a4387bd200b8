"""Shared fixtures: a named cast of users, media folders, sample media, real workers."""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def change_listener_stopped(django_db_setup, django_db_blocker):
    """The process's LISTEN connection (jobs.live) is closed before the test database goes."""
    yield
    from jobs.live import listener

    listener.stop()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes media into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_caches():
    """Caches (throttle counts, remembered slot speeds) start empty in every test.

    The shared cache is a database table: a test's rows in it go with the test's
    transaction, or with transactional_db below; tests without a database have none.
    """
    for cache in caches.all():
        if not isinstance(cache, DatabaseCache):
            cache.clear()


@pytest.fixture
def transactional_db(transactional_db):
    """pytest-django's, and the cache table emptied after it: flushing leaves it alone."""
    yield transactional_db
    for cache in caches.all():
        if isinstance(cache, DatabaseCache):
            cache.clear()


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("owner", password="owner-pass-123")


@pytest.fixture
def teammate(db):
    return get_user_model().objects.create_user("teammate", password="teammate-pass-123")


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider", password="outsider-pass-123")


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser(
        "operator", "operator@example.com", "operator-pass-123"
    )


@pytest.fixture
def sync_tasks(monkeypatch):
    """Run django-q2 tasks inline, as a worker would, when they are enqueued."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("sample-media")


def ffmpeg(*args):
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *map(str, args)],
        check=True,
    )


@pytest.fixture(scope="session")
def sample_video(media_dir):
    """A 4 s speaker clip with video and an audio track (long enough to be a voice)."""
    from jobs.media import make_sample_speaker

    return make_sample_speaker(media_dir / "speaker.mp4", seconds=4.0)


@pytest.fixture(scope="session")
def silent_video(media_dir):
    """A speaker clip with no audio track."""
    out = media_dir / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1.5",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out)  # fmt: skip
    return out


@pytest.fixture(scope="session")
def audio_only(media_dir):
    """4 s of a tone: audio with no video stream."""
    out = media_dir / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=4", out)
    return out


@pytest.fixture
def embedded_slots(db):
    from jobs import services

    return (
        services.slot_create(name="local-tts", stage="tts", backend="espeak"),
        services.slot_create(name="local-video", stage="video", backend="dub"),
    )


def register_fake_pairs(pairs) -> None:
    """Slots gpu<i>-video and gpu<i>-tts for each pair of fake engines (tests.fakes)."""
    from jobs import services

    for i, pair in enumerate(pairs):
        services.slot_create(name=f"gpu{i}-video", stage="video", backend="heygem",
                             gpu=f"gpu{i}", base_url=pair.video_url,
                             data_dir=str(pair.video_data_dir))  # fmt: skip
        services.slot_create(name=f"gpu{i}-tts", stage="tts", backend="fish_speech",
                             gpu=f"gpu{i}", base_url=pair.tts_url,
                             data_dir=str(pair.tts_data_dir))  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def written_results(monkeypatch):
    """code -> sha256 of the ``<code>-r.mp4`` each fake engine wrote, taken as it finished."""
    from tests.fakes import FakeHeyGem

    written = {}
    real_set = FakeHeyGem._set

    def recording_set(self, run, **changes):
        if changes.get("status") == 2:
            written[str(run.code)] = sha256(self.data_dir / "temp" / f"{run.code}-r.mp4")
        return real_set(self, run, **changes)

    monkeypatch.setattr(FakeHeyGem, "_set", recording_set)
    return written


def probe_streams(path: Path) -> dict[str, float]:
    """Duration of each stream type in a media file, by ffprobe."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,duration",
         "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {kind: float(duration) for kind, duration in
            (line.split(",") for line in out.split())}  # fmt: skip


class Workers:
    """A real ``manage.py workers`` (the supervisor and its django-q2 clusters)."""

    def __init__(self, env: dict):
        self.env = env
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "workers"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def children(self) -> list[int]:
        """Process group ids of its clusters (each runs in a session of its own)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill(self):
        """kill -9 of the whole box: the supervisor and every process of its clusters."""
        for group in [self.proc.pid, *self.children()]:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()

    def stop(self):
        if self.proc is None:
            return
        clusters = self.children()
        # SIGTERM to the supervisor only: it stops its own clusters.
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left (a cluster, workers, engines) must not outlive the test.
        for group in [self.proc.pid, *clusters]:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()


def child_process_env(media_root, **overrides) -> dict:
    """Environment for a child process that must use this test's database and media."""
    from django.db import connection

    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        "Q_SYNC": "false",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **{key: str(value) for key, value in overrides.items()},
    }


@pytest.fixture
def workers(transactional_db, media_root):
    """Factory: start a real ``manage.py workers`` on this test's database and media."""
    started = []

    def start(**overrides):
        settings = {"Q_GUARD_CYCLE": 0.1, "Q_LOG_LEVEL": "WARNING",
                    "HEYGEM_STOP_GRACE_SECONDS": 5, **overrides}  # fmt: skip
        env = child_process_env(media_root, **settings)
        pool = Workers(env).start()
        started.append(pool)
        return pool

    yield start
    for pool in started:
        pool.stop()


# Ports this project's tests may bind a server to by hand (the S3 server below).
S3_PORTS = range(9600, 9700)


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API (moto's server) on loopback, one per test process: its endpoint URL."""
    from moto.server import ThreadedMotoServer

    # Each xdist process starts in its own tenth of the range, so two never race for a port.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    start = (worker * 10) % len(S3_PORTS)
    for port in [*S3_PORTS[start:], *S3_PORTS[:start]]:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:  # its server binds in a thread of its own, where a taken port is not seen
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        break
    else:
        pytest.fail(f"no free port for the S3 server in {S3_PORTS.start}-{S3_PORTS.stop - 1}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_server, settings, request):
    """Media in a fresh bucket of the S3 server: the settings, and the environment that
    gives a child process (``manage.py workers``) the same store."""
    import boto3

    bucket = f"heygem-{uuid.uuid4().hex[:12]}"
    env = {
        "HEYGEM_MEDIA_STORE": "s3", "HEYGEM_S3_BUCKET": bucket,
        "HEYGEM_S3_ENDPOINT_URL": s3_server, "HEYGEM_S3_REGION": "us-east-1",
        "HEYGEM_S3_ACCESS_KEY_ID": "testing", "HEYGEM_S3_SECRET_ACCESS_KEY": "testing",
    }  # fmt: skip
    options = {**settings.MEDIA_STORES["s3"]["OPTIONS"], "bucket_name": bucket,
               "endpoint_url": s3_server, "region_name": "us-east-1",
               "access_key": "testing", "secret_key": "testing"}  # fmt: skip
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                 aws_access_key_id="testing", aws_secret_access_key="testing",
                 ).create_bucket(Bucket=bucket)  # fmt: skip
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": settings.MEDIA_STORES["s3"]["BACKEND"], "OPTIONS": options},
    }
    return env


def wait_for(predicate, timeout: float = 60.0, every: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(message or f"condition not met within {timeout} s")


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["tests.hashers.OneRoundPBKDF2", *settings.PASSWORD_HASHERS]


def pytest_sessionstart(session):
    for tool in ("ffmpeg", "ffprobe", "espeak-ng"):
        if shutil.which(tool) is None:
            pytest.exit(f"{tool} is not installed: run `make setup` first.", returncode=3)


def job_folder(job_id) -> Path:
    """Where the test media store (a local disk) keeps a job's files."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "jobs" / str(job_id)
