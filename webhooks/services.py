"""Every write to webhook endpoints and deliveries; the tasks and faces call these only.

A job event becomes one delivery per interested target (the owner's endpoints
and the job's own ``callback_url``) once the event's transaction has committed;
each delivery is tried by its own task, so a slow receiver delays no other.
"""

import base64
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task, schedule

from jobs.models import Job, JobEvent
from jobs.services import event_record

from . import sender
from .addresses import UnsafeTarget, resolve, target_problem
from .models import CALLBACK_DEFAULT_EVENTS, EventType, WebhookAttempt, WebhookDelivery
from .models import WebhookEndpoint as Endpoint

ATTEMPT_TASK = "webhooks.tasks.delivery_attempt"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_url_check(url: str, *, field: str = "url") -> str:
    """A URL webhooks may target (http/https, public unless allowed), or a ValidationError.

    The name is resolved now so a mistake shows at once; delivery checks again.
    """
    problem = target_problem(url, allow_private=settings.HEYGEM["CALLBACK_ALLOW_PRIVATE"])
    if problem:
        raise ValidationError({field: problem})
    return url


def _check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EventType.values]
    if unknown:
        allowed = ", ".join(EventType.values)
        raise ValidationError({"events": f"Unknown event {unknown[0]!r} (use: {allowed})."})
    return list(dict.fromkeys(events))


def endpoint_create(*, owner: Any, url: str, events: list[str], description: str = "") -> Endpoint:
    return Endpoint.objects.create(
        owner=owner, url=webhook_url_check(url), events=_check_events(events),
        description=description, secret=new_secret(),
    )  # fmt: skip


def endpoint_update(*, endpoint: Endpoint, **changes: Any) -> Endpoint:
    """Change url, events, description or enabled; only the fields given."""
    if "url" in changes:
        if endpoint.for_job_callbacks:
            raise ValidationError({"url": "Job callbacks go to each job's own callback_url."})
        changes["url"] = webhook_url_check(changes["url"])
    if "events" in changes:
        changes["events"] = _check_events(changes["events"])
    for field, value in changes.items():
        setattr(endpoint, field, value)
    endpoint.save(update_fields=list(changes) or None)
    return endpoint


def endpoint_delete(*, endpoint: Endpoint) -> None:
    if endpoint.for_job_callbacks:
        raise ValidationError("The job callback key cannot be deleted; disable it instead.")
    endpoint.delete()


def endpoint_rotate_secret(*, endpoint: Endpoint) -> Endpoint:
    """A new secret at once; the old one still signs (beside it) for the grace period."""
    grace = timedelta(hours=settings.HEYGEM["WEBHOOK_ROTATION_GRACE_HOURS"])
    endpoint.previous_secret, endpoint.secret = endpoint.secret, new_secret()
    endpoint.previous_secret_until = timezone.now() + grace
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint


def callback_endpoint_of(owner: Any) -> Endpoint:
    """The owner's key and filter for job callback URLs, made on first use."""
    endpoint, _ = Endpoint.objects.get_or_create(
        owner=owner, for_job_callbacks=True,
        defaults={"secret": new_secret(), "events": list(CALLBACK_DEFAULT_EVENTS),
                  "description": "Each job's own callback_url"},
    )  # fmt: skip
    return endpoint


def live_secrets(endpoint: Endpoint) -> list[str]:
    keys = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > timezone.now():
        keys.append(endpoint.previous_secret)
    return keys


# --- Events -----------------------------------------------------------------


def event_payload(job: Job, event_type: str) -> dict:
    """Standard Webhooks' envelope: type, timestamp and the job as the API links it."""
    base = settings.SITE_URL.rstrip("/")

    def link(name: str, ok: bool = True) -> str | None:
        return base + reverse(name, args=[job.pk]) if ok else None

    return {
        "type": event_type,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "data": {
            "id": str(job.pk), "status": job.status, "progress": job.progress,
            "attempt": job.attempt, "error": job.error or None,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "url": link("api-job-detail"),
            "result_url": link("api-job-result", bool(job.result_video)),
            "speech_url": link("api-job-speech", bool(job.speech_audio)),
        },
    }  # fmt: skip


