"""Media downloads: Django checks who may have the file, then nginx or Django sends it.

In production (``HEYGEM_DOWNLOADS=nginx``) the answer is an ``X-Accel-Redirect``
(django-sendfile2) to nginx's internal ``/protected-media/`` location, so no
gunicorn thread streams video; nginx then answers ``Range``, ``If-Range``,
``If-None-Match`` and ``If-Modified-Since`` itself.

With media in a bucket, ``HEYGEM_DOWNLOADS=redirect`` answers a 302 to a
presigned URL of the object (valid ``HEYGEM_DOWNLOAD_URL_SECONDS``), for clients
that reach the bucket themselves; the bucket then answers ranges and validators.
Nginx cannot send an object it has no path for, so with a bucket and
``HEYGEM_DOWNLOADS=nginx`` (or ``django``) Django streams it as below: the same
URL answers the same bytes and headers whatever the store, and the bucket need not
be reachable from clients.

Without nginx (the demo, tests, ``HEYGEM_DOWNLOADS=django``) Django streams the
file: ``ETag`` and ``Last-Modified`` with conditional GET (304), and single
ranges — ``bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` — as a 206, an
unsatisfiable one as a 416. Multiple ranges and malformed headers are ignored,
as RFC 9110 allows, and the whole file is sent; so is a ``Range`` whose
``If-Range`` names another version of the file.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe
from django.utils.text import slugify
from django_sendfile import sendfile

from . import selectors, storage

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
    """The range's bytes from ``fh``, opened at its start."""
    with fh:
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
    """The stored file ``name`` (or the slice its ``Range`` asks for), or a 304.

    Raises Http404 when nothing is stored under ``name`` (yet).
    """
    if not storage.exists(name):
        raise Http404("Not available yet.")
    mode = settings.HEYGEM["DOWNLOADS"]
    if mode == "nginx" and storage.is_local():
        return _through_nginx(request, name, content_type, filename, as_attachment)
    if mode == "redirect":
        url = storage.download_url(name, content_type=content_type, filename=filename,
                                   as_attachment=as_attachment)  # fmt: skip
        if url is not None:
            response = HttpResponseRedirect(url)
            # Whoever holds the URL gets the file until it expires: no cache may keep it.
            response["Cache-Control"] = "private, no-store"
            return response
    size = storage.size(name)
    modified = int(storage.media().get_modified_time(name).timestamp())
    # Size and time of the file: a job's result is written once, a retry writes a new one.
    etag = f'"{size:x}-{modified:x}"'
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = _streamed(request, name, size, content_type, filename, as_attachment,
                             applies=_range_applies(request, etag, modified))  # fmt: skip
    # A 304 carries the validators too (RFC 9110 15.4.5).
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Accept-Ranges"] = "bytes"
    return response


def _through_nginx(request, name, content_type, filename, as_attachment) -> HttpResponse:
    # Content-Length 0: the body comes from nginx, and an upstream promising the
    # file's length without sending it would stall a keep-alive connection.
    return sendfile(
        request, storage.location_of(name), attachment=as_attachment,
        attachment_filename=filename, mimetype=content_type, content_length=0,
    )  # fmt: skip


def _range_applies(request: HttpRequest, etag: str, modified: int) -> bool:
    """``If-Range``: the range holds only for the version the client already has part of."""
    condition = request.headers.get("If-Range")
    if not condition:
        return True
    if condition.startswith(('"', "W/")):
        return condition == etag
    return parse_http_date_safe(condition) == modified


def _streamed(request, name, size, content_type, filename, as_attachment, *, applies):
    header = request.headers.get("Range") if applies else None
    try:
        byte_range = parse_range(header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if byte_range is None:
        response = FileResponse(
            storage.open_for_download(name), content_type=content_type, filename=filename,
            as_attachment=as_attachment,
        )  # fmt: skip
        response["Content-Length"] = str(size)  # a bucket's stream does not know its length
        return response
    fh = storage.open_for_download(name, byte_range.start, byte_range.end)
    response = StreamingHttpResponse(_slice(fh, byte_range), status=206, content_type=content_type)
    response["Content-Length"] = str(byte_range.length)
    response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


# --- Zips of many files (a batch's results) --------------------------------------


class _Chunks(io.RawIOBase):
    """A write-only, unseekable stream: zipfile writes into it, the generator hands it on."""

    def __init__(self):
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def zip_stream(entries: Iterable[tuple[str, str | bytes]]) -> Iterator[bytes]:
    """A zip of (name in the zip, storage name or bytes) made while it is sent.

    Nothing is held but one chunk: zipfile writes local headers, data and data
    descriptors in order to an unseekable stream. Videos are stored, not
    deflated (they are compressed already); ZIP64 lets a member pass 4 GB.
    """
    out = _Chunks()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for arcname, source in entries:
            if isinstance(source, bytes):
                archive.writestr(arcname, source)
                yield out.take()
                continue
            with (
                storage.open_for_download(source) as src,
                archive.open(arcname, "w", force_zip64=True) as dst,
            ):
                while chunk := src.read(CHUNK * 16):
                    dst.write(chunk)
                    yield out.take()
        yield out.take()
    yield out.take()  # the central directory, written as the archive closes


def zip_response(
    entries: Iterable[tuple[str, str | bytes]], filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(zip_stream(entries), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def batch_zip_response(batch) -> StreamingHttpResponse:
    """A batch's finished videos, one per row, and manifest.csv saying what became of each row.

    404 while no row has a video.
    """
    items = list(selectors.batch_items(batch))
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["row", "title", "job", "status", "file", "error"])
    files = []
    for item in items:
        job, name = item.job, ""
        if job.result_video and storage.exists(job.result_video):
            stem = slugify(item.title)[:60] or str(job.pk)
            name = f"{item.row:04d}-{stem}.mp4"
            files.append((name, job.result_video))
        writer.writerow([item.row, item.title, job.pk, job.status, name, job.error])
    if not files:
        raise Http404("No row of the batch has a finished video yet.")
    entries = [("manifest.csv", manifest.getvalue().encode()), *files]
    return zip_response(entries, f"heygem-batch-{batch.pk}.zip")
