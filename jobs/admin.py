"""Operator admin: every model, useful columns and filters; actions call the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import format_html

from . import services
from .models import Batch, BatchItem, GpuSlot, Host, Job, JobEvent, OwnerLimits, Pause


class JobEventInline(admin.TabularInline):
    model = JobEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "message", "slot")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def seconds(value) -> str:
    return "–" if value is None else f"{value:.1f} s"


def backend_filter(title: str):
    """The backend filter of one stage's slot, titled so the two are told apart."""

    class BackendFilter(admin.ChoicesFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return BackendFilter


def media_link(job: Job, kind: str, name: str):
    if not name:
        return "–"
    url = reverse("job-media", args=[job.pk, kind])
    return format_html('<a href="{}">{}</a>', url, name)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "short_id",
        "owner",
        "short_text",
        "status",
        "progress",
        "priority",
        "attempt",
        "tts_time",
        "render_time",
        "tts_slot",
        "video_slot",
        "created_at",
    )
    list_filter = (
        "status",
        "priority",
        "pinned",
        ("tts_slot__backend", backend_filter("speech backend")),
        ("video_slot__backend", backend_filter("video backend")),
        "created_at",
    )
    search_fields = ("id", "text", "owner__username", "error")
    list_select_related = ("owner", "tts_slot", "video_slot")
    date_hierarchy = "created_at"
    # Operators change a job's priority and attempt budget; everything else is
    # state the services own (bindings, fences, files), so it is shown, not edited.
    editable_fields = ("priority", "max_attempts")

    inlines = [JobEventInline]
    actions = ["cancel", "retry", "pin", "unpin"]

    # Shown as links to the owner-checked media views instead of bare storage names.
    media_fields = {"speaker_video": "speaker", "speech_audio": "speech", "result_video": "result"}

    def has_add_permission(self, request):
        # Jobs come from the submit page, the API or `manage.py generate`: they need
        # normalization, uploads and a dispatch that a bare admin form would skip.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [
            f"{f.name}_link" if f.name in self.media_fields else f.name
            for f in Job._meta.fields
            if f.name not in self.editable_fields
        ]
        return [*fields, "page_link"]

    def get_fields(self, request, obj=None):
        return [*self.editable_fields, *self.get_readonly_fields(request, obj)]

    def save_model(self, request, obj, form, change):
        # Only the fields an operator edits are written: the rest of the row belongs to the
        # workers, and a whole-row save would overwrite what they wrote since the form loaded.
        if "max_attempts" in form.changed_data:
            obj.save(update_fields=["max_attempts"])
        if "priority" in form.changed_data:
            priority = form.cleaned_data["priority"]
            by = request.user.get_username()
            if not services.job_set_priority(job=obj, priority=priority, by_name=by):
                self.message_user(
                    request, f"The job is {obj.status}: its priority no longer moves it.",
                    messages.WARNING,
                )  # fmt: skip

    @admin.display(description="Speaker video")
    def speaker_video_link(self, job):
        return media_link(job, "speaker", job.speaker_video)

    @admin.display(description="Speech audio")
    def speech_audio_link(self, job):
        return media_link(job, "speech", job.speech_audio)

    @admin.display(description="Result video")
    def result_video_link(self, job):
        return media_link(job, "result", job.result_video)

    @admin.display(description="Job", ordering="id")
    def short_id(self, job):
        return str(job.pk)[:8]

    @admin.display(description="Text")
    def short_text(self, job):
        return job.text if len(job.text) <= 50 else job.text[:49] + "…"

    @admin.display(description="Speech")
    def tts_time(self, job):
        return seconds(job.tts_seconds)

    @admin.display(description="Render")
    def render_time(self, job):
        return seconds(job.render_seconds)

    @admin.display(description="Page")
    def page_link(self, job):
        return format_html(
            '<a href="{}">Open the job page</a>', reverse("job-detail", args=[job.pk])
        )

    @admin.action(description="Cancel selected jobs")
    def cancel(self, request, queryset):
        done = sum(
            services.job_cancel(job=job, reason="Canceled by an operator.") for job in queryset
        )
        self.message_user(request, f"Canceled {done} job(s).", messages.SUCCESS)

    @admin.action(description="Retry selected failed or canceled jobs")
    def retry(self, request, queryset):
        done = sum(services.job_retry(job=job) for job in queryset)
        skipped = queryset.count() - done
        level = messages.SUCCESS if not skipped else messages.WARNING
        self.message_user(request, f"Retried {done} job(s); {skipped} could not be.", level)

    @admin.action(description="Pin selected jobs (keep their media for good)")
    def pin(self, request, queryset):
        done = sum(services.job_pin(job=job, pinned=True) for job in queryset)
        self.message_user(request, f"Pinned {done} job(s).", messages.SUCCESS)

    @admin.action(description="Unpin selected jobs (purged in their time)")
    def unpin(self, request, queryset):
        done = sum(services.job_pin(job=job, pinned=False) for job in queryset)
        self.message_user(request, f"Unpinned {done} job(s).", messages.SUCCESS)


