from django.urls import path

from . import api

api_patterns = [
    path("webhooks/", api.EndpointCollectionApi.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", api.EndpointDetailApi.as_view(), name="api-webhook-detail"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        api.EndpointRotateApi.as_view(),
        name="api-webhook-rotate",
    ),  # fmt: skip
    path(
        "webhooks/<int:pk>/deliveries/",
        api.DeliveryCollectionApi.as_view(),
        name="api-webhook-deliveries",
    ),  # fmt: skip
    path(
        "webhook-deliveries/<int:pk>/replay/",
        api.DeliveryReplayApi.as_view(),
        name="api-webhook-delivery-replay",
    ),  # fmt: skip
]
