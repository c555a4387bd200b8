"""v1 voices: list, create from an upload, detail, rename, delete, listen."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from heygem_site.api import Pagination, SubmitRateThrottle
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
    throttle_classes = [UserRateThrottle, SubmitRateThrottle]

    @extend_schema(responses=VoiceOutput(many=True))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.voices_visible_to(request.user), request, view=self
        )
        return paginator.get_paginated_response(VoiceOutput(page, many=True).data)

    @extend_schema(request={"multipart/form-data": VoiceCreateInput}, responses={201: VoiceOutput})
    def post(self, request):
        data = VoiceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        voice = services.voice_create_from_upload(owner=request.user, **data.validated_data)
        return Response(VoiceOutput(voice).data, status=status.HTTP_201_CREATED)


class VoiceDetailApi(APIView):
    @extend_schema(responses=VoiceOutput)
    def get(self, request, pk):
        return Response(VoiceOutput(visible_voice(request, pk)).data)

    @extend_schema(request=VoiceRenameInput, responses=VoiceOutput)
    def patch(self, request, pk):
        voice = managed_voice(request, pk)
        data = VoiceRenameInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.voice_rename(voice=voice, name=data.validated_data["name"])
        return Response(VoiceOutput(voice).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.voice_delete(voice=managed_voice(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VoiceAudioApi(APIView):
    @extend_schema(responses={(200, "audio/wav"): bytes, (206, "audio/wav"): bytes})
    def get(self, request, pk):
        voice = visible_voice(request, pk)
        return stored_file_response(
            request, voice.audio, content_type="audio/wav", filename=f"voice-{voice.pk}.wav"
        )
