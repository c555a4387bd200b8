"""v1 jobs: create, list, detail, cancel, retry, result and speech downloads."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from heygem_site.api import (
    CONFLICT,
    KEY_REUSED,
    Conflict,
    KeyReused,
    Pagination,
    file_responses,
    paginated,
)
from heygem_site.throttles import SubmitRateThrottle, UserThrottle

from .. import live, selectors, services, storage
from ..downloads import stored_file_response
from ..idempotency import IdempotencyKeyReused
from ..models import Job
from ..serializers import (
    JobCreateInput,
    JobDetailOutput,
    JobFilterInput,
    JobPriorityInput,
    JobRespeakInput,
    JobSummaryOutput,
    WaitingOutput,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Repeat a create with the same key and body to get the same job back (≤ 128 chars); "
        "the same key with a different body is refused with 422."
    ),
)
CREATE_EXAMPLE = OpenApiExample(
    "Text with a saved voice",
    value={"text": "The area is $\\pi r^2$.", "voice": 3, "priority": 5},
    request_only=True,
)

DOWNLOAD_PARAMETER = OpenApiParameter(
    "download", int, enum=[0, 1], required=False,
    description="0 to play in the browser; 1 (default) to save as a file.",
)  # fmt: skip
DETAIL_EXAMPLE = OpenApiExample(
    "A job rendering",
    response_only=True,
    status_codes=["200", "201"],
    value={
        "id": "0b6f4a9e-4f59-4c1e-9a51-3f1c2d1b7e10", "status": "rendering", "progress": 64,
        "priority": 0, "text": "The area is $\\pi r^2$.", "error": "",
        "created_at": "2026-03-03T10:30:00Z", "finished_at": None,
        "timing": {"audio_seconds": 2.4, "tts_seconds": 1.1, "render_seconds": None,
                   "total_seconds": None, "created_at": "2026-03-03T10:30:00Z",
                   "tts_started_at": "2026-03-03T10:30:00.2Z",
                   "tts_finished_at": "2026-03-03T10:30:01.3Z",
                   "render_started_at": "2026-03-03T10:30:01.4Z",
                   "render_finished_at": None, "finished_at": None},
        "url": "/api/v1/jobs/0b6f4a9e-4f59-4c1e-9a51-3f1c2d1b7e10/",
        "stage": "video", "queue_position": 0, "eta_seconds": 4,
        "spoken_text": "The area is pi r squared.", "voice": None,
        "progress_detail": "Rendering: 64 % of the expected time", "attempt": 0,
        "max_attempts": 3, "waiting": None,
        "tts_slot": {"name": "gpu0-tts", "gpu": "gpu0", "backend": "fish_speech",
                     "embedded": False},
        "video_slot": {"name": "gpu0-video", "gpu": "gpu0", "backend": "heygem",
                       "embedded": False},
        "notices": [], "events": [], "links": {
            "self": "/api/v1/jobs/0b6f4a9e-4f59-4c1e-9a51-3f1c2d1b7e10/",
            "page": "/jobs/0b6f4a9e-4f59-4c1e-9a51-3f1c2d1b7e10/",
            "cancel": "/api/v1/jobs/0b6f4a9e-4f59-4c1e-9a51-3f1c2d1b7e10/cancel/",
            "retry": None, "result": None,
            "speech": "/api/v1/jobs/0b6f4a9e-4f59-4c1e-9a51-3f1c2d1b7e10/speech/",
            },
    },
)  # fmt: skip


def job_detail_data(job: Job) -> dict:
    return JobDetailOutput(job, context={"details": selectors.job_details(job)}).data


# Pollers ask for the same job many times a second. Its payload is rebuilt only
# when the job's version (one cheap query) changes, or after this long; queue
# position and ETA are worked out afresh for every answer.
DETAIL_CACHE_SECONDS = 30


def job_detail_data_cached(request, pk) -> dict:
    version = selectors.job_version(user=request.user, pk=pk)
    if version is None:
        raise Http404
    key = "job-detail:" + hashlib.sha1(f"{pk}{version}".encode()).hexdigest()
    cached = caches["local"].get(key)
    if cached is None:
        job = visible_job(request, pk)
        cached = (job, job_detail_data(job))
        caches["local"].set(key, cached, DETAIL_CACHE_SECONDS)
    job, data = cached
    figures = selectors.job_live_figures(job)
    if figures["waiting"] is not None:
        figures["waiting"] = WaitingOutput(figures["waiting"]).data
    return {**data, **figures}


def idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 128 or not key.isprintable():
        raise ValidationError({"Idempotency-Key": ["Use at most 128 printable characters."]})
    return key


def visible_job(request, pk) -> Job:
    return get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)


class JobCollectionApi(APIView):
    throttle_classes = [UserThrottle, SubmitRateThrottle]

    @extend_schema(
        operation_id="jobs_list",
        summary="List your jobs, newest first",
        parameters=[JobFilterInput],
        responses=paginated(JobSummaryOutput),
    )
    def get(self, request):
        filters = JobFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        jobs = selectors.jobs_filtered(user=request.user, **filters.to_filters())
        paginator = Pagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response(JobSummaryOutput(page, many=True).data)

    @extend_schema(
        operation_id="jobs_create",
        summary="Submit text (and a speaker video) to become a video",
        description="Answers the new job with its URL in `Location`.",
        request={"multipart/form-data": JobCreateInput, "application/json": JobCreateInput},
        responses={201: JobDetailOutput, 422: KEY_REUSED},
        parameters=[IDEMPOTENCY_HEADER],
        examples=[CREATE_EXAMPLE, DETAIL_EXAMPLE],
    )
    def post(self, request):
        data = JobCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        key = idempotency_key(request)
        try:
            job = services.job_create(
                owner=request.user, idempotency_key=key, **data.validated_data
            )
        except IdempotencyKeyReused as exc:
            raise KeyReused(str(exc)) from exc
        location = reverse("api-job-detail", args=[job.pk])
        return Response(job_detail_data(job), status=status.HTTP_201_CREATED,
                        headers={"Location": request.build_absolute_uri(location)})  # fmt: skip


WATCH_PARAMETERS = [
    OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False,
                     description="The ETag of the last answer: 304 while nothing changed."),
    OpenApiParameter("Prefer", str, OpenApiParameter.HEADER, required=False,
                     description="`wait=25`: with If-None-Match, hold the answer until the job "
                                 "changes or 25 s pass (long polling; at most "
                                 "HEYGEM_WATCH_MAX_SECONDS)."),
]  # fmt: skip


class JobDetailApi(APIView):
    @extend_schema(
        operation_id="jobs_retrieve",
        summary="A job with its progress, queue position, ETA and timeline",
        description="Watch a job with `If-None-Match` + `Prefer: wait=25`: the answer comes "
        "as soon as the job changes (200 with a new ETag) or after 25 s (304).",
        parameters=WATCH_PARAMETERS,
        responses={200: JobDetailOutput, 304: OpenApiResponse(description="Unchanged.")},
        examples=[DETAIL_EXAMPLE],
    )
    def get(self, request, pk):
        watch = live.held_until_changed(
            request.headers, lambda: selectors.job_watch_tag(user=request.user, pk=pk),
            limit=settings.HEYGEM["WATCH_MAX_SECONDS"], max_held=settings.HEYGEM["WATCH_MAX_HELD"],
        )  # fmt: skip
        if watch.tag is None:
            raise Http404
        if watch.unchanged:
            response = Response(status=304)
        else:
            response = Response(job_detail_data_cached(request, pk))
        return live.watched(response, watch)

    @extend_schema(
        operation_id="jobs_partial_update",
        summary="Change a waiting job's priority (staff): it moves in the queue at once",
        description="For a job that still waits for a slot (queued, synthesizing, speech "
        "under review, audio ready, in segments); 409 once it renders or ended.",
        request=JobPriorityInput,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def patch(self, request, pk):
        job = visible_job(request, pk)
        if not request.user.is_staff:
            raise PermissionDenied("Only an operator (staff) can change a job's priority.")
        data = JobPriorityInput(data=request.data)
        data.is_valid(raise_exception=True)
        priority = data.validated_data["priority"]
        if not services.job_set_priority(job=job, priority=priority, by_name=request.user.username):
            raise Conflict(f"The job is {job.status}: its priority no longer moves it.")
        return Response(job_detail_data(job))


class JobCancelApi(APIView):
    @extend_schema(
        operation_id="jobs_cancel",
        summary="Cancel a queued or running job",
        request=None,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def post(self, request, pk):
        job = visible_job(request, pk)
        if not services.job_cancel(job=job):
            raise Conflict(f"The job is {job.status}: nothing to cancel.")
        return Response(job_detail_data(job))


class JobRetryApi(APIView):
    @extend_schema(
        operation_id="jobs_retry",
        summary="Run a failed or canceled job again, from the stage it stopped in",
        request=None,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def post(self, request, pk):
        job = visible_job(request, pk)
        if not services.job_retry(job=job):
            raise Conflict(f"The job is {job.status}: only failed or canceled jobs can be retried.")
        return Response(job_detail_data(job))


class JobApproveApi(APIView):
    @extend_schema(
        operation_id="jobs_approve",
        summary="Approve the speech of a job under review: the render starts",
        request=None,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def post(self, request, pk):
        job = visible_job(request, pk)
        if not services.job_approve(job=job):
            raise Conflict(f"The job is {job.status}: only speech under review can be approved.")
        return Response(job_detail_data(job))


class JobRespeakApi(APIView):
    @extend_schema(
        operation_id="jobs_respeak",
        summary="Speak a job under review again, with new text or the lexicons as they are now",
        request=JobRespeakInput,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def post(self, request, pk):
        job = visible_job(request, pk)
        data = JobRespeakInput(data=request.data)
        data.is_valid(raise_exception=True)
        if job.status != Job.Status.SPEECH_REVIEW:
            raise Conflict(f"The job is {job.status}: only speech under review can be re-spoken.")
        if not services.job_respeak(job=job, text=data.validated_data.get("text")):
            raise Conflict(f"The job is {job.status}: only speech under review can be re-spoken.")
        return Response(job_detail_data(job))


MEDIA = {"result": ("result_video", "video/mp4"), "speech": ("speech_audio", "audio/wav")}


def job_file_response(request, job: Job, kind: str):
    """Stream a job's result video or speech (Range aware); 404 while it does not exist."""
    field, content_type = MEDIA[kind]
    name = getattr(job, field)
    if not storage.exists(name):
        raise NotFound(f"The job's {kind} is not available (status: {job.status}).")
    download = request.query_params.get("download", "1") != "0"
    return stored_file_response(
        request, name, content_type=content_type,
        filename=f"heygem-{job.pk}{Path(name).suffix}", as_attachment=download,
    )  # fmt: skip