@admin.register(OwnerLimits)
class OwnerLimitsAdmin(admin.ModelAdmin):
    """An owner's own caps and retention; empty fields use the settings."""

    list_display = ("owner", "max_running", "max_queued", "max_chars_per_day", "retention_days")
    search_fields = ("owner__username",)
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)


class BatchItemInline(admin.TabularInline):
    model = BatchItem
    extra = 0
    can_delete = False
    fields = ("row", "title", "job")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "title", "created_at")
    search_fields = ("id", "title", "owner__username")
    list_select_related = ("owner",)
    readonly_fields = ("id", "owner", "title", "created_at")
    inlines = [BatchItemInline]
    actions = ["cancel", "retry"]

    def has_add_permission(self, request):
        return False  # batches come from the API, the batch page or `manage.py batch`

    @admin.action(description="Cancel every live job of the selected batches")
    def cancel(self, request, queryset):
        done = sum(services.batch_cancel(batch=batch) for batch in queryset)
        self.message_user(request, f"Canceled {done} job(s).", messages.SUCCESS)

    @admin.action(description="Retry the failed and canceled jobs of the selected batches")
    def retry(self, request, queryset):
        try:
            done = sum(services.batch_retry(batch=batch) for batch in queryset)
        except services.SubmitRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Retried {done} job(s).", messages.SUCCESS)


@admin.register(JobEvent)
class JobEventAdmin(admin.ModelAdmin):
    list_display = ("at", "job", "kind", "message", "slot")
    list_filter = ("kind", "slot")
    search_fields = ("job__id", "message")
    list_select_related = ("job", "slot")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def current_job_subquery():
    """The job holding each slot's current binding, in the same query as the slots."""
    return Subquery(
        Job.objects.filter(
            Q(status=Job.Status.SYNTHESIZING, tts_slot=OuterRef("pk"))
            | Q(status=Job.Status.RENDERING, video_slot=OuterRef("pk")),
            fence=OuterRef("fence"),
        ).values("pk")[:1]
    )


class GpuSlotForm(forms.ModelForm):
    """Checks a slot as ``slots add`` does (backend for the stage, data dir usable)."""

    # Engines are plain HTTP on the box or the LAN.
    base_url = forms.URLField(required=False, assume_scheme="http", label="Base URL")

    class Meta:
        model = GpuSlot
        fields = ("name", "stage", "backend", *services.SLOT_CONFIG_FIELDS)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.slot_check(
                slot=self.instance, **{f: data.get(f, "") for f in services.SLOT_CONFIG_FIELDS}
            )
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict) from exc
        return data


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    """Each box's `manage.py workers`, as it reports itself every second: read-only."""

    list_display = ("name", "working", "stage_workers", "seen_at", "started_at", "pid", "stopping")
    readonly_fields = ("name", "stopping", "pid", "stage_workers", "started_at", "seen_at")

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description="Working")
    def working(self, host):
        return not Host.objects.not_working().filter(pk=host.pk).exists()


