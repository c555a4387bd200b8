"""REST input and output shapes for jobs, slots and the queue (v1 API)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heygem_site.api import InputSerializer, StrictCharField
from voices.selectors import voices_usable_by

from .models import GpuSlot, Job, JobEvent
from .textclean import clean_text

# --- Input --------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VoiceOfUserField(serializers.PrimaryKeyRelatedField):
    """A voice id, looked up among the requesting user's voices only."""

    def get_queryset(self):
        return voices_usable_by(self.context["request"].user)


class JobCreateInput(InputSerializer):
    text = StrictCharField(trim_whitespace=False, help_text="Text to speak.")
    video = serializers.FileField(required=False, help_text="Speaker video (multipart only).")
    voice = VoiceOfUserField(
        required=False, allow_null=True, help_text="Id of a saved voice to speak with."
    )
    priority = serializers.IntegerField(
        required=False,
        default=0,
        min_value=Job.PRIORITY_MIN,
        max_value=Job.PRIORITY_MAX,
        help_text="Higher runs first.",
    )
    callback_url = serializers.URLField(required=False, default="", allow_blank=True)
    burn_subtitles = serializers.BooleanField(
        required=False, default=False, help_text="Burn the subtitles into the picture."
    )


class JobFilterInput(serializers.Serializer):
    """Query parameters of the job list; the page parameters are the paginator's."""

    status = serializers.CharField(
        required=False, allow_blank=True, help_text="One status or several, comma-separated."
    )
    created_from = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    created_to = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    search = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Words in the text."
    )

    def validate_status(self, value):
        statuses = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [s for s in statuses if s not in Job.Status.values]
        if unknown:
            allowed = ", ".join(Job.Status.values)
            raise serializers.ValidationError(f"Unknown status {unknown[0]!r} (use: {allowed}).")
        return statuses

    def to_filters(self) -> dict:
        data = dict(self.validated_data)
        data["statuses"] = data.pop("status", None)
        return data


class NormalizeInput(InputSerializer):
    text = StrictCharField(trim_whitespace=False)
    max_chars = serializers.IntegerField(required=False, default=400, min_value=50, max_value=4000)

    def validate_text(self, value):
        # Previewed as it will be stored and spoken (jobs.textclean).
        value = clean_text(value)
        limit = settings.HEYGEM["MAX_TEXT_CHARS"]
        if len(value) > limit:
            raise serializers.ValidationError(f"Text is over the limit of {limit:,} characters.")
        return value


# --- Output -------------------------------------------------------------------


class SlotBriefOutput(serializers.Serializer):
    name = serializers.CharField()
    gpu = serializers.CharField()
    backend = serializers.ChoiceField(choices=GpuSlot.Backend.choices)
    embedded = serializers.BooleanField(source="is_embedded")


class EventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=JobEvent.Kind.choices)
    label = serializers.CharField(source="get_kind_display", help_text="The kind, in words.")
    message = serializers.CharField()
    slot = serializers.CharField(source="slot.name", default=None, allow_null=True)


