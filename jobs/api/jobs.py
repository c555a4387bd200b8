"""v1 jobs: create, list, detail, cancel, retry, result and speech downloads."""

import hashlib
from pathlib import Path

from django.core.cache import caches
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from heygem_site.api import Pagination, SubmitRateThrottle

from .. import selectors, services, storage
from ..downloads import stored_file_response
from ..idempotency import IdempotencyKeyReused
from ..models import Job
from ..serializers import JobCreateInput, JobDetailOutput, JobFilterInput, JobSummaryOutput

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
    return {**data, **selectors.job_live_figures(job)}


def idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 128 or not key.isprintable():
        raise ValidationError({"Idempotency-Key": ["Use at most 128 printable characters."]})
    return key


def visible_job(request, pk) -> Job:
    return get_object_or_404(selectors.jobs_visible_to(request.user), pk=pk)


class JobCollectionApi(APIView):
    throttle_classes = [UserRateThrottle, SubmitRateThrottle]

    @extend_schema(parameters=[JobFilterInput], responses=JobSummaryOutput(many=True))
    def get(self, request):
        filters = JobFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        jobs = selectors.jobs_filtered(user=request.user, **filters.to_filters())
        paginator = Pagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response(JobSummaryOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": JobCreateInput, "application/json": JobCreateInput},
        responses={201: JobDetailOutput, 422: None},
        parameters=[IDEMPOTENCY_HEADER],
        examples=[CREATE_EXAMPLE],
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
            return Response({"Idempotency-Key": [str(exc)]}, status=422)
        return Response(job_detail_data(job), status=status.HTTP_201_CREATED)


class JobDetailApi(APIView):
    @extend_schema(responses=JobDetailOutput)
    def get(self, request, pk):
        return Response(job_detail_data_cached(request, pk))


class JobCancelApi(APIView):
    @extend_schema(request=None, responses={200: JobDetailOutput, 409: None})
    def post(self, request, pk):
        job = visible_job(request, pk)
        if not services.job_cancel(job=job):
            return Response({"detail": f"The job is {job.status}: nothing to cancel."}, status=409)
        return Response(job_detail_data(job))


class JobRetryApi(APIView):
    @extend_schema(request=None, responses={200: JobDetailOutput, 409: None})
    def post(self, request, pk):
        job = visible_job(request, pk)
        if not services.job_retry(job=job):
            message = f"The job is {job.status}: only failed or canceled jobs can be retried."
            return Response({"detail": message}, status=409)
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
    @extend_schema(responses={(200, "video/mp4"): bytes, (206, "video/mp4"): bytes})
    def get(self, request, pk):
        return job_file_response(request, visible_job(request, pk), "result")


class JobSpeechApi(APIView):
    @extend_schema(responses={(200, "audio/wav"): bytes, (206, "audio/wav"): bytes})
    def get(self, request, pk):
        return job_file_response(request, visible_job(request, pk), "speech")
