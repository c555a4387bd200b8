"""Webhook endpoints per owner and every delivery to them, with each attempt.

Deliveries follow the Standard Webhooks specification (standardwebhooks.com):
one message id per event and target, kept across retries and replays so a
receiver can drop duplicates; a timestamp; an HMAC-SHA256 signature.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EventType(models.TextChoices):
    JOB_QUEUED = "job.queued", "Job queued (submitted, or retried)"
    JOB_SPEECH_READY = "job.speech_ready", "Speech ready"
    JOB_SPEECH_REVIEW = "job.speech_review", "Speech ready for review (the job waits for approval)"
    JOB_SUCCEEDED = "job.succeeded", "Job succeeded"
    JOB_FAILED = "job.failed", "Job failed"
    JOB_CANCELED = "job.canceled", "Job canceled"


# What a job's own callback URL hears unless its owner changes the filter: the end.
CALLBACK_DEFAULT_EVENTS = [EventType.JOB_SUCCEEDED, EventType.JOB_FAILED, EventType.JOB_CANCELED]


class WebhookEndpoint(models.Model):
    """Where an owner's events go, signed with the endpoint's secret.

    The row with ``for_job_callbacks`` set has no URL of its own: it holds the
    secret and event filter for the ``callback_url`` of each of its owner's jobs.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000, blank=True)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(
        default=list, blank=True, help_text="Event types to send; empty sends every type."
    )
    enabled = models.BooleanField(default=True)
    for_job_callbacks = models.BooleanField(default=False, editable=False)
    secret = models.CharField(max_length=100, help_text="whsec_… (base64 key).")
    # After a rotation deliveries are signed with both keys until this passes.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(for_job_callbacks=True),
                name="one_callback_endpoint_per_owner",
            ),
        ]

    def __str__(self):
        return self.url or f"Job callback URLs of {self.owner}"

    def wants(self, event_type: str) -> bool:
        return self.enabled and (not self.events or event_type in self.events)


class WebhookDelivery(models.Model):
    """One event for one target; retried with backoff until it succeeds or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Gave up"

    message_id = models.CharField(max_length=64, help_text="The webhook-id header.")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="webhook_deliveries")
    url = models.URLField(max_length=2000, help_text="The target when the event happened.")
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id", "endpoint"], name="one_delivery_per_message"
            ),
        ]

    def __str__(self):
        return f"{self.event_type} → {self.url} ({self.status})"


class WebhookAttempt(models.Model):
    """One try of a delivery: what the receiver answered and how fast."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    address = models.CharField(max_length=64, blank=True, help_text="The IP connected to.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"attempt {self.number}: {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