def job_event_fanout(*, job_id: Any, event_type: str) -> list[WebhookDelivery]:
    """Make the deliveries of one job event and queue their first attempts."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return []
    targets = [(e, e.url) for e in job.owner.webhook_endpoints.filter(for_job_callbacks=False)]
    if job.callback_url:
        targets.append((callback_endpoint_of(job.owner), job.callback_url))
    payload = event_payload(job, event_type)
    message_id = f"msg_{uuid.uuid4().hex}"
    deliveries = [
        WebhookDelivery.objects.create(message_id=message_id, endpoint=endpoint, job=job,
                                       url=url, event_type=event_type, payload=payload)
        for endpoint, url in targets if endpoint.wants(event_type)
    ]  # fmt: skip
    for delivery in deliveries:
        async_task(ATTEMPT_TASK, delivery.pk, group="webhooks")
    return deliveries


def delivery_attempt(*, delivery_id: int, replay: bool = False) -> str:
    """Send once; log the attempt, note it on the job, schedule a retry or give up."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or (delivery.status != WebhookDelivery.Status.PENDING and not replay):
        return "nothing to send"
    number = delivery.attempts + 1
    at = timezone.now()
    body = sender.body_of(delivery.payload)
    headers = sender.headers_for(live_secrets(delivery.endpoint), message_id=delivery.message_id,
                                 at=at, body=body)  # fmt: skip
    address = ""
    try:
        target = resolve(delivery.url, allow_private=settings.HEYGEM["CALLBACK_ALLOW_PRIVATE"])
        address = target.address
        answer = sender.post(target, headers=headers, body=body)
    except (UnsafeTarget, OSError) as exc:  # a refused address, or DNS (socket.gaierror)
        answer = sender.Answer(None, 0, error=f"{type(exc).__name__}: {exc}")
    _record(delivery, number=number, address=address, answer=answer, replay=replay)
    return "sent" if answer.ok else "failed"


def _record(
    delivery: WebhookDelivery, *, number: int, address: str, answer: sender.Answer, replay: bool
) -> None:
    retries = settings.HEYGEM["WEBHOOK_RETRY_SECONDS"]
    retry_in = None if answer.ok or number > len(retries) else retries[number - 1]
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, number=number, address=address, status_code=answer.status_code,
            duration_ms=answer.duration_ms, error=answer.error[:2000],
            response_excerpt=answer.excerpt[:500], replay=replay,
        )  # fmt: skip
        delivery.attempts = number
        delivery.last_status_code = answer.status_code
        delivery.last_error = answer.error
        delivery.next_attempt_at = None
        if answer.ok:
            delivery.status, delivery.delivered_at = (
                WebhookDelivery.Status.SUCCEEDED,
                timezone.now(),
            )
        elif retry_in is None:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.status = WebhookDelivery.Status.PENDING
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
        delivery.save()
        _note_on_job(delivery, number=number, answer=answer, retry_in=retry_in)
        if delivery.next_attempt_at is not None:
            # django-q2 has no delayed tasks: a one-off schedule runs the retry.
            transaction.on_commit(lambda: schedule(
                ATTEMPT_TASK, delivery.pk, schedule_type=Schedule.ONCE,
                next_run=delivery.next_attempt_at, name=f"webhook-{delivery.pk}-{number + 1}",
            ))  # fmt: skip


def _note_on_job(
    delivery: WebhookDelivery, *, number: int, answer: sender.Answer, retry_in: int | None
) -> None:
    what = f"Webhook {delivery.event_type} to {delivery.url}"
    if answer.ok:
        message = f"{what} delivered ({answer.status_code}, {answer.duration_ms} ms)."
        kind = JobEvent.Kind.CALLBACK_SENT
    else:
        reason = answer.error or f"HTTP {answer.status_code}"
        later = f" Attempt {number}; next in {retry_in} s." if retry_in else " Gave up."
        message, kind = f"{what} failed: {reason}.{later}", JobEvent.Kind.CALLBACK_FAILED
    event_record(job_id=delivery.job_id, kind=kind, message=message,
                 delivery=delivery.pk, attempt=number)  # fmt: skip


def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (same message id, so receivers can tell it is a repeat)."""
    async_task(ATTEMPT_TASK, delivery.pk, True, group="webhooks")
    return delivery