class JobResultApi(APIView):
    @extend_schema(
        operation_id="jobs_result",
        summary="Download the finished video (Range, ETag and If-None-Match work)",
        parameters=[DOWNLOAD_PARAMETER],
        responses=file_responses("video/mp4"),
    )
    def get(self, request, pk):
        return job_file_response(request, visible_job(request, pk), "result")


class JobSpeechApi(APIView):
    @extend_schema(
        operation_id="jobs_speech",
        summary="Download the synthesized speech (WAV)",
        parameters=[DOWNLOAD_PARAMETER],
        responses=file_responses("audio/wav"),
    )
    def get(self, request, pk):
        return job_file_response(request, visible_job(request, pk), "speech")


def job_pin_response(request, pk, *, pinned: bool) -> Response:
    job = visible_job(request, pk)
    if not services.job_pin(job=job, pinned=pinned) and job.media_purged_at is not None:
        raise Conflict("The job's media was purged: there is nothing left to keep.")
    return Response(job_detail_data(job))


class JobPinApi(APIView):
    @extend_schema(
        operation_id="jobs_pin",
        summary="Keep the job's media for good (the retention purge passes it over)",
        request=None,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def post(self, request, pk):
        return job_pin_response(request, pk, pinned=True)


class JobUnpinApi(APIView):
    @extend_schema(
        operation_id="jobs_unpin",
        summary="Let the retention purge remove the job's media in its time again",
        request=None,
        responses={200: JobDetailOutput, 409: CONFLICT},
    )
    def post(self, request, pk):
        return job_pin_response(request, pk, pinned=False)


SUBTITLE_TYPES = {"srt": "application/x-subrip", "vtt": "text/vtt"}
SUBTITLES_DESCRIPTION = (
    "From the job's known script, timed by the measured length of each piece of its "
    "speech (no speech recognition); a long job's are its segments' end to end. "
    "404 until the speech exists."
)


def job_subtitles_response(request, pk, fmt: str) -> HttpResponse:
    job = visible_job(request, pk)
    text = selectors.job_subtitles(job, fmt)
    if text is None:
        raise NotFound(f"The job's subtitles are not available yet (status: {job.status}).")
    response = HttpResponse(
        text.encode("utf-8"), content_type=f"{SUBTITLE_TYPES[fmt]}; charset=utf-8"
    )
    if request.query_params.get("download", "1") != "0":
        response["Content-Disposition"] = f'attachment; filename="heygem-{job.pk}.{fmt}"'
    return response


def subtitle_responses(fmt: str) -> dict:
    return {
        (200, SUBTITLE_TYPES[fmt]): OpenApiResponse(str, description="The subtitles."),
        404: OpenApiResponse(description="No such job, or its speech is not made yet."),
    }


class JobSubtitlesSrtApi(APIView):
    @extend_schema(
        operation_id="jobs_subtitles_srt",
        summary="Subtitles of the spoken script as SRT",
        description=SUBTITLES_DESCRIPTION,
        parameters=[DOWNLOAD_PARAMETER],
        responses=subtitle_responses("srt"),
    )
    def get(self, request, pk):
        return job_subtitles_response(request, pk, "srt")


class JobSubtitlesVttApi(APIView):
    @extend_schema(
        operation_id="jobs_subtitles_vtt",
        summary="Subtitles of the spoken script as WebVTT",
        description=SUBTITLES_DESCRIPTION,
        parameters=[DOWNLOAD_PARAMETER],
        responses=subtitle_responses("vtt"),
    )
    def get(self, request, pk):
        return job_subtitles_response(request, pk, "vtt")