class TimingOutput(serializers.Serializer):
    audio_seconds = serializers.FloatField(allow_null=True)
    tts_seconds = serializers.FloatField(allow_null=True)
    render_seconds = serializers.FloatField(allow_null=True)
    total_seconds = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    tts_started_at = serializers.DateTimeField(allow_null=True)
    tts_finished_at = serializers.DateTimeField(allow_null=True)
    render_started_at = serializers.DateTimeField(allow_null=True)
    render_finished_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class JobSummaryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Job.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    priority = serializers.IntegerField(min_value=Job.PRIORITY_MIN, max_value=Job.PRIORITY_MAX)
    text = serializers.CharField()
    error = serializers.CharField(help_text="Why the job failed; empty otherwise.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    timing = TimingOutput(source="*")
    url = serializers.SerializerMethodField()

    def get_url(self, job) -> str:
        return reverse("api-job-detail", args=[job.pk])


class WaitingOutput(serializers.Serializer):
    """Why a live job is not running at this moment."""

    reason = serializers.ChoiceField(
        choices=[("retry", "backoff after a failed attempt"),
                 ("no_slot", "no healthy slot for the stage: an operator must act"),
                 ("slot", "every slot of the stage is busy")],
    )  # fmt: skip
    text = serializers.CharField(help_text='In words: "attempt 2 of 3 in 12 s".')
    stage = serializers.ChoiceField(choices=GpuSlot.Stage.choices)
    attempt = serializers.IntegerField(help_text="The attempt that runs next.")
    max_attempts = serializers.IntegerField()
    retry_at = serializers.DateTimeField(allow_null=True)
    position = serializers.IntegerField(allow_null=True, help_text="1: next in line.")


class LinksOutput(serializers.Serializer):
    self = serializers.CharField()
    page = serializers.CharField()
    cancel = serializers.CharField(allow_null=True)
    retry = serializers.CharField(allow_null=True)
    result = serializers.CharField(allow_null=True)
    speech = serializers.CharField(allow_null=True)
    subtitles_srt = serializers.CharField(allow_null=True)
    subtitles_vtt = serializers.CharField(allow_null=True)


class SegmentOutput(serializers.Serializer):
    """One segment of a long job: a part of the job, rendered on its own slot."""

    index = serializers.IntegerField(source="segment_index")
    status = serializers.ChoiceField(choices=Job.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    characters = serializers.SerializerMethodField()
    audio_seconds = serializers.FloatField(allow_null=True)
    attempt = serializers.IntegerField()
    error = serializers.CharField()
    tts_slot = SlotBriefOutput(allow_null=True)
    video_slot = SlotBriefOutput(allow_null=True)
    timing = TimingOutput(source="*")

    def get_characters(self, job) -> int:
        return len(job.spoken_text)


class JobDetailOutput(JobSummaryOutput):
    """A job with what a waiting user wants to know; ``details`` come in the context."""

    stage = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField()
    eta_seconds = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()
    spoken_text = serializers.CharField()
    voice = serializers.IntegerField(source="voice_id", allow_null=True)
    progress_detail = serializers.CharField()
    attempt = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    tts_slot = SlotBriefOutput(allow_null=True)
    video_slot = SlotBriefOutput(allow_null=True)
    burn_subtitles = serializers.BooleanField()
    segments = serializers.SerializerMethodField(
        help_text="A long job's parts, each rendered on its own slot; empty for a short job."
    )
    notices = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(SegmentOutput(many=True))
    def get_segments(self, job) -> list:
        return SegmentOutput(self.context["details"].segments or [], many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=GpuSlot.Stage.choices, allow_null=True))
    def get_stage(self, job) -> str | None:
        return self.context["details"].stage

    def get_queue_position(self, job) -> int | None:
        return self.context["details"].queue_position

    def get_eta_seconds(self, job) -> int | None:
        return self.context["details"].eta_seconds

    @extend_schema_field(WaitingOutput(allow_null=True))
    def get_waiting(self, job) -> dict | None:
        waiting = self.context["details"].waiting
        return None if waiting is None else WaitingOutput(waiting).data

    def get_notices(self, job) -> list[str]:
        return self.context["details"].notices

    @extend_schema_field(EventOutput(many=True))
    def get_events(self, job) -> list:
        return EventOutput(self.context["details"].events, many=True).data

    @extend_schema_field(LinksOutput)
    def get_links(self, job) -> dict:
        return job_links(job)


def job_links(job: Job) -> dict:
    def url(name, ok=True):
        return reverse(name, args=[job.pk]) if ok else None

    return {
        "self": url("api-job-detail"),
        "page": url("job-detail"),
        "cancel": url("api-job-cancel", job.is_live),
        "retry": url("api-job-retry", job.is_retryable),
        "result": url("api-job-result", bool(job.result_video)),
        "speech": url("api-job-speech", bool(job.speech_audio)),
        "subtitles_srt": url("api-job-subtitles-srt", bool(job.speech_timing)),
        "subtitles_vtt": url("api-job-subtitles-vtt", bool(job.speech_timing)),
    }


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    gpu = serializers.CharField()
    stage = serializers.ChoiceField(choices=GpuSlot.Stage.choices)
    backend = serializers.ChoiceField(choices=GpuSlot.Backend.choices)
    embedded = serializers.BooleanField(source="is_embedded")
    base_url = serializers.CharField()
    state = serializers.ChoiceField(choices=GpuSlot.STATES)
    enabled = serializers.BooleanField()
    draining = serializers.BooleanField()
    healthy = serializers.BooleanField()
    engine_busy = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField()
    last_probe_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    seconds_per_audio_second = serializers.FloatField(allow_null=True)
    lease_until = serializers.DateTimeField(allow_null=True)
    current_job = serializers.UUIDField(source="current_job.pk", default=None, allow_null=True)


class QueueOutput(serializers.Serializer):
    waiting = serializers.IntegerField()
    running = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    slots = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class NormalizeOutput(serializers.Serializer):
    spoken_text = serializers.CharField()
    chunks = serializers.ListField(child=serializers.CharField())
