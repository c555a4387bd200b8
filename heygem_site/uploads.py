"""The upload size cap, enforced before and while a request body streams in.

(A body that ends early is heygem_site.complete_bodies's; it is answered here.)
Two layers, so an oversized body is never buffered:

* ``UploadLimitMiddleware`` refuses a body whose declared ``Content-Length``
  is over the cap before anything reads it (under WSGI the body can never be
  longer than it declares, so this is the layer that fires in practice);
* ``CappedUploadHandler`` counts file bytes as the multipart parser streams
  them and stops the parse once the running total passes the cap, for servers
  that stream bodies of unknown length.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.views.defaults import bad_request as default_bad_request
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import MultiPartParser

from .complete_bodies import BodyEndedEarly

# Plain form fields and JSON bodies are read into memory; they get Django's
# in-memory limit rather than the file cap.
FORM_CONTENT_TYPES = ("multipart/form-data",)


def max_upload_bytes() -> int:
    return settings.HEYGEM["MAX_UPLOAD_BYTES"]


def too_large_message(limit: int) -> str:
    size = f"{limit / 1e6:,.0f} MB" if limit >= 1e6 else f"{limit / 1e3:,.0f} kB"
    return f"The upload is larger than the limit of {size}."


class UploadTooLarge(MultiPartParserError):
    """Raised mid-parse; Django answers MultiPartParserError through handler400."""


class UploadTooLargeApi(APIException):
    status_code = 413
    default_code = "upload_too_large"


class CappedUploadHandler(FileUploadHandler):
    """Pass chunks through unchanged, counting them; stop past the cap."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = max_upload_bytes()
        if content_length and content_length > self.limit:
            raise UploadTooLarge(too_large_message(self.limit))

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            raise UploadTooLarge(too_large_message(self.limit))
        return raw_data

    def file_complete(self, file_size):
        return None


class CappedMultiPartParser(MultiPartParser):
    """DRF's multipart parser, answering 413 (not 400) when the cap stops a parse."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            # DRF turns every MultiPartParserError into a 400 ParseError.
            if isinstance(exc.__context__, UploadTooLarge):
                raise UploadTooLargeApi(str(exc.__context__)) from exc
            raise


def body_limit(content_type: str) -> int:
    if content_type.startswith(FORM_CONTENT_TYPES):
        return max_upload_bytes()
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or max_upload_bytes()


def too_large_response(request, limit: int):
    message = too_large_message(limit)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "success": False, "message": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            return too_large_response(request, limit)
        return self.get_response(request)


def bad_request(request, exception):
    """handler400: a size-capped upload is a 413; a cut-off one says so (JSON for the API)."""
    if isinstance(exception, UploadTooLarge):
        return too_large_response(request, max_upload_bytes())
    if isinstance(exception, BodyEndedEarly) and request.path.startswith("/api/"):
        message = str(exception)
        return JsonResponse({"detail": message, "success": False, "message": message}, status=400)
    return default_bad_request(request, exception)
