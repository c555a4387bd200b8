"""Project-wide REST pieces: the error envelope, JSON on every /api/ path, pagination, input.

Every v1 error answers drf-standardized-errors' envelope::

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "required", "detail": "This field is required.", "attr": "text"}]}

``code`` is for machines, ``detail`` for people, ``attr`` names the field (null
when the error is about the whole request). The seed's endpoints keep their
own shape (jobs.api.seed); paths under /api/ that match no view answer JSON too
(``ApiJsonErrorsMiddleware``).
"""

from django.core.exceptions import BadRequest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from jobs.services.limits import CapExceeded, SubmitRefused


class Refused(exceptions.APIException):
    """A submit over an owner's cap (429) or onto a nearly full disk (507), with Retry-After."""

    def __init__(self, refused: SubmitRefused):
        self.status_code = 429 if isinstance(refused, CapExceeded) else 507
        self.wait = refused.retry_after  # Retry-After, when the service knows it
        super().__init__(str(refused), code=refused.code)


def as_drf_exception(exc):
    """Services raise Django's ValidationError keyed by field; the API answers it as a 400.

    A refused submit (jobs.services.limits) answers 429 or 507 naming the cap.
    """
    if isinstance(exc, SubmitRefused):
        return Refused(exc)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, BadRequest):  # e.g. a body cut off mid-upload (complete_bodies)
        return exceptions.ParseError(str(exc))
    return exc


class ErrorHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc):
        return super().convert_known_exceptions(as_drf_exception(exc))

    def report_exception(self, exc, response):
        # A 507 for a nearly full disk is an answer, not a crash to report as one.
        if not isinstance(exc, Refused):
            super().report_exception(exc, response)


def seed_exception_handler(exc, context):
    """DRF's own shapes, which the seed's views wrap in theirs."""
    return drf_exception_handler(as_drf_exception(exc), context)


class Conflict(exceptions.APIException):
    """The request is fine but the resource's state forbids it (cancel an ended job …)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The resource's state does not allow this."


class KeyReused(exceptions.APIException):
    """The Idempotency-Key names an earlier, different request (jobs.idempotency)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "The Idempotency-Key was already used for a different request."


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="For machines: required, invalid, not_found …")
    detail = serializers.CharField(help_text="For people: what is wrong.")
    attr = serializers.CharField(
        allow_null=True, help_text="The field at fault (nested: a.b); null for the request."
    )


class BadRequestResponseSerializer(serializers.Serializer):
    """A 400: field errors (``validation_error``) or a body that does not parse."""

    type = serializers.ChoiceField(choices=[("validation_error",) * 2, ("client_error",) * 2])
    errors = ErrorSerializer(many=True)


class ConflictErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("conflict", "conflict")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ConflictResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = ConflictErrorSerializer(many=True)


# What a 409 answers, for the schema of the views that raise ``Conflict``.
CONFLICT = ConflictResponseSerializer


class KeyReusedErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("idempotency_key_reused",) * 2])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class KeyReusedResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = KeyReusedErrorSerializer(many=True)


KEY_REUSED = KeyReusedResponseSerializer


def file_responses(content_type: str) -> dict:
    """The answers of a download: the file, a slice of it, not modified, no such range."""
    return {
        (200, content_type): OpenApiResponse(bytes, description="The whole file."),
        (206, content_type): OpenApiResponse(bytes, description="The range asked for."),
        304: OpenApiResponse(description="Unchanged since the ETag or date you sent."),
        416: OpenApiResponse(description="The range lies past the end of the file."),
    }


# --- JSON for every /api/ path --------------------------------------------------

NON_API_PREFIXES = ("/api/docs/", "/api/schema/")
ERROR_CODES = {404: "not_found", 405: "method_not_allowed", 500: "error"}


class ApiJsonErrorsMiddleware:
    """A URL under /api/ that no view matched (``/api/v1/jobs/not-a-uuid/``) answers JSON.

    Django's own 404/500 pages are HTML (and in DEBUG a debug page); a client
    of the API must never have to parse one. Only HTML error pages are replaced:
    a 416 with its ``Content-Range`` is an answer, not a page. v1 paths get the envelope, the
    seed's paths the seed's shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if (
            response.status_code < 400
            or not path.startswith("/api/")
            or path.startswith(NON_API_PREFIXES)
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        return api_error_response(path, response.status_code)


def api_error_response(path: str, status_code: int) -> JsonResponse:
    message = {404: "Not found.", 405: "Method not allowed."}.get(status_code, "Server error.")
    if not path.startswith("/api/v"):
        body = {"success": False, "message": message, "errors": {"detail": message}}
        return JsonResponse(body, status=status_code)
    kind = "server_error" if status_code >= 500 else "client_error"
    code = ERROR_CODES.get(status_code, "error")
    error = {"code": code, "detail": message, "attr": None}
    return JsonResponse({"type": kind, "errors": [error]}, status=status_code)


# --- Pagination and input ---------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def paginated(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one page of ``item``s, as ``Pagination`` answers it."""
    return type(
        f"Paginated{item.__name__.removesuffix('Output')}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(min_value=0),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
            "__doc__": f"One page of {item.__name__.removesuffix('Output').lower()}s.",
        },
    )


class StrictCharField(serializers.CharField):
    """A string, and only a string: numbers and booleans are a type error here."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class InputSerializer(serializers.Serializer):
    """Input that names every field it does not know instead of ignoring it."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise exceptions.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class InputSerializerSchema(OpenApiSerializerExtension):
    """The schema says what ``InputSerializer`` does: no field beyond those listed."""

    target_class = InputSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}
