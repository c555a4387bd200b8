import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .engines.base import SlotConfig

# A job's priority: higher runs first.
PRIORITY_MIN, PRIORITY_MAX = -10, 10


class HostQuerySet(models.QuerySet):
    def not_working(self) -> "HostQuerySet":
        """Hosts whose workers would not run a stage now: stopping, or silent (gone)."""
        silent = timezone.now() - timedelta(seconds=Host.SILENT_SECONDS)
        return self.filter(Q(stopping=True) | Q(seen_at__lt=silent))


class Host(models.Model):
    """One box's worker pool (``manage.py workers``): what the dispatcher needs to know of it.

    A host that is stopping, or whose workers stopped reporting, gets no new binding:
    nobody would run it. A slot whose host has no row yet is usable (tests, a site
    run on plain qcluster).
    """

    # The workers report every second; one silent this long is taken to be gone.
    SILENT_SECONDS = 15

    name = models.SlugField(max_length=64, unique=True)
    stopping = models.BooleanField(default=False)
    pid = models.PositiveIntegerField(null=True, blank=True)
    stage_workers = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = HostQuerySet.as_manager()

    def __str__(self):
        return self.name


class GpuSlotQuerySet(models.QuerySet):
    def with_pause(self) -> "GpuSlotQuerySet":
        """Slots with their active pause read alongside (``active_pause``, ``state``)."""
        active = Pause.objects.active().select_related("paused_by")
        return self.prefetch_related(
            models.Prefetch("pauses", queryset=active, to_attr="active_pauses")
        )


class GpuSlot(models.Model):
    """One engine endpoint that runs one stage of one job at a time.

    The lease lives here: ``lease_until`` is set while a job holds the slot and
    ``fence`` grows every time the slot is taken, so a worker that was paused or
    presumed dead can recognise that its binding is gone and write nothing.
    """

    class Stage(models.TextChoices):
        TTS = "tts", "Speech (TTS)"
        VIDEO = "video", "Video"

    class Backend(models.TextChoices):
        HEYGEM = "heygem", "HeyGem.ai lip-sync (HTTP)"
        FISH_SPEECH = "fish_speech", "Fish-Speech voice clone (HTTP)"
        DUB = "dub", "Embedded dub (ffmpeg, no lip-sync)"
        ESPEAK = "espeak", "Embedded espeak-ng (no voice cloning)"

    STAGE_BACKENDS: dict[str, tuple[str, ...]] = {
        Stage.TTS: (Backend.ESPEAK, Backend.FISH_SPEECH),
        Stage.VIDEO: (Backend.DUB, Backend.HEYGEM),
    }
    EMBEDDED_BACKENDS = (Backend.ESPEAK, Backend.DUB)

    name = models.SlugField(max_length=64, unique=True)
    gpu = models.CharField(max_length=32, blank=True, help_text="GPU label, e.g. gpu0.")
    host = models.SlugField(
        max_length=64, default="local", help_text="The box whose workers drive this slot."
    )
    stage = models.CharField(max_length=8, choices=Stage.choices)
    backend = models.CharField(max_length=16, choices=Backend.choices)
    base_url = models.URLField(blank=True)
    data_dir = models.CharField(
        max_length=500, blank=True, help_text="Host folder mounted into the engine container."
    )
    container_data_dir = models.CharField(max_length=200, default="/code/data")

    enabled = models.BooleanField(default=True)
    draining = models.BooleanField(default=False, help_text="Finish the current job, then disable.")

    healthy = models.BooleanField(default=True)
    engine_busy = models.BooleanField(
        default=False,
        help_text="The engine said it is busy (or hung); kept out until a probe finds it free.",
    )
    # HeyGem has no cancel: a render we gave up on (timed out, canceled) keeps the
    # engine busy. Its code is kept here so probes can watch it end and clean up.
    orphan_code = models.CharField(
        max_length=64,
        blank=True,
        help_text="Engine task still running without a job; the slot waits for it to end.",
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_probe_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Engine seconds per second of speech, smoothed; drives ETAs and timeouts.
    seconds_per_audio_second = models.FloatField(null=True, blank=True)
    # TTS slots: engine seconds per character of spoken text, smoothed; drives placement.
    seconds_per_char = models.FloatField(null=True, blank=True)
    # How many full-sized stages the measured speed rests on (capped): the first few
    # replace a guess quickly, later ones are smoothed (jobs.services.slots).
    speed_samples = models.FloatField(default=0.0)

    lease_until = models.DateTimeField(null=True, blank=True)
    fence = models.PositiveBigIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = GpuSlotQuerySet.as_manager()

    class Meta:
        ordering = ["stage", "gpu", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(stage="tts", backend__in=["espeak", "fish_speech"])
                    | Q(stage="video", backend__in=["dub", "heygem"])
                ),
                name="slot_backend_matches_stage",
            ),
        ]

    def __str__(self):
        return self.name

    def config(self) -> SlotConfig:
        """What an engine may know of this slot: a frozen copy, never the row."""
        return SlotConfig(
            name=self.name,
            backend=self.backend,
            base_url=self.base_url,
            data_dir=self.data_dir,
            container_data_dir=self.container_data_dir,
            orphan_code=self.orphan_code,
            seconds_per_audio_second=self.seconds_per_audio_second,
        )

    @property
    def is_embedded(self) -> bool:
        return self.backend in self.EMBEDDED_BACKENDS

    # Every word ``state`` can answer.
    STATES = ("disabled", "unhealthy", "paused", "draining", "busy", "engine busy", "idle")

    @property
    def active_pause(self) -> "Pause | None":
        """The operator's hold on this slot now, or None. Read with the slots when they
        come from ``GpuSlot.objects.with_pause()`` (every listing does); one query otherwise."""
        pauses = getattr(self, "active_pauses", None)
        if pauses is None:
            pauses = list(Pause.objects.active().filter(slot_id=self.pk))
        return pauses[0] if pauses else None

    @property
    def state(self) -> str:
        """What the dashboard shows: one word for the slot's condition.

        A paused slot says so even while it finishes its last stage (its current job
        shows beside it): what an operator needs to know is that it takes nothing new.
        """
        if not self.enabled:
            return "disabled"
        if not self.healthy:
            return "unhealthy"
        if self.active_pause is not None:
            return "paused"
        if self.lease_until is not None:
            return "draining" if self.draining else "busy"
        if self.engine_busy:
            return "engine busy"
        return "draining" if self.draining else "idle"


