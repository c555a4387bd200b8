from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Voice, VoicePreparation


@admin.register(Voice)
class VoiceAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "saved", "duration_seconds", "created_at")
    list_filter = ("saved",)
    search_fields = ("name", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("audio_link",)

    @admin.display(description="Listen")
    def audio_link(self, voice):
        if not voice.pk or not voice.audio:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("voice-audio", args=[voice.pk]), voice.audio
        )


@admin.register(VoicePreparation)
class VoicePreparationAdmin(admin.ModelAdmin):
    list_display = ("voice", "slot", "prepared_at")
    list_select_related = ("voice", "slot")
    readonly_fields = ("voice", "slot", "audio_sha256", "reference_audio", "reference_text")
