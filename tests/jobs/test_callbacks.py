import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django_q.models import Schedule

from jobs import services
from jobs.models import Job

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]


class Receiver:
    """A webhook receiver on loopback that answers with a chosen status."""

    def __init__(self, status=200):
        self.status, self.bodies = status, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                outer.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": True}
    server = Receiver()
    yield server
    server.close()


def test_a_finished_job_posts_its_outcome_to_the_callback_url(owner, embedded_slots, receiver):
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert len(receiver.bodies) == 1
    body = receiver.bodies[0]
    assert body["id"] == str(job.pk) and body["status"] == "succeeded"
    assert body["result_url"].endswith(f"/api/v1/jobs/{job.pk}/result/")
    assert job.events.filter(kind="callback_sent").exists()


def test_a_canceled_job_is_reported_too(owner, receiver):
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)

    services.job_cancel(job=job)

    assert [b["status"] for b in receiver.bodies] == ["canceled"]
    assert receiver.bodies[0]["result_url"] is None


def test_a_failing_receiver_is_retried_later_from_a_schedule(owner, receiver):
    receiver.status = 500
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)

    services.job_cancel(job=job)

    event = job.events.get(kind="callback_failed")
    assert "500" in event.message and event.message.endswith("Will retry.")
    retry = Schedule.objects.get(func="jobs.callbacks.callback_send")
    assert retry.schedule_type == Schedule.ONCE and retry.args == f"('{job.pk}', 1)"


def test_a_callback_to_a_private_address_is_refused_unless_allowed(owner, settings):
    settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": False}
    job = services.job_create(owner=owner, text="Hello.", callback_url="http://127.0.0.1:9/hook")

    services.job_cancel(job=job)

    event = job.events.get(kind="callback_failed")
    assert "non-public address (127.0.0.1)" in event.message
    assert not Schedule.objects.filter(func="jobs.callbacks.callback_send").exists()


def test_jobs_without_a_callback_url_send_nothing(owner, receiver):
    job = services.job_create(owner=owner, text="Hello.")

    services.job_cancel(job=job)

    assert receiver.bodies == []
    assert not job.events.filter(kind__startswith="callback").exists()
