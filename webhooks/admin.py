"""Operators see every endpoint and delivery with its attempts, and replay deliveries."""

from django.contrib import admin, messages
from django.db import models

from . import services
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "enabled", "events", "created_at")
    list_filter = ("enabled", "for_job_callbacks")
    search_fields = ("url", "owner__username", "description")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("secret", "previous_secret", "previous_secret_until", "for_job_callbacks")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["rotate_secret"]

    @admin.action(description="Rotate the secret of selected endpoints")
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            services.endpoint_rotate_secret(endpoint=endpoint)
        self.message_user(request, f"Rotated {len(queryset)} secret(s).", messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "address", "status_code", "duration_ms", "error", "replay")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event_type", "url", "status", "attempts", "last_status_code")
    list_filter = ("status", "event_type")
    search_fields = ("message_id", "url", "job__id")
    list_select_related = ("endpoint",)
    raw_id_fields = ("endpoint", "job")
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Replay selected deliveries (same webhook-id)")
    def replay(self, request, queryset):
        for delivery in queryset:
            services.delivery_replay(delivery=delivery)
        self.message_user(request, f"Queued {len(queryset)} replay(s).", messages.SUCCESS)
