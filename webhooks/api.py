"""v1 webhooks: your endpoints (create, change, rotate the secret, delete) and their deliveries."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from heygem_site.api import Pagination, paginated

from . import services
from .models import WebhookDelivery, WebhookEndpoint
from .serializers import DeliveryOutput, EndpointCreateInput, EndpointOutput, EndpointUpdateInput


def own_endpoint(request, pk) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.filter(owner=request.user), pk=pk)


def own_deliveries(request):
    return WebhookDelivery.objects.filter(endpoint__owner=request.user).prefetch_related("log")


class EndpointCollectionApi(APIView):
    @extend_schema(operation_id="webhooks_list", summary="Your webhook endpoints",
                   responses=paginated(EndpointOutput))  # fmt: skip
    def get(self, request):
        services.callback_endpoint_of(request.user)  # its secret signs job callback URLs
        paginator = Pagination()
        endpoints = WebhookEndpoint.objects.filter(owner=request.user)
        page = paginator.paginate_queryset(endpoints, request, view=self)
        return paginator.get_paginated_response(EndpointOutput(page, many=True).data)

    @extend_schema(operation_id="webhooks_create", summary="Register a webhook endpoint",
                   request=EndpointCreateInput, responses={201: EndpointOutput})  # fmt: skip
    def post(self, request):
        data = EndpointCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(owner=request.user, **data.validated_data)
        location = request.build_absolute_uri(f"{request.path}{endpoint.pk}/")
        return Response(EndpointOutput(endpoint).data, status=status.HTTP_201_CREATED,
                        headers={"Location": location})  # fmt: skip


class EndpointDetailApi(APIView):
    @extend_schema(operation_id="webhooks_retrieve", summary="One endpoint",
                   responses=EndpointOutput)  # fmt: skip
    def get(self, request, pk):
        return Response(EndpointOutput(own_endpoint(request, pk)).data)

    @extend_schema(operation_id="webhooks_update", summary="Change an endpoint; send what changes",
                   request=EndpointUpdateInput, responses=EndpointOutput)  # fmt: skip
    def patch(self, request, pk):
        endpoint = own_endpoint(request, pk)
        data = EndpointUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(EndpointOutput(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", summary="Delete an endpoint",
                   responses={204: None})  # fmt: skip
    def delete(self, request, pk):
        services.endpoint_delete(endpoint=own_endpoint(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateApi(APIView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="New secret now; the old one signs beside it for the grace period",
        request=None, responses=EndpointOutput,
    )  # fmt: skip
    def post(self, request, pk):
        endpoint = services.endpoint_rotate_secret(endpoint=own_endpoint(request, pk))
        return Response(EndpointOutput(endpoint).data)


class DeliveryCollectionApi(APIView):
    @extend_schema(operation_id="webhook_deliveries_list",
                   summary="Deliveries to one endpoint, newest first, with every attempt",
                   responses=paginated(DeliveryOutput))  # fmt: skip
    def get(self, request, pk):
        endpoint = own_endpoint(request, pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            own_deliveries(request).filter(endpoint=endpoint), request, view=self
        )
        return paginator.get_paginated_response(DeliveryOutput(page, many=True).data)


class DeliveryReplayApi(APIView):
    @extend_schema(
        operation_id="webhook_deliveries_replay",
        summary="Send a delivery again (same webhook-id)",
        request=None, responses={202: DeliveryOutput},
    )  # fmt: skip
    def post(self, request, pk):
        delivery = get_object_or_404(own_deliveries(request), pk=pk)
        services.delivery_replay(delivery=delivery)
        delivery.refresh_from_db()
        return Response(DeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)
