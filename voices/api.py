"""v1 voices: list, create from an upload, detail, rename, delete, listen."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from heygem_site.api import Pagination, file_responses, paginated
from heygem_site.throttles import SubmitRateThrottle, UserThrottle
from jobs.downloads import stored_file_response

from . import selectors, services
from .serializers import VoiceCreateInput, VoiceOutput, VoiceRenameInput


def visible_voice(request, pk):
    return get_object_or_404(selectors.voices_visible_to(request.user), pk=pk)


def managed_voice(request, pk):
    voice = visible_voice(request, pk)
    if not selectors.voice_is_managed_by(voice, request.user):
        raise PermissionDenied("Built-in voices can only be changed by an operator.")
    return voice


class VoiceCollectionApi(APIView):
    throttle_classes = [UserThrottle, SubmitRateThrottle]

    @extend_schema(
        operation_id="voices_list",
        summary="List the voices you can speak with (yours and the built-in ones)",
        responses=paginated(VoiceOutput),
    )
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.voices_visible_to(request.user), request, view=self
        )
        return paginator.get_paginated_response(VoiceOutput(page, many=True).data)

    @extend_schema(
        operation_id="voices_create",
        summary="Save a voice from an audio or video recording",
        request={"multipart/form-data": VoiceCreateInput},
        responses={201: VoiceOutput},
    )
    def post(self, request):
        data = VoiceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        voice = services.voice_create_from_upload(owner=request.user, **data.validated_data)
        location = request.build_absolute_uri(reverse("api-voice-detail", args=[voice.pk]))
        return Response(
            VoiceOutput(voice).data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )


class VoiceDetailApi(APIView):
    @extend_schema(operation_id="voices_retrieve", summary="One voice", responses=VoiceOutput)
    def get(self, request, pk):
        return Response(VoiceOutput(visible_voice(request, pk)).data)

    @extend_schema(
        operation_id="voices_update",
        summary="Change a voice (its name); send only what changes",
        request=VoiceRenameInput,
        responses=VoiceOutput,
    )
    def patch(self, request, pk):
        voice = managed_voice(request, pk)
        # PATCH is a partial update: ``{}`` changes nothing and answers the voice.
        data = VoiceRenameInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "name" in data.validated_data:
            services.voice_rename(voice=voice, name=data.validated_data["name"])
        return Response(VoiceOutput(voice).data)

    @extend_schema(operation_id="voices_destroy", summary="Delete a voice", responses={204: None})
    def delete(self, request, pk):
        services.voice_delete(voice=managed_voice(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VoiceAudioApi(APIView):
    @extend_schema(
        operation_id="voices_audio",
        summary="Listen to a voice's reference recording",
        responses=file_responses("audio/wav"),
    )
    def get(self, request, pk):
        voice = visible_voice(request, pk)
        return stored_file_response(
            request, voice.audio, content_type="audio/wav", filename=f"voice-{voice.pk}.wav"
        )