class EngineAnswerCount(models.Model):
    """How often a slot's engine gave one kind of answer: ``heygem_engine_answers_total``.

    Stage and probe workers, on any host, count answers in memory and add them here
    (``slot_answers_record``: one ``count = count + n`` per kind, at a lease renewal
    and when the stage or probe ends), so the web process exports every host's counts.
    A row per (slot, caller, path, status, code): a few dozen per slot at most.
    """

    class Caller(models.TextChoices):
        STAGE = "stage", "A stage (voice preparation, synthesis, render)"
        PROBE = "probe", "A health probe"

    slot = models.ForeignKey(GpuSlot, on_delete=models.CASCADE, related_name="answer_counts")
    caller = models.CharField(max_length=8, choices=Caller.choices)
    path = models.CharField(max_length=64, help_text="The engine endpoint called.")
    status = models.CharField(
        max_length=24, help_text="The HTTP status, or how the call failed without one."
    )
    code = models.CharField(
        max_length=16, blank=True, help_text="The engine's own code in its JSON answer."
    )
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index of the increment's WHERE.
            models.UniqueConstraint(
                fields=["slot", "caller", "path", "status", "code"], name="one_count_per_answer"
            ),
        ]

    def __str__(self):
        return f"{self.slot_id} {self.path} {self.status} {self.code}: {self.count}"


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        SYNTHESIZING = "synthesizing"
        # Stopped after TTS until the owner approves the speech (review before render).
        SPEECH_REVIEW = "speech_review", "Speech ready for review"
        AUDIO_READY = "audio_ready", "Audio ready"
        RENDERING = "rendering"
        # A long job split into child jobs (its segments); it holds no slot itself and
        # is never bound: it ends when its segments are joined (or one fails for good).
        SEGMENTED = "segmented", "Rendering in segments"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELED = "canceled"

    LIVE_STATUSES = (
        Status.QUEUED,
        Status.SYNTHESIZING,
        Status.SPEECH_REVIEW,
        Status.AUDIO_READY,
        Status.RENDERING,
        Status.SEGMENTED,
    )
    # Live jobs with a slot still to wait for: a new priority moves them in the queue.
    PRIORITY_CHANGEABLE_STATUSES = (
        Status.QUEUED,
        Status.SYNTHESIZING,
        Status.SPEECH_REVIEW,
        Status.AUDIO_READY,
        Status.SEGMENTED,
    )
    # Ended jobs a user may run again, from the stage they stopped in.
    RETRYABLE_STATUSES = (Status.FAILED, Status.CANCELED)
    PRIORITY_MIN, PRIORITY_MAX = PRIORITY_MIN, PRIORITY_MAX  # the module's, for callers
    # Statuses in which a job waits for a slot of the given stage.
    WAITING_FOR: dict[str, str] = {
        GpuSlot.Stage.TTS: Status.QUEUED,
        GpuSlot.Stage.VIDEO: Status.AUDIO_READY,
    }
    # Statuses in which a job holds a slot of the given stage.
    RUNNING_IN: dict[str, str] = {
        GpuSlot.Stage.TTS: Status.SYNTHESIZING,
        GpuSlot.Stage.VIDEO: Status.RENDERING,
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    text = models.TextField()
    spoken_text = models.TextField()
    voice = models.ForeignKey(
        "voices.Voice", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    # Storage names (jobs/storage.py); media is served only through owner-checked views.
    speaker_video = models.CharField(max_length=500, blank=True)
    speech_audio = models.CharField(max_length=500, blank=True)
    result_video = models.CharField(max_length=500, blank=True)
    audio_seconds = models.FloatField(null=True, blank=True)
    # The text spoken as SSML: [[words, seconds of silence after them], …] between
    # <break>s and paragraphs (empty for plain text, which is spoken_text in one piece).
    speech_plan = models.JSONField(default=list, blank=True)
    # The pronunciation lexicons the spoken text was made with: {"site": 3, "own": 7}.
    lexicon_versions = models.JSONField(default=dict, blank=True)
    review = models.BooleanField(
        default=False, help_text="Stop after the speech until the owner approves it."
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # What the progress figure is made of, in words: the engine's own figure and
    # the elapsed time against the expected one (HeyGem sits at 20 % for most of a render).
    progress_detail = models.CharField(max_length=200, blank=True)
    priority = models.SmallIntegerField(
        default=0, help_text=f"Higher runs first ({PRIORITY_MIN} … {PRIORITY_MAX})."
    )
    attempt = models.PositiveSmallIntegerField(default=0, help_text="Failed stage attempts.")
    reclaims = models.PositiveSmallIntegerField(
        default=0, help_text="Stages taken back from a worker that died (not failed attempts)."
    )
    max_attempts = models.PositiveSmallIntegerField(default=3)
    not_before = models.DateTimeField(null=True, blank=True, help_text="Retry backoff.")

    tts_slot = models.ForeignKey(
        GpuSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="tts_jobs"
    )
    video_slot = models.ForeignKey(
        GpuSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="video_jobs"
    )
    avoid_slot = models.ForeignKey(
        GpuSlot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The slot the last attempt failed on; retries prefer another.",
    )
    # The fence of the slot binding this job holds now; with the slot id it
    # identifies one binding for good.
    fence = models.PositiveBigIntegerField(default=0)
    engine_code = models.CharField(
        max_length=64, blank=True, help_text="Engine task id of the current render attempt."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    tts_started_at = models.DateTimeField(null=True, blank=True)
    tts_finished_at = models.DateTimeField(null=True, blank=True)
    render_started_at = models.DateTimeField(null=True, blank=True)
    render_finished_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # A segment of a long job (docs/architecture.md, "Segments"): its parent and place.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="segments"
    )
    segment_index = models.PositiveSmallIntegerField(null=True, blank=True)
    # [[spoken text, seconds], ...] for each TTS chunk as it lies in the speech (its
    # pause included): what the subtitles are timed from.
    speech_timing = models.JSONField(default=list, blank=True)
    burn_subtitles = models.BooleanField(
        default=False, help_text="Burn the subtitles into the picture."
    )

    error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    # sha256 of what the keyed request asked for (jobs.idempotency): a key reused
    # for a different request is refused instead of answered with this job.
    request_fingerprint = models.CharField(max_length=64, blank=True)
    callback_url = models.URLField(blank=True)
    # Retention (jobs.services.retention): a pinned job keeps its media for good;
    # a purged one has none left and cannot be run again.
    pinned = models.BooleanField(default=False, help_text="Keep this job's media for good.")
    media_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The dispatcher's query: waiting jobs in priority, then age order.
            models.Index(
                fields=["status", "-priority", "created_at"],
                name="job_waiting_idx",
                condition=Q(status__in=["queued", "audio_ready"]),
            ),
            # History pages: one owner's jobs, newest first.
            models.Index(fields=["owner", "-created_at"], name="job_owner_recent_idx"),
            # Metrics and ETAs: the jobs that finished lately.
            models.Index(fields=["finished_at"], name="job_finished_idx"),
        ]
        constraints = [
            # A slot runs one job: even buggy code cannot bind a second one.
            models.UniqueConstraint(
                fields=["tts_slot"],
                condition=Q(status="synthesizing"),
                name="one_synthesizing_job_per_slot",
            ),
            models.UniqueConstraint(
                fields=["video_slot"],
                condition=Q(status="rendering"),
                name="one_rendering_job_per_slot",
            ),
            models.UniqueConstraint(
                fields=["parent", "segment_index"],
                condition=Q(parent__isnull=False),
                name="one_job_per_segment_index",
            ),
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="job_idempotency_key_per_owner",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_max_100"),
            models.CheckConstraint(
                condition=Q(priority__gte=PRIORITY_MIN, priority__lte=PRIORITY_MAX),
                name="job_priority_range",
            ),
        ]

    def __str__(self):
        return f"Job {self.id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def priority_changeable(self) -> bool:
        return self.status in self.PRIORITY_CHANGEABLE_STATUSES

    @property
    def is_segment(self) -> bool:
        return self.parent_id is not None

    @property
    def is_retryable(self) -> bool:
        return self.status in self.RETRYABLE_STATUSES and self.media_purged_at is None

    @property
    def tts_seconds(self) -> float | None:
        return _seconds_between(self.tts_started_at, self.tts_finished_at)

    @property
    def render_seconds(self) -> float | None:
        return _seconds_between(self.render_started_at, self.render_finished_at)

    @property
    def total_seconds(self) -> float | None:
        return _seconds_between(self.created_at, self.finished_at)


def _seconds_between(start, end) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


class JobEvent(models.Model):
    """The timeline of a job; history pages and timing charts are drawn from it."""

    class Kind(models.TextChoices):
        CREATED = "created", "Queued"
        VOICE = "voice", "Voice chosen"
        TTS_STARTED = "tts_started", "Speech started"
        TTS_RESUMED = "tts_resumed", "Speech resumed"
        TTS_FINISHED = "tts_finished", "Speech ready"
        VIDEO_STARTED = "video_started", "Render started"
        VIDEO_RESUMED = "video_resumed", "Render resumed"
        RENDER_FINISHED = "render_finished", "Render finished"
        SPEECH_REVIEW = "speech_review", "Speech ready for review"
        APPROVED = "approved", "Speech approved"
        RESPOKEN = "respoken", "Speech asked for again"
        SEGMENTED = "segmented", "Split into segments"
        SEGMENT_READY = "segment_ready", "Segment ready"
        JOIN_STARTED = "join_started", "Joining segments"
        JOINED = "joined", "Segments joined"
        ENGINE = "engine", "Engine"
        ENGINE_BUSY = "engine_busy", "Engine busy"
        RETRY = "retry", "Attempt failed"
        RECLAIMED = "reclaimed", "Worker lost"
        HANDED_BACK = "handed_back", "Worker stopped"
        RETRIED = "retried", "Retried"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"
        CALLBACK_SENT = "callback_sent", "Webhook delivered"
        CALLBACK_FAILED = "callback_failed", "Webhook failed"
        PRIORITY = "priority", "Priority changed"
        PURGED = "purged", "Media purged"
        PINNED = "pinned", "Pinned"
        UNPINNED = "unpinned", "Unpinned"

    # A stage holds its slot from one of these events …
    STAGE_STARTS = (Kind.TTS_STARTED, Kind.TTS_RESUMED, Kind.VIDEO_STARTED, Kind.VIDEO_RESUMED)
    # … to the job's next one of these.
    STAGE_ENDS = (
        Kind.TTS_FINISHED,
        Kind.RENDER_FINISHED,
        Kind.RETRY,
        Kind.FAILED,
        Kind.ENGINE_BUSY,
        Kind.RECLAIMED,
        Kind.CANCELED,
    )
    # The last event of a job: its webhook follows.
    ENDINGS = (Kind.SUCCEEDED, Kind.FAILED, Kind.CANCELED)

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.TextField(blank=True)
    slot = models.ForeignKey(GpuSlot, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # A job's timeline.
            models.Index(fields=["job", "at"], name="jobevent_job_at_idx"),
            # The dashboard's utilization chart: every event of the last hours.
            models.Index(fields=["at"], name="jobevent_at_idx"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.message}"


class OwnerLimits(models.Model):
    """One owner's own caps and retention, where they differ from the settings.

    Empty fields use the setting (``HEYGEM_CAP_*``, ``HEYGEM_RETENTION_DAYS``);
    0 means no cap (for retention: keep for good). jobs.services.limits reads them.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="limits"
    )
    max_running = models.PositiveIntegerField(
        null=True, blank=True, help_text="Jobs holding a GPU slot at once (empty: the setting)."
    )
    max_queued = models.PositiveIntegerField(
        null=True, blank=True, help_text="Jobs waiting for a slot (empty: the setting)."
    )
    max_chars_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="Text characters submitted in 24 h (empty: the setting)."
    )
    retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days finished media is kept (empty: the setting)."
    )

    class Meta:
        verbose_name = "owner limits"
        verbose_name_plural = "owner limits"

    def __str__(self):
        return f"Limits of {self.owner}"


class Batch(models.Model):
    """Many jobs submitted at once (a CSV or JSON list of rows); its status is its jobs'."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches"
    )
    title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="batch_owner_recent_idx")]

    def __str__(self):
        return f"Batch {self.id}"


