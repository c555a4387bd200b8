"""Server-rendered pages: history, job detail, owner-checked downloads."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from .selectors import jobs_visible_to

MEDIA_FIELDS = {"result": ("result_video", "video/mp4"), "speech": ("speech_audio", "audio/wav")}


@login_required
def job_list(request):
    jobs = jobs_visible_to(request.user)[:100]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    events = job.events.select_related("slot")
    return render(request, "jobs/job_detail.html", {"job": job, "events": events})


@login_required
def job_media(request, pk, kind):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    field, content_type = MEDIA_FIELDS.get(kind, (None, None))
    relative = getattr(job, field, "") if field else ""
    if not relative:
        raise Http404("Not available yet.")
    path = Path(settings.MEDIA_ROOT) / relative
    filename = f"heygem-{job.pk}{path.suffix}"
    return FileResponse(path.open("rb"), content_type=content_type, filename=filename,
                        as_attachment="download" in request.GET)  # fmt: skip


def healthz(request):
    """For load balancers and operators: answers 200 only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
