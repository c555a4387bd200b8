"""Server-rendered pages: submit, history, job detail with live progress, GPU dashboard."""

import mimetypes
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from heygem_site.pages import form_response, too_many_submissions
from voices.services import voice_save_from_job

from . import charts, live, selectors, services, storage
from .downloads import stored_file_response
from .forms import JobFilterForm, JobSubmitForm
from .gpus import gpu_readings
from .media import MediaError
from .models import GpuSlot
from .thumbnails import thumbnail_name

# kind in the URL -> (field, content type; None: by the file's suffix)
MEDIA_FIELDS = {
    "result": ("result_video", "video/mp4"),
    "speech": ("speech_audio", "audio/wav"),
    "speaker": ("speaker_video", None),
}


@login_required
def job_submit(request):
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    notices = selectors.embedded_notices()
    can_clone = selectors.NO_VOICE_CLONING not in notices
    form = JobSubmitForm(*data, user=request.user, can_clone_voices=can_clone)
    wait, refused = None, None
    if request.method == "POST" and form.is_valid():
        wait = too_many_submissions(request, form)
        if wait is None:
            try:
                job = services.job_create(owner=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except services.SubmitRefused as exc:
                form.add_error(None, str(exc))
                refused = exc
            else:
                return redirect("job-detail", pk=job.pk)
    context = {
        "form": form,
        "notices": notices,
        "max_upload_bytes": settings.HEYGEM["MAX_UPLOAD_BYTES"],
    }
    return form_response(request, "jobs/job_submit.html", context, wait, refused)


@login_required
def job_list(request):
    filters = JobFilterForm(request.GET)
    jobs = selectors.jobs_filtered(user=request.user, **filters.filters())
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "filters": filters})


def live_context(job, user) -> dict:
    details = selectors.job_details(job)
    now = timezone.now()
    if details.segments:
        by_segment = selectors.segment_events(job)
        chart = charts.segmented_bars(
            details.events, [by_segment.get(s.pk, []) for s in details.segments],
            now=now, live=job.is_live,
        )  # fmt: skip
    else:
        chart = charts.phase_bars(charts.job_phases(details.events, now=now, live=job.is_live))
    tag = selectors.job_watch_tag(user=user, pk=job.pk)
    return {"job": job, "details": details, "chart": chart, "watch_tag": tag,
            "max_text_chars": settings.HEYGEM["MAX_TEXT_CHARS"]}  # fmt: skip


def voice_to_keep(job, user):
    """The job's own voice (from its speaker video) when its owner has not kept it yet.

    Not offered when speech comes from espeak, which cannot clone a voice.
    """
    voice = job.voice
    if voice is None or voice.saved or voice.owner_id != user.pk or job.owner_id != user.pk:
        return None
    if selectors.NO_VOICE_CLONING in selectors.embedded_notices(job):
        return None
    return voice


@login_required
def job_detail(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user).select_related("voice"), pk=pk)
    context = {**live_context(job, request.user), "voice_to_keep": voice_to_keep(job, request.user)}
    return render(request, "jobs/job_detail.html", context)


@login_required
def job_live(request, pk):
    """The live part of the detail page, for static/js/job-live.js.

    Long polling: the script sends the last ETag and ``Prefer: wait=25``; the
    answer comes when the job changes (the fragment) or after 25 s (304).
    """
    watch = live.held_until_changed(
        request.headers, lambda: selectors.job_watch_tag(user=request.user, pk=pk),
        limit=settings.HEYGEM["WATCH_MAX_SECONDS"], max_held=settings.HEYGEM["WATCH_MAX_HELD"],
    )  # fmt: skip
    if watch.tag is None:
        raise Http404
    if watch.unchanged:
        response = HttpResponseNotModified()
    else:
        job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
        response = render(request, "jobs/_job_live.html", live_context(job, request.user))
    return live.watched(response, watch)


