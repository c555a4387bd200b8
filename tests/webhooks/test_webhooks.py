"""Webhooks by the Standard Webhooks specification: signed, retried, logged, replayable."""

import ipaddress
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django_q.models import Schedule
from standardwebhooks.webhooks import Webhook

from jobs import services
from jobs.models import Job
from webhooks import services as webhook_services
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sync_tasks")]


class Receiver:
    """A webhook receiver on loopback that answers with a chosen status."""

    def __init__(self, status=200):
        self.status, self.requests = status, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.requests.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": True}
    server = Receiver()
    yield server
    server.close()


def callback_secret(owner) -> str:
    return WebhookEndpoint.objects.get(owner=owner, for_job_callbacks=True).secret


def test_a_finished_job_posts_a_signed_job_succeeded_to_its_callback_url(
    owner, embedded_slots, receiver
):
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert len(receiver.requests) == 1  # a callback URL hears the end only, by default
    headers, body = receiver.requests[0]
    payload = Webhook(callback_secret(owner)).verify(body, headers)
    assert payload["type"] == "job.succeeded" and payload["data"]["id"] == str(job.pk)
    assert payload["data"]["result_url"].endswith(f"/api/v1/jobs/{job.pk}/result/")
    assert headers["webhook-id"].startswith("msg_") and headers["webhook-timestamp"].isdigit()
    assert job.events.filter(kind="callback_sent").exists()


def test_an_owners_endpoint_hears_every_event_it_asked_for_in_order(
    owner, embedded_slots, receiver
):
    endpoint = webhook_services.endpoint_create(
        owner=owner, url=receiver.url, events=["job.queued", "job.speech_ready", "job.succeeded"]
    )

    services.job_create(owner=owner, text="Hello.")

    assert [b["type"] for b in receiver.bodies] == [
        "job.queued", "job.speech_ready", "job.succeeded",
    ]  # fmt: skip
    for headers, body in receiver.requests:
        Webhook(endpoint.secret).verify(body, headers)
    ids = {headers["webhook-id"] for headers, _ in receiver.requests}
    assert len(ids) == 3


def test_a_canceled_job_is_reported_too(owner, receiver):
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)

    services.job_cancel(job=job)

    assert [b["type"] for b in receiver.bodies] == ["job.canceled"]
    assert receiver.bodies[0]["data"]["result_url"] is None


def test_a_failing_receiver_is_logged_and_retried_later_from_a_schedule(owner, receiver):
    receiver.status = 500
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)

    services.job_cancel(job=job)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    attempt = delivery.log.get()
    assert attempt.status_code == 500 and attempt.duration_ms is not None
    event = job.events.get(kind="callback_failed")
    assert "HTTP 500" in event.message and "Attempt 1; next in 10 s." in event.message
    retry = Schedule.objects.get(func="webhooks.tasks.delivery_attempt")
    assert retry.schedule_type == Schedule.ONCE and retry.args == f"({delivery.pk},)"


def test_the_retry_keeps_the_message_id_and_the_last_failure_gives_up(owner, receiver, settings):
    settings.HEYGEM = {**settings.HEYGEM, "WEBHOOK_RETRY_SECONDS": [1]}
    receiver.status = 503
    job = services.job_create(owner=owner, text="Hello.", callback_url=receiver.url)
    services.job_cancel(job=job)
    delivery = WebhookDelivery.objects.get()

    webhook_services.delivery_attempt(delivery_id=delivery.pk)  # what the schedule runs

    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 2
    assert len({headers["webhook-id"] for headers, _ in receiver.requests}) == 1
    assert "Gave up." in job.events.filter(kind="callback_failed").last().message


def test_a_name_that_does_not_resolve_is_a_failed_attempt_with_an_event_and_a_retry(owner):
    job = services.job_create(owner=owner, text="Hello.")
    endpoint = webhook_services.callback_endpoint_of(owner)
    delivery = WebhookDelivery.objects.create(
        message_id="msg_dns", endpoint=endpoint, job=job, url="http://hooks.invalid/x",
        event_type="job.canceled", payload={"type": "job.canceled"},
    )  # fmt: skip

    assert webhook_services.delivery_attempt(delivery_id=delivery.pk) == "failed"

    attempt = WebhookAttempt.objects.get()
    assert attempt.error.startswith("gaierror") and attempt.status_code is None
    assert job.events.filter(kind="callback_failed", message__contains="hooks.invalid").exists()
    assert Schedule.objects.filter(func="webhooks.tasks.delivery_attempt").exists()


