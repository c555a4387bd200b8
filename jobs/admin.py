from django.contrib import admin, messages

from . import services
from .models import GpuSlot, Job, JobEvent


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "message", "slot")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "status", "progress", "priority", "attempt", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("id", "text", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "voice", "tts_slot", "video_slot", "avoid_slot")
    readonly_fields = (
        "status", "progress", "attempt", "fence", "engine_code", "spoken_text",
        "speech_audio", "result_video", "audio_seconds", "created_at", "tts_started_at",
        "tts_finished_at", "render_started_at", "render_finished_at", "finished_at", "error",
    )  # fmt: skip
    inlines = [JobEventInline]
    actions = ["cancel"]

    @admin.action(description="Cancel selected jobs")
    def cancel(self, request, queryset):
        canceled = sum(services.job_cancel(job=job, reason="Canceled by an operator.")
                       for job in queryset)  # fmt: skip
        self.message_user(request, f"Canceled {canceled} job(s).", messages.SUCCESS)


@admin.register(GpuSlot)
class GpuSlotAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "backend", "gpu", "state", "enabled", "healthy",
                    "consecutive_failures", "last_error")  # fmt: skip
    list_filter = ("stage", "backend", "enabled", "healthy")
    search_fields = ("name", "gpu", "base_url")
    readonly_fields = ("lease_until", "fence", "last_probe_at", "seconds_per_audio_second")
    actions = ["enable", "drain", "probe"]

    @admin.action(description="Enable selected slots")
    def enable(self, request, queryset):
        for slot in queryset:
            services.slot_set_enabled(slot=slot, enabled=True)

    @admin.action(description="Drain selected slots")
    def drain(self, request, queryset):
        for slot in queryset:
            services.slot_drain(slot=slot)

    @admin.action(description="Probe selected slots")
    def probe(self, request, queryset):
        for slot in queryset:
            error = services.slot_probe(slot=slot)
            level = messages.ERROR if error else messages.SUCCESS
            self.message_user(request, f"{slot.name}: {error or 'ok'}", level)
