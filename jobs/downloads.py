"""Streamed file downloads with single-range HTTP ``Range`` support.

Video players seek by asking for byte ranges, and resumable downloads ask for
the tail of a file, so every media download (v1 API, seed API, pages) answers
``Range: bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` with a 206 and the slice,
and an unsatisfiable range with a 416. Multiple ranges and malformed headers
are ignored, as RFC 9110 allows, and the whole file is sent.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from . import storage

RANGE_RE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range a ``Range`` header asks for; None to send the whole file.

    Raises Unsatisfiable when the range lies wholly past the end of the file.
    """
    match = RANGE_RE.match(header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # suffix: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    end = int(last) if last else size - 1
    return ByteRange(start, min(end, size - 1))


def _slice(fh: IO[bytes], byte_range: ByteRange) -> Iterator[bytes]:
    with fh:
        fh.seek(byte_range.start)
        remaining = byte_range.length
        while remaining > 0:
            block = fh.read(min(CHUNK, remaining))
            if not block:
                return
            remaining -= len(block)
            yield block


def stored_file_response(
    request: HttpRequest,
    name: str,
    *,
    content_type: str,
    filename: str,
    as_attachment: bool = False,
) -> HttpResponse:
    """Stream the stored file ``name``, or the slice its ``Range`` header asks for.

    Raises Http404 when nothing is stored under ``name`` (yet).
    """
    if not storage.exists(name):
        raise Http404("Not available yet.")
    size = storage.size(name)
    try:
        byte_range = parse_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        response = HttpResponse(status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{size}"
        return response
    fh = storage.open_for_download(name)
    if byte_range is None:
        response = FileResponse(
            fh, content_type=content_type, filename=filename, as_attachment=as_attachment
        )
    else:
        response = StreamingHttpResponse(
            _slice(fh, byte_range), status=206, content_type=content_type
        )
        response["Content-Length"] = str(byte_range.length)
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["Accept-Ranges"] = "bytes"
    return response
