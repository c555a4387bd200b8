"""v1 operations: slots (staff), the queue summary and its pauses, the normalization preview."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied as ServiceRefused
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import normalization
from heygem_site.api import CONFLICT, Conflict
from lexicons.selectors import lexicon_for

from .. import selectors, services
from ..models import GpuSlot, Pause
from ..serializers import (
    NormalizeInput,
    NormalizeOutput,
    OwnerLimitsOutput,
    PauseInput,
    PauseOutput,
    QueueOutput,
    SlotOutput,
)


def slot_data(pk) -> dict:
    slot = next(slot for slot in selectors.slots_with_current_job() if slot.pk == pk)
    return SlotOutput(slot).data


class SlotListApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="slots_list", summary="Every GPU slot with its state (staff)",
        responses=SlotOutput(many=True),
    )  # fmt: skip
    def get(self, request):
        return Response(SlotOutput(selectors.slots_with_current_job(), many=True).data)


class SlotActionApi(APIView):
    """POST drain | enable | probe on one slot; answers the slot as it is afterwards."""

    permission_classes = [IsAdminUser]
    slot_action = ""

    def post(self, request, pk):
        slot = get_object_or_404(GpuSlot, pk=pk)
        if self.slot_action == "drain":
            services.slot_drain(slot=slot)
        elif self.slot_action == "enable":
            services.slot_set_enabled(slot=slot, enabled=True)
        else:
            services.slot_probe(slot=slot)
        return Response(slot_data(slot.pk))


SLOT_ACTION_SUMMARIES = {
    "drain": "Drain a slot: finish its current job, then disable it (staff)",
    "enable": "Enable a slot (staff)",
    "probe": "Ask a slot's engine whether it can take work (staff)",
}


def slot_action_view(action: str):
    """One view class per action, so each has its own operationId and summary."""
    view = type(f"Slot{action.title()}Api", (SlotActionApi,), {"slot_action": action})
    schema = extend_schema(operation_id=f"slots_{action}", summary=SLOT_ACTION_SUMMARIES[action],
                           request=None, responses=SlotOutput)  # fmt: skip
    return extend_schema_view(post=schema)(view).as_view()


class QueueApi(APIView):
    @extend_schema(
        operation_id="queue_retrieve", summary="Jobs waiting and running, slots per stage",
        responses=QueueOutput,
    )  # fmt: skip
    def get(self, request):
        return Response(QueueOutput(selectors.queue_summary()).data)


def pause_reason(request: Request) -> str:
    data = PauseInput(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["reason"]


def paused(change) -> Pause:
    """Run a pause service; a pause that holds already, or none to end, is a 409; an
    owner ending an operator's pause a 403 saying so."""
    try:
        return change()
    except services.PauseConflict as exc:
        raise Conflict(str(exc)) from exc
    except ServiceRefused as exc:
        raise PermissionDenied(str(exc)) from exc


class QueuePauseApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="queue_pause",
        summary="Pause the whole queue: running stages finish, nothing new starts (staff)",
        description="Waiting jobs keep their place and say why they wait "
        '("waiting: queue paused by …"). 409 when the queue is paused already.',
        request=PauseInput, responses={200: PauseOutput, 409: CONFLICT},
    )  # fmt: skip
    def post(self, request):
        reason = pause_reason(request)
        pause = paused(lambda: services.queue_pause(by=request.user, reason=reason))
        return Response(PauseOutput(pause).data)


class QueueResumeApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="queue_resume",
        summary="Resume the queue: waiting jobs start in the order they had (staff)",
        request=None, responses={200: PauseOutput, 409: CONFLICT},
    )  # fmt: skip
    def post(self, request):
        return Response(PauseOutput(paused(lambda: services.queue_resume(by=request.user))).data)


USERNAME = re.compile(UnicodeUsernameValidator.regex)


def owner_for(request: Request, username: str):
    """The owner named in the path: anyone for staff; for a user, only themselves."""
    if not request.user.is_staff and username != request.user.get_username():
        raise PermissionDenied("You may pause and resume only your own jobs.")
    if not USERNAME.match(username):  # never a user's; a NUL would not even reach the database
        raise NotFound("No such user.")
    return get_object_or_404(get_user_model(), username=username)


class OwnerPauseApi(APIView):
    @extend_schema(
        operation_id="owners_pause",
        summary="Pause one owner's jobs: staff for anyone, a user for their own",
        description="Their running stages finish; their waiting jobs keep their place and "
        "start again on resume. 409 when they are paused already.",
        request=PauseInput, responses={200: PauseOutput, 409: CONFLICT},
    )  # fmt: skip
    def post(self, request, username):
        owner, reason = owner_for(request, username), pause_reason(request)
        pause = paused(lambda: services.owner_pause(owner=owner, by=request.user, reason=reason))
        return Response(PauseOutput(pause).data)


