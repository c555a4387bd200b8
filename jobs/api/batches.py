"""v1 batches: many jobs from one CSV or JSON list of rows; status, cancel, retry, a zip."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from heygem_site.api import CONFLICT, Conflict, Pagination, paginated
from heygem_site.throttles import SubmitRateThrottle, UserThrottle

from .. import selectors, services
from ..downloads import batch_zip_response
from ..models import Batch
from ..serializers import BatchCreateInput, BatchDetailOutput, BatchOutput

CREATE_EXAMPLE = OpenApiExample(
    "Two lessons",
    request_only=True,
    value={"title": "Week 3", "rows": [
        {"text": "The area is $\\pi r^2$.", "title": "Circles", "priority": 2},
        {"text": "Speed is 3 m/s.", "voice": "Narrator",
         "callback_url": "https://example.com/hook"},
    ]},
)  # fmt: skip


def visible_batch(request, pk) -> Batch:
    return get_object_or_404(selectors.batches_visible_to(request.user), pk=pk)


def batch_detail_data(batch: Batch) -> dict:
    context = {"summaries": {batch.pk: selectors.batch_summary(batch)},
               "items": selectors.batch_items(batch)}  # fmt: skip
    return BatchDetailOutput(batch, context=context).data


class BatchCollectionApi(APIView):
    throttle_classes = [UserThrottle, SubmitRateThrottle]

    @extend_schema(operation_id="batches_list", summary="List your batches, newest first",
                   responses=paginated(BatchOutput))  # fmt: skip
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.batches_visible_to(request.user), request,
                                           view=self)  # fmt: skip
        summaries = {batch.pk: selectors.batch_summary(batch) for batch in page}
        data = BatchOutput(page, many=True, context={"summaries": summaries}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="batches_create",
        summary="Submit many jobs at once (JSON rows, or a CSV/JSON file)",
        description="Every row is checked first: a bad row answers 400 naming `rows.<n>.<field>` "
        "(n = 1 for the first row under the header) and nothing is created. The owner's caps "
        "apply to the whole batch (429).",
        request={"application/json": BatchCreateInput, "multipart/form-data": BatchCreateInput},
        responses={201: BatchDetailOutput},
        examples=[CREATE_EXAMPLE],
    )
    def post(self, request):
        data = BatchCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        rows = data.validated_data.get("rows")
        if upload is not None:
            rows = services.batch_rows_parse(content=upload.read(), filename=upload.name or "")
        checked = services.batch_rows_check(owner=request.user, rows=rows)
        batch = services.batch_create(owner=request.user, rows=checked,
                                      title=data.validated_data["title"])  # fmt: skip
        location = request.build_absolute_uri(reverse("api-batch-detail", args=[batch.pk]))
        return Response(batch_detail_data(batch), status=status.HTTP_201_CREATED,
                        headers={"Location": location})  # fmt: skip


class BatchDetailApi(APIView):
    @extend_schema(operation_id="batches_retrieve",
                   summary="A batch: status, progress, ETA and each row's job",
                   responses=BatchDetailOutput)  # fmt: skip
    def get(self, request, pk):
        return Response(batch_detail_data(visible_batch(request, pk)))


class BatchCancelApi(APIView):
    @extend_schema(operation_id="batches_cancel", summary="Cancel every live job of the batch",
                   request=None, responses={200: BatchDetailOutput, 409: CONFLICT})  # fmt: skip
    def post(self, request, pk):
        batch = visible_batch(request, pk)
        if not services.batch_cancel(batch=batch):
            raise Conflict("No job of the batch is queued or running: nothing to cancel.")
        return Response(batch_detail_data(batch))


class BatchRetryApi(APIView):
    @extend_schema(operation_id="batches_retry",
                   summary="Run every failed or canceled job of the batch again",
                   request=None, responses={200: BatchDetailOutput, 409: CONFLICT})  # fmt: skip
    def post(self, request, pk):
        batch = visible_batch(request, pk)
        if not services.batch_retry(batch=batch):
            raise Conflict("No job of the batch failed or was canceled: nothing to retry.")
        return Response(batch_detail_data(batch))


class BatchResultsApi(APIView):
    @extend_schema(operation_id="batches_results",
                   summary="A zip of the batch's finished videos and a manifest.csv (streamed)",
                   responses={(200, "application/zip"): bytes})  # fmt: skip
    def get(self, request, pk):
        return batch_zip_response(visible_batch(request, pk))