def test_delivery_connects_to_the_address_it_checked_without_resolving_again(
    owner, receiver, monkeypatch
):
    job = services.job_create(owner=owner, text="Hello.")
    endpoint = webhook_services.callback_endpoint_of(owner)
    delivery = WebhookDelivery.objects.create(
        message_id="msg_pin", endpoint=endpoint, job=job,
        url=f"http://pinned.example:{receiver.port}/hook",
        event_type="job.canceled", payload={"type": "job.canceled"},
    )  # fmt: skip
    lookups, real_getaddrinfo = [], socket.getaddrinfo

    def one_answer(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host)  # an IP literal is no lookup: connect() passes it here
        except ValueError:
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", receiver.port))]
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", one_answer)

    assert webhook_services.delivery_attempt(delivery_id=delivery.pk) == "sent"

    assert lookups == ["pinned.example"]
    headers, _ = receiver.requests[0]
    assert headers["Host"] == f"pinned.example:{receiver.port}"
    assert WebhookAttempt.objects.get().address == "127.0.0.1"


def test_after_a_rotation_both_secrets_verify_until_the_grace_ends(owner, receiver):
    endpoint = webhook_services.endpoint_create(owner=owner, url=receiver.url, events=[])
    old = endpoint.secret
    webhook_services.endpoint_rotate_secret(endpoint=endpoint)

    services.job_create(owner=owner, text="Hello.")

    headers, body = receiver.requests[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(endpoint.secret).verify(body, headers)


class TestApi:
    def test_an_integrator_registers_an_endpoint_and_replays_a_delivery(self, api, receiver):
        created = api.post("/api/v1/webhooks/", {"url": receiver.url, "events": ["job.queued"]},
                           format="json")  # fmt: skip
        assert created.status_code == 201 and created["Location"].endswith(
            f"/api/v1/webhooks/{created.json()['id']}/"
        )
        api.post("/api/v1/jobs/", {"text": "Hello."}, format="json")
        deliveries = api.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries/").json()
        first = deliveries["results"][0]
        assert first["status"] == "succeeded" and first["log"][0]["status_code"] == 200

        replay = api.post(f"/api/v1/webhook-deliveries/{first['id']}/replay/")

        assert replay.status_code == 202
        assert [a["replay"] for a in replay.json()["log"]] == [False, True]
        assert len({h["webhook-id"] for h, _ in receiver.requests}) == 1
        assert len(receiver.requests) == 2

    def test_rotating_through_the_api_answers_the_new_secret(self, api, receiver):
        endpoint = api.post("/api/v1/webhooks/", {"url": receiver.url}, format="json").json()
        rotated = api.post(f"/api/v1/webhooks/{endpoint['id']}/rotate-secret/").json()
        assert rotated["secret"] != endpoint["secret"] and rotated["previous_secret_until"]

    def test_another_owners_endpoint_is_not_found(self, api_as, outsider, api, receiver):
        endpoint = api.post("/api/v1/webhooks/", {"url": receiver.url}, format="json").json()
        assert api_as(outsider).get(f"/api/v1/webhooks/{endpoint['id']}/").status_code == 404

    @pytest.mark.parametrize(
        "url, words",
        [
            ("ftp://example.com/hook", "http:// or https://"),
            ("http://127.0.0.1:9/hook", "non-public address (127.0.0.1)"),
            ("http://hooks.invalid/hook", "does not resolve"),
        ],
    )
    def test_a_callback_url_that_cannot_take_webhooks_is_refused_at_submit(
        self, api, settings, url, words
    ):
        settings.HEYGEM = {**settings.HEYGEM, "CALLBACK_ALLOW_PRIVATE": False}
        response = api.post("/api/v1/jobs/", {"text": "Hello.", "callback_url": url},
                            format="json")  # fmt: skip
        assert response.status_code == 400
        attrs = {e["attr"]: e["detail"] for e in response.json()["errors"]}
        assert words in attrs["callback_url"]
        assert not Job.objects.exists()


def test_jobs_without_a_callback_url_or_endpoint_send_nothing(owner, receiver):
    job = services.job_create(owner=owner, text="Hello.")

    services.job_cancel(job=job)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
