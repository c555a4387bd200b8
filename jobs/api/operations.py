"""v1 operations: slots (staff), the queue summary, the normalization preview."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

import normalization
from lexicons.selectors import lexicon_for

from .. import selectors, services
from ..models import GpuSlot
from ..serializers import (
    NormalizeInput,
    NormalizeOutput,
    OwnerLimitsOutput,
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
