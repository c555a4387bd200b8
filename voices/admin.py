from django.contrib import admin

from .models import Voice, VoicePreparation


@admin.register(Voice)
class VoiceAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "saved", "duration_seconds", "created_at")
    list_filter = ("saved",)
    search_fields = ("name", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)


@admin.register(VoicePreparation)
class VoicePreparationAdmin(admin.ModelAdmin):
    list_display = ("voice", "slot", "prepared_at")
    list_select_related = ("voice", "slot")
    readonly_fields = ("voice", "slot", "audio_sha256", "reference_audio", "reference_text")