@admin.register(GpuSlot)
class GpuSlotAdmin(admin.ModelAdmin):
    form = GpuSlotForm
    list_display = (
        "name",
        "stage",
        "backend",
        "gpu",
        "host",
        "state",
        "current_job",
        "enabled",
        "healthy",
        "consecutive_failures",
        "last_probe_at",
        "last_error",
    )
    list_filter = ("host", "stage", "backend", "enabled", "healthy", "draining", "engine_busy")
    search_fields = ("name", "gpu", "base_url")
    # State (lease, health, quarantine) changes only through the slot services:
    # the actions below, the stages and the sweep.
    state_fields = (
        "enabled",
        "draining",
        "healthy",
        "engine_busy",
        "orphan_code",
        "lease_until",
        "fence",
        "last_probe_at",
        "last_error",
        "seconds_per_audio_second",
        "seconds_per_char",
        "speed_samples",
        "consecutive_failures",
    )
    actions = ["enable", "disable", "drain", "pause", "resume", "probe"]

    def get_readonly_fields(self, request, obj=None):
        identity = ("name", "stage", "backend") if obj is not None else ()
        return (*identity, *self.state_fields, "paused")

    @admin.display(description="Paused")
    def paused(self, slot):
        pause = slot.active_pause
        if pause is None:
            return "–"
        why = f" ({pause.reason})" if pause.reason else ""
        return f"by {pause.paused_by_name} since {pause.paused_at:%Y-%m-%d %H:%M} UTC{why}"

    def save_model(self, request, obj, form, change):
        config = {field: form.cleaned_data.get(field, "") for field in services.SLOT_CONFIG_FIELDS}
        if change:
            services.slot_update(slot=obj, **config)
        else:
            created = services.slot_create(
                name=obj.name, stage=obj.stage, backend=obj.backend, **config
            )
            obj.pk = created.pk

    def get_queryset(self, request):
        slots = super().get_queryset(request).with_pause()  # type: ignore[attr-defined]
        return slots.annotate(current_job_id=current_job_subquery())

    @admin.display(description="Current job")
    def current_job(self, slot):
        if not slot.current_job_id:
            return "–"
        url = reverse("admin:jobs_job_change", args=[slot.current_job_id])
        return format_html('<a href="{}">{}</a>', url, str(slot.current_job_id)[:8])

    @admin.action(description="Enable selected slots")
    def enable(self, request, queryset):
        for slot in queryset:
            services.slot_set_enabled(slot=slot, enabled=True)
        self.message_user(request, f"Enabled {len(queryset)} slot(s).", messages.SUCCESS)

    @admin.action(description="Disable selected slots")
    def disable(self, request, queryset):
        for slot in queryset:
            services.slot_set_enabled(slot=slot, enabled=False)
        self.message_user(request, f"Disabled {len(queryset)} slot(s).", messages.SUCCESS)

    @admin.action(description="Drain selected slots (finish the current job, then disable)")
    def drain(self, request, queryset):
        for slot in queryset:
            services.slot_drain(slot=slot)
        self.message_user(request, f"Draining {len(queryset)} slot(s).", messages.SUCCESS)

    @admin.action(description="Pause selected slots (finish the current stage, take no new one)")
    def pause(self, request, queryset):
        by, done = request.user, 0
        for slot in queryset:
            try:
                services.slot_pause(slot=slot, by=by)
                done += 1
            except services.PauseConflict as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, f"Paused {done} slot(s).", messages.SUCCESS)

    @admin.action(description="Resume selected paused slots")
    def resume(self, request, queryset):
        by, done = request.user, 0
        for slot in queryset:
            try:
                services.slot_resume(slot=slot, by=by)
                done += 1
            except services.PauseConflict as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, f"Resumed {done} slot(s).", messages.SUCCESS)

    @admin.action(description="Probe selected slots")
    def probe(self, request, queryset):
        for slot in queryset:
            error = services.slot_probe(slot=slot)
            level = messages.ERROR if error else messages.SUCCESS
            self.message_user(request, f"Probed {slot.name}: {error or 'ok'}", level)


class PauseForm(forms.ModelForm):
    """Pause the queue, one owner's jobs or one slot: the target must match the scope."""

    class Meta:
        model = Pause
        fields = ("scope", "owner", "slot", "reason")

    def clean(self):
        data = super().clean()
        scope, owner, slot = data.get("scope"), data.get("owner"), data.get("slot")
        if scope == Pause.Scope.OWNER and (owner is None or slot is not None):
            raise forms.ValidationError("To pause an owner's jobs, choose the owner (no slot).")
        if scope == Pause.Scope.SLOT and (slot is None or owner is not None):
            raise forms.ValidationError("To pause a slot, choose the slot (no owner).")
        if scope == Pause.Scope.QUEUE and (owner is not None or slot is not None):
            raise forms.ValidationError("The whole queue takes no owner and no slot.")
        held = Pause.objects.active().filter(scope=scope, owner=owner, slot=slot).first()
        if scope and held is not None:
            raise forms.ValidationError(
                f"{held.target[:1].upper()}{held.target[1:]} is paused already, by "
                f"{held.paused_by_name}."
            )
        return data


@admin.register(Pause)
class PauseAdmin(admin.ModelAdmin):
    """Add one to pause; the action "Resume" ends it. Ended pauses stay as the record."""

    form = PauseForm
    list_display = ("target_shown", "reason", "paused_by_name", "paused_at", "active",
                    "resumed_by_name", "resumed_at")  # fmt: skip
    list_filter = ("scope", ("resumed_at", admin.EmptyFieldListFilter))
    search_fields = ("owner__username", "slot__name", "paused_by_name", "reason")
    list_select_related = ("owner", "slot")
    raw_id_fields = ("owner",)
    actions = ["resume"]
    state_fields = ("paused_by_name", "paused_at", "resumed_by_name", "resumed_at")

    def get_readonly_fields(self, request, obj=None):
        # A pause is changed only by ending it: as it was made, it stays on record.
        return ("scope", "owner", "slot", "reason", *self.state_fields) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Paused", ordering="scope")
    def target_shown(self, pause):
        return pause.target

    @admin.display(description="Holds", boolean=True)
    def active(self, pause):
        return pause.is_active

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing of a pause is edited (every field is read-only then)
        made = services.pause_create(scope=obj.scope, owner=obj.owner, slot=obj.slot,
                                     by=request.user, reason=obj.reason)  # fmt: skip
        obj.pk, obj.paused_at, obj.paused_by_name = made.pk, made.paused_at, made.paused_by_name

    @admin.action(description="Resume the selected pauses")
    def resume(self, request, queryset):
        done = 0
        for pause in queryset.active().select_related("owner", "slot"):
            services.pause_end(pause=pause, by=request.user)
            done += 1
        self.message_user(request, f"Resumed {done} pause(s).", messages.SUCCESS)
