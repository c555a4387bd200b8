from django.conf import settings
from django.db import models
from django.db.models import Q


class Voice(models.Model):
    """A reference recording that a voice-cloning TTS engine imitates.

    ``saved`` is False for the voice taken from a job's speaker video until its
    owner keeps it; such voices do not clutter the voice list.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="voices",
        help_text="Empty for the built-in voices everyone may use.",
    )
    name = models.CharField(max_length=100)
    audio = models.CharField(max_length=500, help_text="Storage name of the reference WAV.")
    audio_sha256 = models.CharField(max_length=64)
    duration_seconds = models.FloatField(default=0)
    reference_text = models.TextField(blank=True)
    saved = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], condition=Q(saved=True), name="voice_name_per_owner"
            ),
        ]

    def __str__(self):
        return self.name


class VoicePreparation(models.Model):
    """A voice as one TTS slot prepared it (Fish-Speech ``preprocess_and_tran``).

    Preparing costs an ASR pass on the GPU, so it is done once per (voice, slot)
    and redone only when the voice's audio changes (``audio_sha256``).
    """

    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="preparations")
    slot = models.ForeignKey("jobs.GpuSlot", on_delete=models.CASCADE, related_name="+")
    audio_sha256 = models.CharField(max_length=64)
    reference_audio = models.TextField(help_text="Engine-side path(s), joined with |||.")
    reference_text = models.TextField()
    prepared_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voice", "slot"], name="one_preparation_per_slot"),
        ]

    def __str__(self):
        return f"{self.voice} on {self.slot_id}"