class OwnerResumeApi(APIView):
    @extend_schema(
        operation_id="owners_resume",
        summary="Resume one owner's jobs (a user: only a pause they made themselves)",
        description="403 for a user whose jobs an operator paused; 409 when not paused.",
        request=None, responses={200: PauseOutput, 409: CONFLICT},
    )  # fmt: skip
    def post(self, request, username):
        owner = owner_for(request, username)
        pause = paused(lambda: services.owner_resume(
            owner=owner, by=request.user, staff=request.user.is_staff))  # fmt: skip
        return Response(PauseOutput(pause).data)


class SlotPauseApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="slots_pause",
        summary="Pause a slot: its running stage finishes, it takes no new one (staff)",
        request=PauseInput, responses={200: SlotOutput, 409: CONFLICT},
    )  # fmt: skip
    def post(self, request, pk):
        slot, reason = get_object_or_404(GpuSlot, pk=pk), pause_reason(request)
        paused(lambda: services.slot_pause(slot=slot, by=request.user, reason=reason))
        return Response(slot_data(slot.pk))


class SlotResumeApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="slots_resume", summary="Resume a paused slot (staff)",
        request=None, responses={200: SlotOutput, 409: CONFLICT},
    )  # fmt: skip
    def post(self, request, pk):
        slot = get_object_or_404(GpuSlot, pk=pk)
        paused(lambda: services.slot_resume(slot=slot, by=request.user))
        return Response(slot_data(slot.pk))


class PauseListApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        operation_id="pauses_list",
        summary="Every pause that holds now: the queue, owners, slots (staff)",
        description="Ended pauses stay on record in the admin (Pauses).",
        responses=PauseOutput(many=True),
    )  # fmt: skip
    def get(self, request):
        return Response(PauseOutput(selectors.pauses_active(), many=True).data)


class LimitsApi(APIView):
    @extend_schema(
        operation_id="limits_retrieve",
        summary="Your caps (0: none) and what you use of them now",
        responses=OwnerLimitsOutput,
    )
    def get(self, request):
        caps = selectors.owner_caps(request.user)
        usage = selectors.owner_usage(request.user)
        return Response(OwnerLimitsOutput({"caps": caps.__dict__, "usage": usage}).data)


class NormalizeApi(APIView):
    """Preview what the TTS engine will be asked to say, piece by piece, and its chunks."""

    @extend_schema(
        operation_id="normalize",
        summary="Preview the spoken text, each piece's reading and the chunks (nothing is stored)",
        description="The site-wide and your lexicons apply first, as in a job; an SSML "
        "document (a `<speak>` root) is read with its markup, its pauses listed per chunk.",
        request=NormalizeInput,
        responses=NormalizeOutput,
        examples=[
            OpenApiExample("LaTeX", value={"text": "Solve $x^2 = 4$."}, request_only=True),
            OpenApiExample(
                "Spoken",
                response_only=True,
                value={
                    "spoken_text": "Solve x squared equals four.",
                    "chunks": ["Solve x squared equals four."],
                    "spans": [
                        {"source": "Solve ", "reading": "Solve ", "kind": "text"},
                        {
                            "source": "$x^2 = 4$",
                            "reading": "x squared equals four",
                            "kind": "formula",
                        },
                        {"source": ".", "reading": ".", "kind": "text"},
                    ],
                    "pauses": [0.0],
                    "ssml": False,
                    "lexicon_versions": {"site": 2, "own": 5},
                },
            ),  # fmt: skip
        ],
    )
    def post(self, request):
        data = NormalizeInput(data=request.data)
        data.is_valid(raise_exception=True)
        text, max_chars = data.validated_data["text"], data.validated_data["max_chars"]
        lexicon, versions = None, {}
        try:
            if data.validated_data["lexicon"]:
                lexicon, versions = lexicon_for(request.user)
            planned = normalization.plan_speech(text, lexicon=lexicon, max_chars=max_chars)
        except normalization.InputError as exc:  # bad SSML, or lexicons that loop together
            raise ValidationError({"text": [str(exc)]}) from None
        spoken = normalization.to_speech(text, lexicon=lexicon)
        spans = normalization.explain(text, lexicon=lexicon)
        body = {
            "spoken_text": spoken, "chunks": [c.text for c in planned],
            "pauses": [c.pause_after_seconds for c in planned],
            "spans": [vars(span) for span in spans], "ssml": normalization.is_ssml(text),
            "lexicon_versions": versions,
        }  # fmt: skip
        return Response(NormalizeOutput(body).data)
