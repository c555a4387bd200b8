"""REST input and output shapes for voices."""

from django.urls import reverse
from rest_framework import serializers

from heygem_site.api import InputSerializer, StrictCharField


class VoiceCreateInput(InputSerializer):
    name = StrictCharField(max_length=100)
    audio = serializers.FileField(help_text="An audio or video file; up to 30 s are kept.")
    reference_text = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="What the recording says (optional; the engine transcribes it otherwise).",
    )


class VoiceRenameInput(InputSerializer):
    name = StrictCharField(max_length=100)


class VoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    builtin = serializers.SerializerMethodField()
    duration_seconds = serializers.FloatField()
    reference_text = serializers.CharField()
    created_at = serializers.DateTimeField()
    audio_url = serializers.SerializerMethodField()

    def get_builtin(self, voice) -> bool:
        return voice.owner_id is None

    def get_audio_url(self, voice) -> str:
        return reverse("api-voice-audio", args=[voice.pk])