@require_POST
@login_required
def job_cancel(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    if services.job_cancel(job=job):
        messages.success(request, "The job was canceled.")
    else:
        messages.error(
            request, f"The job is {job.get_status_display().lower()}: nothing to cancel."
        )
    return redirect("job-detail", pk=job.pk)


@require_POST
@login_required
def job_retry(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    if services.job_retry(job=job):
        messages.success(request, "The job was queued again.")
    else:
        messages.error(request, "Only failed or canceled jobs can be retried.")
    return redirect("job-detail", pk=job.pk)


@require_POST
@login_required
def job_approve(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    if services.job_approve(job=job):
        messages.success(request, "Speech approved: the video renders next.")
    else:
        messages.error(request, "Only speech under review can be approved.")
    return redirect("job-detail", pk=job.pk)


@require_POST
@login_required
def job_respeak(request, pk):
    """Speak again: the posted text (when changed) with the lexicons as they are now."""
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    text = request.POST.get("text")
    try:
        done = services.job_respeak(job=job, text=text if text and text.strip() else None)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, "Speaking again.")
        else:
            messages.error(request, "Only speech under review can be spoken again.")
    return redirect("job-detail", pk=job.pk)


@require_POST
@login_required
def job_pin(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    pinned = request.POST.get("pinned") == "1"
    if services.job_pin(job=job, pinned=pinned):
        messages.success(request, "Pinned: kept for good." if pinned else "Unpinned.")
    elif job.media_purged_at is not None:
        messages.error(request, "The job's media was purged already.")
    return redirect("job-detail", pk=job.pk)


@require_POST
@login_required
def job_save_voice(request, pk):
    """Keep the voice taken from the job's speaker video as one of the owner's voices."""
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk, owner=request.user)
    try:
        voice = voice_save_from_job(job=job, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Voice “{voice.name}” saved: choose it for your next video.")
    return redirect("job-detail", pk=job.pk)


@login_required
def job_media(request, pk, kind):
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    field, content_type = MEDIA_FIELDS.get(kind, (None, None))
    name = getattr(job, field, "") if field else ""
    return stored_file_response(
        request,
        name,
        content_type=content_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        filename=f"heygem-{job.pk}{Path(name).suffix}",
        as_attachment="download" in request.GET,
    )


def dashboard_context(request) -> dict:
    now = timezone.now()
    since = now - timedelta(hours=1)
    slots = selectors.slots_with_current_job()
    spans = selectors.slot_busy_intervals(since=since, until=now)
    for slot in slots:
        slot.bars, slot.busy_percent = charts.utilization_bars(
            spans.get(slot.pk, []), since=since, until=now
        )
        job, user = slot.current_job, request.user
        slot.job_visible = job is not None and (user.is_staff or job.owner_id == user.pk)
    readings = gpu_readings()
    gpus = None if readings is None else [
        (reading, [s.name for s in slots if s.gpu == reading.label]) for reading in readings
    ]  # fmt: skip
    volumes = selectors.disk_volumes()
    low = settings.HEYGEM["DISK_LOW_BYTES"]
    # A store that is not a local disk (object storage) has no free space to warn about.
    media_free = next((v.free_bytes for v in volumes if v.label == "media"), low)
    return {
        "slots": slots,
        "gpus": gpus,
        "volumes": volumes,
        "media_store": "" if storage.is_local() else storage.describe(),
        "alerts": selectors.dashboard_alerts(slots, disk_free_bytes=media_free, disk_low_bytes=low),
        "queue": selectors.queue_summary(),
        "ticks": charts.hour_ticks(timezone.localtime(since)),
        "refreshed_at": now,
    }


@login_required
def job_thumbnail(request, pk):
    job = get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    try:
        name = thumbnail_name(job)
    except MediaError:
        name = None  # an unreadable video: the history row shows no picture
    if name is None:
        raise Http404("No video yet.")
    return stored_file_response(request, name, content_type="image/jpeg", filename="thumb.jpg")


@login_required
def job_rows(request):
    """Status and progress of the history rows still running, for static/js/history-live.js."""
    ids = [part for part in request.GET.get("ids", "").split(",") if part][:100]
    try:
        jobs = selectors.jobs_visible_to(request.user).filter(pk__in=ids)
        rows = [
            {"id": str(job.pk), "status": job.status, "label": job.get_status_display(),
             "progress": job.progress, "live": job.is_live}
            for job in jobs
        ]  # fmt: skip
    except ValidationError:
        return JsonResponse({"error": "ids must be job ids, comma-separated"}, status=400)
    return JsonResponse({"rows": rows})


@login_required
def slot_dashboard(request):
    return render(request, "jobs/slots.html", dashboard_context(request))


@login_required
def slot_dashboard_live(request):
    """The live part of the dashboard, re-rendered for static/js/dashboard-live.js."""
    return render(request, "jobs/_slots_live.html", dashboard_context(request))


SLOT_ACTIONS = {
    "drain": lambda slot, user: services.slot_drain(slot=slot),
    "enable": lambda slot, user: services.slot_set_enabled(slot=slot, enabled=True),
    "probe": lambda slot, user: services.slot_probe(slot=slot),
    "pause": lambda slot, user: services.slot_pause(slot=slot, by=user),
    "resume": lambda slot, user: services.slot_resume(slot=slot, by=user),
}


@require_POST
@staff_member_required
def slot_action(request, pk, action):
    slot = get_object_or_404(GpuSlot, pk=pk)
    if action not in SLOT_ACTIONS:
        raise Http404("Unknown action.")
    try:
        outcome = SLOT_ACTIONS[action](slot, request.user)
    except services.PauseConflict as exc:
        outcome = str(exc)
    if isinstance(outcome, str) and outcome:  # a probe's error, or a pause that holds already
        messages.error(request, f"{slot.name}: {outcome}")
    else:
        messages.success(request, f"{slot.name}: {action} done.")
    return redirect("slot-dashboard")


QUEUE_ACTIONS = {
    "pause": lambda user, reason: services.queue_pause(by=user, reason=reason),
    "resume": lambda user, reason: services.queue_resume(by=user),
}


@require_POST
@staff_member_required
def queue_action(request, action):
    """The dashboard's Pause queue / Resume queue buttons."""
    if action not in QUEUE_ACTIONS:
        raise Http404("Unknown action.")
    try:
        QUEUE_ACTIONS[action](request.user, request.POST.get("reason", "")[:200])
    except services.PauseConflict as exc:
        messages.error(request, str(exc))
    else:
        done = "paused: running stages finish, nothing new starts" if action == "pause" else (
            "resumed: waiting jobs start in their order")  # fmt: skip
        messages.success(request, f"Queue {done}.")
    return redirect("slot-dashboard")


def healthz(request):
    """For load balancers and operators: answers 200 only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready to take work: database, a live qcluster, a healthy slot for every stage.

    503 with the reasons otherwise, so a load balancer or an operator sees why.
    """
    checks = selectors.readiness()
    failing = {name: reason for name, reason in checks.items() if reason}
    body = {"status": "not ready" if failing else "ready",
            "checks": {name: reason or "ok" for name, reason in checks.items()}}  # fmt: skip
    return JsonResponse(body, status=503 if failing else 200)
