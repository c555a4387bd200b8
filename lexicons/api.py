"""v1 lexicons: yours (/lexicon/) and the site-wide one (/lexicon/site/, staff writes),
their entries, PLS import and export; your speech settings."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from heygem_site.api import Pagination, paginated

from . import selectors, services
from .models import Lexicon, LexiconEntry
from .serializers import (
    LIMITS,
    EntryInput,
    EntryOutput,
    EntryUpdateInput,
    ImportInput,
    ImportOutput,
    LexiconOutput,
    SpeechSettingsInput,
    SpeechSettingsOutput,
)

PLS_TYPE = "application/pls+xml"


def lexicon_data(lexicon: Lexicon, user) -> dict:
    return LexiconOutput({
        "scope": "site" if lexicon.is_site else "own", "version": lexicon.version,
        "entry_count": lexicon.entries.count(), "updated_at": lexicon.updated_at,
        "editable": not lexicon.is_site or user.is_staff, "limits": LIMITS,
    }).data  # fmt: skip


class ScopedApi(APIView):
    """The owner's lexicon, or with ``site`` the site-wide one (read by all, changed by staff)."""

    site = False

    def lexicon(self, request, *, write: bool = False) -> Lexicon:
        if self.site and write and not request.user.is_staff:
            raise PermissionDenied("Only staff change the site-wide lexicon.")
        return services.lexicon_of(owner=None if self.site else request.user)

    def entry(self, request, pk, *, write: bool = False) -> LexiconEntry:
        lexicon = self.lexicon(request, write=write)
        try:
            return lexicon.entries.select_related("lexicon").get(pk=pk)
        except LexiconEntry.DoesNotExist:
            raise NotFound("No such entry in this lexicon.") from None


class LexiconApi(ScopedApi):
    def get(self, request):
        return Response(lexicon_data(self.lexicon(request), request.user))


class EntryCollectionApi(ScopedApi):
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(self.lexicon(request).entries.all(), request, self)
        return paginator.get_paginated_response(EntryOutput(page, many=True).data)

    def post(self, request):
        lexicon = self.lexicon(request, write=True)
        data = EntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_create(lexicon=lexicon, **data.validated_data)
        location = request.build_absolute_uri(f"{request.path}{entry.pk}/")
        return Response(EntryOutput(entry).data, status=status.HTTP_201_CREATED,
                        headers={"Location": location})  # fmt: skip


class EntryDetailApi(ScopedApi):
    def get(self, request, pk):
        return Response(EntryOutput(self.entry(request, pk)).data)

    def patch(self, request, pk):
        entry = self.entry(request, pk, write=True)
        data = EntryUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.entry_update(entry=entry, **data.validated_data)
        return Response(EntryOutput(entry).data)

    def delete(self, request, pk):
        services.entry_delete(entry=self.entry(request, pk, write=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportApi(ScopedApi):
    def post(self, request):
        lexicon = self.lexicon(request, write=True)
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        document = upload.read(LIMITS["max_pls_bytes"] + 1)  # one byte over says "too large"
        count = services.lexicon_import_pls(
            lexicon=lexicon, document=document, replace=data.validated_data["replace"]
        )
        lexicon.refresh_from_db()
        body = {"imported": count, "lexicon": lexicon_data(lexicon, request.user)}
        return Response(ImportOutput(body).data)


class ExportApi(ScopedApi):
    def get(self, request):
        lexicon = self.lexicon(request)
        response = HttpResponse(services.lexicon_export_pls(lexicon=lexicon), content_type=PLS_TYPE)
        name = "site-lexicon.pls" if self.site else "lexicon.pls"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


ENTRY_PAGE = paginated(EntryOutput)


def _schemas(site: bool) -> dict:
    """Per view: its methods' operation ids and summaries, for one scope."""
    prefix, whose = (
        ("lexicon_site", "the site-wide lexicon") if site else ("lexicon", "your lexicon")
    )
    staff = " (staff)" if site else ""
    return {
        LexiconApi: {
            "get": extend_schema(
                operation_id=f"{prefix}_retrieve",
                summary=f"{whose.capitalize()}: version, size, limits",
                responses=LexiconOutput,
            )
        },
        EntryCollectionApi: {
            "get": extend_schema(
                operation_id=f"{prefix}_entries_list",
                summary=f"The entries of {whose}",
                responses=ENTRY_PAGE,
            ),
            "post": extend_schema(
                operation_id=f"{prefix}_entries_create",
                summary=f"Add an entry to {whose}{staff}",
                request=EntryInput,
                responses={201: EntryOutput},
            ),
        },
        EntryDetailApi: {
            "get": extend_schema(
                operation_id=f"{prefix}_entries_retrieve",
                summary=f"One entry of {whose}",
                responses=EntryOutput,
            ),
            "patch": extend_schema(
                operation_id=f"{prefix}_entries_update",
                summary=f"Change an entry of {whose}{staff}; send what changes",
                request=EntryUpdateInput,
                responses=EntryOutput,
            ),
            "delete": extend_schema(
                operation_id=f"{prefix}_entries_destroy",
                summary=f"Delete an entry of {whose}{staff}",
                responses={204: None},
            ),
        },
        ImportApi: {
            "post": extend_schema(
                operation_id=f"{prefix}_import",
                summary=f"Import a W3C PLS file into {whose}{staff}",
                request={"multipart/form-data": ImportInput},
                responses=ImportOutput,
            )
        },
        ExportApi: {
            "get": extend_schema(
                operation_id=f"{prefix}_export",
                summary=f"{whose.capitalize()} as a W3C PLS file",
                responses={(200, PLS_TYPE): OpenApiResponse(bytes, description="PLS 1.0 XML.")},
            )
        },
    }


def scoped_views(site: bool) -> dict:
    """One view class per view and scope, so each has its own operation ids."""
    views = {}
    for base, methods in _schemas(site).items():
        name = ("Site" if site else "") + base.__name__
        view = type(name, (base,), {"site": site})
        views[base.__name__] = extend_schema_view(**methods)(view).as_view()
    return views


class SpeechSettingsApi(APIView):
    @extend_schema(operation_id="speech_settings_retrieve", summary="Your defaults for new jobs",
                   responses=SpeechSettingsOutput)  # fmt: skip
    def get(self, request):
        review = selectors.review_by_default(request.user)
        return Response(SpeechSettingsOutput({"review_before_render": review}).data)

    @extend_schema(operation_id="speech_settings_update", summary="Change your defaults",
                   request=SpeechSettingsInput, responses=SpeechSettingsOutput)  # fmt: skip
    def put(self, request):
        data = SpeechSettingsInput(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.speech_settings_update(user=request.user, **data.validated_data)
        return Response(SpeechSettingsOutput(saved).data)
