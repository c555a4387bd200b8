"""REST input and output shapes for jobs, slots and the queue (v1 API)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heygem_site.api import InputSerializer, StrictCharField
from voices.selectors import voices_usable_by

from .models import GpuSlot, Job, JobEvent, Pause
from .selectors import BATCH_STATUSES
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
    review = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Stop after the speech until you approve it (missing or null: your "
        "default, `review_before_render` in /api/v1/speech-settings/).",
    )  # fmt: skip


class JobRespeakInput(InputSerializer):
    text = StrictCharField(
        required=False, trim_whitespace=False,
        help_text="New text to speak; missing: the same text, with the lexicons as they are now.",
    )  # fmt: skip


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


class JobPriorityInput(InputSerializer):
    priority = serializers.IntegerField(
        min_value=Job.PRIORITY_MIN, max_value=Job.PRIORITY_MAX,
        help_text="Higher runs first; the job moves in the queue at once.",
    )  # fmt: skip


class PauseInput(InputSerializer):
    reason = StrictCharField(
        required=False, default="", allow_blank=True,
        max_length=Pause.REASON_MAX,
        help_text="Why, in words: shown to the users whose jobs wait.",
    )  # fmt: skip


class NormalizeInput(InputSerializer):
    text = StrictCharField(trim_whitespace=False)
    max_chars = serializers.IntegerField(required=False, default=400, min_value=50, max_value=4000)
    lexicon = serializers.BooleanField(
        required=False, default=True,
        help_text="Apply the site-wide and your pronunciation lexicons first, as jobs do.",
    )  # fmt: skip

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
        choices=[("queue_paused", "an operator paused the whole queue"),
                 ("owner_paused", "the owner's jobs are paused (by an operator or themselves)"),
                 ("retry", "backoff after a failed attempt"),
                 ("no_slot", "no healthy slot for the stage: an operator must act"),
                 ("cap", "the owner's running-jobs cap: one of their jobs must end first"),
                 ("slot_paused", "every healthy slot of the stage is paused"),
                 ("slot", "every slot of the stage is busy")],
    )  # fmt: skip
    text = serializers.CharField(help_text='In words: "attempt 2 of 3 in 12 s".')
    stage = serializers.ChoiceField(choices=GpuSlot.Stage.choices)
    attempt = serializers.IntegerField(help_text="The attempt that runs next.")
    max_attempts = serializers.IntegerField()
    retry_at = serializers.DateTimeField(allow_null=True)
    position = serializers.IntegerField(allow_null=True, help_text="1: next in line.")
    paused_by = serializers.CharField(allow_null=True, help_text="Who paused what holds it.")
    paused_at = serializers.DateTimeField(allow_null=True)


class LinksOutput(serializers.Serializer):
    self = serializers.CharField()
    page = serializers.CharField()
    cancel = serializers.CharField(allow_null=True)
    retry = serializers.CharField(allow_null=True)
    result = serializers.CharField(allow_null=True)
    speech = serializers.CharField(allow_null=True)
    approve = serializers.CharField(allow_null=True, help_text="While the speech awaits review.")
    respeak = serializers.CharField(allow_null=True, help_text="While the speech awaits review.")
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
    review = serializers.BooleanField(help_text="Stops after the speech until approved.")
    lexicon_versions = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Lexicon versions the speech was made with: {"site": 3, "own": 7}.',
    )
    pauses = serializers.SerializerMethodField()
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
    pinned = serializers.BooleanField(
        help_text="Kept for good: the retention purge passes it over."
    )
    media_purged_at = serializers.DateTimeField(
        allow_null=True, help_text="When the retention purge removed the job's media."
    )

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

    def get_pauses(self, job) -> list[float]:
        """Seconds of silence the SSML asks for after each of its pieces."""
        return [pause for _, pause in job.speech_plan if pause]

    @extend_schema_field(LinksOutput)
    def get_links(self, job) -> dict:
        return job_links(job)


def job_links(job: Job) -> dict:
    def url(name, ok=True):
        return reverse(name, args=[job.pk]) if ok else None

    in_review = job.status == Job.Status.SPEECH_REVIEW

    return {
        "self": url("api-job-detail"),
        "page": url("job-detail"),
        "cancel": url("api-job-cancel", job.is_live),
        "retry": url("api-job-retry", job.is_retryable),
        "result": url("api-job-result", bool(job.result_video)),
        "speech": url("api-job-speech", bool(job.speech_audio)),
        "approve": url("api-job-approve", in_review),
        "respeak": url("api-job-respeak", in_review),
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
    paused_by = serializers.CharField(
        source="active_pause.paused_by_name", default=None, allow_null=True,
        help_text="Who paused the slot (it takes no new stage); null when not paused.",
    )  # fmt: skip
    paused_at = serializers.DateTimeField(
        source="active_pause.paused_at", default=None, allow_null=True
    )


class PauseOutput(serializers.Serializer):
    """An operator's (or an owner's own) hold: nothing new in its scope starts while active."""

    id = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=Pause.Scope.choices)
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    slot = serializers.CharField(source="slot.name", default=None, allow_null=True)
    reason = serializers.CharField()
    active = serializers.BooleanField(source="is_active")
    paused_by = serializers.CharField(source="paused_by_name")
    paused_at = serializers.DateTimeField()
    resumed_by = serializers.CharField(source="resumed_by_name", allow_null=True)
    resumed_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, pause):
        data = super().to_representation(pause)
        data["resumed_by"] = data["resumed_by"] or None
        return data


class QueueOutput(serializers.Serializer):
    waiting = serializers.IntegerField()
    running = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    slots = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per stage: total, enabled, busy, unhealthy, paused.",
    )
    paused = PauseOutput(allow_null=True, help_text="The whole queue's pause; null when none.")
    owners_paused = serializers.IntegerField(help_text="Owners whose jobs are paused.")


class SpanOutput(serializers.Serializer):
    source = serializers.CharField(help_text="A piece of the text as written.")
    reading = serializers.CharField(help_text="What is said for it.")
    kind = serializers.CharField(help_text="text, formula, date, money, lexicon, say-as, …")


class NormalizeOutput(serializers.Serializer):
    spoken_text = serializers.CharField()
    chunks = serializers.ListField(child=serializers.CharField())
    spans = SpanOutput(many=True, help_text="Each piece of the text with its reading, in order.")
    pauses = serializers.ListField(
        child=serializers.FloatField(), help_text="SSML: seconds of silence after each chunk."
    )
    ssml = serializers.BooleanField(help_text="Whether the text was read as an SSML document.")
    lexicon_versions = serializers.DictField(child=serializers.IntegerField())


# --- Batches ------------------------------------------------------------------


class BatchCreateInput(InputSerializer):
    """Rows as JSON (``rows``) or as an uploaded CSV or JSON file (``file``, multipart)."""

    title = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    rows = serializers.ListField(
        child=serializers.JSONField(), required=False,
        help_text="Each: text, and optionally voice (name or id), priority, title, callback_url.",
    )  # fmt: skip
    file = serializers.FileField(required=False, help_text="A CSV with a header line, or JSON.")

    def validate(self, attrs):
        if ("rows" in attrs) == ("file" in attrs):
            raise serializers.ValidationError("Send either rows (JSON) or a file (multipart).")
        return attrs


class BatchItemOutput(serializers.Serializer):
    row = serializers.IntegerField(help_text="1: the first row under the header.")
    title = serializers.CharField()
    job = JobSummaryOutput()


class BatchOutput(serializers.Serializer):
    """A batch; ``summary`` (selectors.batch_summary) comes in the context."""

    id = serializers.UUIDField()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    status = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    by_status = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    eta_seconds = serializers.SerializerMethodField()
    finished_at = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    def _summary(self, batch):
        return self.context["summaries"][batch.pk]

    @extend_schema_field(serializers.ChoiceField(choices=BATCH_STATUSES))
    def get_status(self, batch) -> str:
        return self._summary(batch).status

    def get_total(self, batch) -> int:
        return self._summary(batch).total

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_by_status(self, batch) -> dict:
        return self._summary(batch).by_status

    def get_progress(self, batch) -> int:
        return self._summary(batch).progress

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_eta_seconds(self, batch) -> int | None:
        return self._summary(batch).eta_seconds

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_finished_at(self, batch):
        return self._summary(batch).finished_at

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_links(self, batch) -> dict:
        return {
            "self": reverse("api-batch-detail", args=[batch.pk]),
            "page": reverse("batch-detail", args=[batch.pk]),
            "cancel": reverse("api-batch-cancel", args=[batch.pk]),
            "retry": reverse("api-batch-retry", args=[batch.pk]),
            "results": reverse("api-batch-results", args=[batch.pk]),
        }


class BatchDetailOutput(BatchOutput):
    items = serializers.SerializerMethodField()

    @extend_schema_field(BatchItemOutput(many=True))
    def get_items(self, batch) -> list:
        return BatchItemOutput(self.context["items"], many=True).data


class CapsOutput(serializers.Serializer):
    running = serializers.IntegerField(help_text="Jobs holding a slot at once (more wait).")
    queued = serializers.IntegerField(help_text="Jobs waiting for a slot.")
    chars_per_day = serializers.IntegerField(help_text="Text characters in any 24 hours.")
    retention_days = serializers.FloatField(help_text="Days finished media is kept (0: for good).")


class UsageOutput(serializers.Serializer):
    running = serializers.IntegerField()
    queued = serializers.IntegerField()
    chars_per_day = serializers.IntegerField()


class OwnerLimitsOutput(serializers.Serializer):
    caps = CapsOutput(help_text="0: no cap.")
    usage = UsageOutput()