class BatchItem(models.Model):
    """One row of a batch and the job it became."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="batch_item")
    row = models.PositiveIntegerField(help_text="1: the first row under the header.")
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["batch", "row"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row"], name="one_item_per_batch_row")
        ]

    def __str__(self):
        return f"Row {self.row} of {self.batch_id}"


class PauseQuerySet(models.QuerySet):
    def active(self) -> "PauseQuerySet":
        return self.filter(resumed_at__isnull=True)


class Pause(models.Model):
    """An operator's hold on the whole queue, one owner's jobs or one slot.

    While a row is active (``resumed_at`` empty) the dispatcher binds no new stage in
    its scope; running stages finish and waiting jobs keep their place. Rows are kept
    after the resume: they are the record of who held what, when and why. Written only
    by jobs.services.pauses.
    """

    class Scope(models.TextChoices):
        QUEUE = "queue", "The whole queue"
        OWNER = "owner", "One owner's jobs"
        SLOT = "slot", "One slot"

    REASON_MAX = 200

    scope = models.CharField(max_length=8, choices=Scope.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="pauses", help_text="Whose jobs (scope: owner).",
    )  # fmt: skip
    slot = models.ForeignKey(
        GpuSlot, null=True, blank=True, on_delete=models.CASCADE, related_name="pauses",
        help_text="Which slot (scope: slot).",
    )  # fmt: skip
    reason = models.CharField(max_length=REASON_MAX, blank=True)
    # Who, as a name kept in words (a user may be deleted; a shell has no user).
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    paused_by_name = models.CharField(max_length=150)
    paused_at = models.DateTimeField(default=timezone.now)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    resumed_by_name = models.CharField(max_length=150, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)

    objects = PauseQuerySet.as_manager()

    class Meta:
        ordering = ["-paused_at", "-id"]
        constraints = [
            # One hold per target at a time: two operators pausing at once make one row,
            # and a resume ends the pause for good (NULLs equal: one queue pause).
            models.UniqueConstraint(
                fields=["scope", "owner", "slot"],
                condition=Q(resumed_at__isnull=True),
                nulls_distinct=False,
                name="one_active_pause_per_target",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope="queue", owner__isnull=True, slot__isnull=True)
                    | Q(scope="owner", owner__isnull=False, slot__isnull=True)
                    | Q(scope="slot", owner__isnull=True, slot__isnull=False)
                ),
                name="pause_target_matches_scope",
            ),
        ]

    def __str__(self):
        return f"{self.target} paused by {self.paused_by_name}"

    @property
    def is_active(self) -> bool:
        return self.resumed_at is None

    @property
    def target(self) -> str:
        """What is held, in words (needs ``owner``/``slot`` loaded for those scopes)."""
        if self.scope == self.Scope.OWNER:
            return f"{self.owner}'s jobs"
        if self.scope == self.Scope.SLOT:
            return f"slot {self.slot}"
        return "the queue"
