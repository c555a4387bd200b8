"""REST input and output shapes for webhook endpoints and deliveries."""

from rest_framework import serializers

from heygem_site.api import InputSerializer, StrictCharField

from .models import EventType, WebhookDelivery


class EndpointCreateInput(InputSerializer):
    url = serializers.URLField(max_length=2000, help_text="http(s), public address.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), required=False, default=list,
        help_text="Event types to send; empty or missing sends every type.",
    )  # fmt: skip
    description = StrictCharField(required=False, default="", allow_blank=True, max_length=200)


class EndpointUpdateInput(EndpointCreateInput):
    enabled = serializers.BooleanField(required=False)


class EndpointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="Empty for the key of the jobs' own callback URLs.")
    kind = serializers.SerializerMethodField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    enabled = serializers.BooleanField()
    secret = serializers.CharField(help_text="whsec_…: verify signatures with it.")
    previous_secret_until = serializers.DateTimeField(
        allow_null=True, help_text="Until then the rotated-out secret signs too."
    )
    created_at = serializers.DateTimeField()

    def get_kind(self, endpoint) -> str:
        return "job_callbacks" if endpoint.for_job_callbacks else "endpoint"


class AttemptOutput(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    address = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    replay = serializers.BooleanField()


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    message_id = serializers.CharField(help_text="The webhook-id header.")
    endpoint = serializers.IntegerField(source="endpoint_id")
    job = serializers.UUIDField(source="job_id")
    url = serializers.CharField()
    event_type = serializers.ChoiceField(choices=EventType.choices)
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    payload = serializers.JSONField()
    log = AttemptOutput(many=True)
