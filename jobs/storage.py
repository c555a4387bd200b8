"""Job and voice media through Django's storage API: the one place names become files.

Rows hold storage *names* (``jobs/<id>/result.mp4``), never paths. Media tools and
engines need real local files, so work goes through two context managers:
``reading`` hands out a local file with a stored name's content, ``writing`` a
local path whose content is stored when the block ends without an error. On the
local disk (``FileSystemStorage``) both are the stored file itself, so nothing is
copied; on a remote store (issue 10: a shared bucket) they are a worker-local
copy. Swapping the store changes ``STORAGES["default"]`` (``HEYGEM_MEDIA_STORE``)
and nothing else.

A bucket (django-storages' ``S3Storage``) gets a few direct calls where the generic
API would be slow or wrong for media: copies and downloads stream (its ``open``
loads a whole object into memory first), a folder is one prefix (it has no
folders to ask ``exists`` about), and a download may be a presigned URL.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage

if TYPE_CHECKING:
    from storages.backends.s3 import S3Storage

JOBS, VOICES, DEFAULTS, SCRATCH = "jobs", "voices", "defaults", "scratch"


def media() -> Storage:
    return default_storage


def job_folder(job_id: object) -> str:
    return f"{JOBS}/{job_id}"


def job_name(job_id: object, filename: str) -> str:
    return f"{job_folder(job_id)}/{filename}"


def voice_folder(key: str) -> str:
    return f"{VOICES}/{key}"


def voice_name(key: str, filename: str) -> str:
    return f"{voice_folder(key)}/{filename}"


def folder_of(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


def is_voice_folder(folder: str) -> bool:
    """A folder of its own under voices/ (not a job's folder holding a job's voice)."""
    return folder_of(folder) == VOICES


def default_name(filename: str) -> str:
    return f"{DEFAULTS}/{filename}"


def _local(name: str) -> Path | None:
    """The stored file's own path when the store is a local disk, else None."""
    try:
        return Path(media().path(name))
    except NotImplementedError:
        return None


def _bucket() -> "S3Storage | None":
    """The store when it is an S3 bucket (django-storages), else None."""
    store: Any = media()
    return store if hasattr(store, "bucket_name") else None


def _key(bucket: "S3Storage", name: str) -> str:
    """The object key of a stored name (under the store's ``location`` prefix)."""
    from storages.utils import clean_name  # boto3 is imported only where a bucket is used

    return str(bucket._normalize_name(clean_name(name)))


def _client(bucket: "S3Storage") -> Any:
    return bucket.connection.meta.client  # one per thread: boto3 clients are not shared


def location_of(name: str) -> str:
    """Where a person finds the stored file: its absolute path on a local disk,
    ``s3://bucket/key`` in a bucket, else its name."""
    local = _local(name)
    if local is not None:
        return str(local.resolve())
    bucket = _bucket()
    return f"s3://{bucket.bucket_name}/{_key(bucket, name)}" if bucket is not None else name


def describe() -> str:
    """The store in a few words, for the dashboard: a folder or a bucket."""
    bucket = _bucket()
    if bucket is None:
        local = _local(DEFAULTS)
        return f"folder {local.parent}" if local is not None else type(media()).__name__
    where = f" at {bucket.endpoint_url}" if bucket.endpoint_url else ""
    return f"bucket {bucket.bucket_name}{where}"


def is_local() -> bool:
    """True when the store is a local disk that nginx can send files from."""
    return _local(DEFAULTS) is not None


def problem() -> str | None:
    """Why media cannot be stored now (for /readyz), or None.

    A bucket must answer with these credentials; a local store's folder (or the
    nearest folder it will be made in) must be writable: a lost NFS mount or a
    read-only disk shows here before a stage fails on it.
    """
    bucket = _bucket()
    if bucket is not None:
        try:
            _client(bucket).head_bucket(Bucket=bucket.bucket_name)
        except Exception as exc:  # botocore's errors: refused, no such bucket, bad keys
            return f"the media bucket {bucket.bucket_name} does not answer: {exc}"
        return None
    local = _local(DEFAULTS)
    if local is None:
        return None
    while not local.exists() and local != local.parent:
        local = local.parent
    writable = os.access(local, os.W_OK | os.X_OK)
    return None if writable else f"the media folder {local} is not writable"


def exists(name: str) -> bool:
    return bool(name) and media().exists(name)


def size(name: str) -> int:
    return media().size(name)


def open_for_download(name: str, start: int = 0, end: int | None = None) -> IO[bytes]:
    """The stored bytes from ``start`` (to ``end``, inclusive), as a stream to send."""
    bucket = _bucket()
    if bucket is None:
        fh = media().open(name, "rb")
        fh.seek(start)
        return fh
    whole = start == 0 and end is None  # a range of an empty object would be refused (416)
    wanted = {} if whole else {"Range": f"bytes={start}-{'' if end is None else end}"}
    answer = _client(bucket).get_object(Bucket=bucket.bucket_name, Key=_key(bucket, name),
                                        **wanted)  # fmt: skip
    body: IO[bytes] = answer["Body"]
    return body


def download_url(name: str, *, content_type: str, filename: str, as_attachment: bool) -> str | None:
    """A presigned URL a client fetches the file from itself; None when the store has none.

    It works for anyone holding it until it expires (``HEYGEM_DOWNLOAD_URL_SECONDS``),
    so it is handed out only after the owner check.
    """
    from django.utils.http import content_disposition_header

    bucket = _bucket()
    if bucket is None:
        return None
    url: str = bucket.url(name, parameters={
        "ResponseContentType": content_type,
        "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
    })  # fmt: skip
    return url


@contextmanager
def reading(name: str) -> Iterator[Path]:
    """A local file holding what ``name`` holds, for ffmpeg or an engine to read."""
    local = _local(name)
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="heygem-read-") as scratch:
        copy = Path(scratch) / Path(name).name
        bucket = _bucket()
        if bucket is not None:
            _download(bucket, name, copy)
        else:
            with media().open(name, "rb") as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out)
        yield copy


def _download(bucket: "S3Storage", name: str, path: Path) -> None:
    """The object straight to ``path`` in parts (a bucket's ``open`` holds it all in memory)."""
    from botocore.exceptions import ClientError

    try:
        _client(bucket).download_file(bucket.bucket_name, _key(bucket, name), str(path))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            raise FileNotFoundError(f"nothing is stored as {name}") from exc
        raise


@contextmanager
def writing(name: str) -> Iterator[Path]:
    """A local path to write ``name`` to; stored when the block succeeds, dropped if not.

    Writers make their output under a partial name and rename it (engines and
    media tools all do), so on a local disk the path is the stored file itself.
    """
    local = _local(name)
    if local is not None:
        local.parent.mkdir(parents=True, exist_ok=True)
        try:
            yield local
        except BaseException:
            local.unlink(missing_ok=True)
            raise
        return
    with tempfile.TemporaryDirectory(prefix="heygem-write-") as scratch:
        path = Path(scratch) / Path(name).name
        yield path
        store_file(path, name)


def store_file(path: Path, name: str, *, move: bool = False) -> None:
    """Store a local file under ``name``, replacing what was there.

    ``move`` lets a local store take the file itself (a rename when ``path`` came
    from ``scratch``, which is on the same disk).
    """
    local = _local(name)
    if local is not None:
        local.parent.mkdir(parents=True, exist_ok=True)
        if move:
            try:
                os.replace(path, local)
                return
            except OSError:  # another filesystem: copy instead
                pass
        partial = local.with_name(f".{local.name}.partial")
        shutil.copyfile(path, partial)
        os.replace(partial, local)
        return
    if media().get_available_name(name) != name:
        media().delete(name)  # save() would pick another name rather than overwrite
    # A bucket replaces an object in one PUT: readers see the old file or the new one.
    with path.open("rb") as fh:
        media().save(name, File(fh))


@contextmanager
def scratch() -> Iterator[Path]:
    """A private work folder for checking uploads, removed afterwards.

    On a local store it lies on the store's disk, so keeping a checked file is a
    rename, not a copy of a large upload.
    """
    root = _local(SCRATCH)
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="heygem-", dir=root) as folder:
        yield Path(folder)


def copy(source: str, dest: str) -> None:
    with reading(source) as path:
        store_file(path, dest)


def delete(name: str) -> None:
    if name:
        media().delete(name)


def delete_folder(folder: str) -> None:
    """Remove everything stored under ``folder`` (a job's or a voice's media)."""
    local = _local(folder)
    if local is not None:
        shutil.rmtree(local, ignore_errors=True)
        return
    bucket = _bucket()
    if bucket is not None:
        bucket.bucket.objects.filter(Prefix=_key(bucket, folder) + "/").delete()
        return
    dirs, files = media().listdir(folder)
    for filename in files:
        media().delete(f"{folder}/{filename}")
    for sub in dirs:
        delete_folder(f"{folder}/{sub}")


def disk_usage() -> tuple[str, int, int] | None:
    """(path, free bytes, total bytes) of the disk holding the media store; None if not local."""
    local = _local(DEFAULTS)
    if local is None:
        return None
    while not local.exists() and local != local.parent:  # the store's folders come on first use
        local = local.parent
    usage = shutil.disk_usage(local)
    return str(local), usage.free, usage.total


def free_bytes() -> int | None:
    """Free bytes on the disk holding the media store; None when it is not a local disk."""
    usage = disk_usage()
    return None if usage is None else usage[1]


def scratch_usage() -> tuple[str, int, int] | None:
    """(path, free bytes, total bytes) of this host's scratch disk when the store is remote.

    There ``reading`` and ``writing`` make their local copies and uploads are
    checked, so a stage fills it, not the store (``TMPDIR`` moves it). None on a
    local store: copies are not made there.
    """
    if is_local():
        return None
    folder = tempfile.gettempdir()
    usage = shutil.disk_usage(folder)
    return folder, usage.free, usage.total


def write_volume() -> tuple[str, int | None]:
    """The disk a stage's output is written on, named for a person, and its free bytes:
    the media volume itself, or this host's scratch disk before a remote store takes it."""
    scratch_disk = scratch_usage()
    if scratch_disk is not None:
        return f"this host's scratch disk ({scratch_disk[0]})", scratch_disk[1]
    return "the media volume", free_bytes()


def folder_size(folder: str) -> int:
    """Bytes stored under ``folder`` (what deleting it frees)."""
    local = _local(folder)
    if local is not None:
        return (
            sum(p.stat().st_size for p in local.rglob("*") if p.is_file()) if local.exists() else 0
        )
    bucket = _bucket()
    if bucket is not None:
        prefix = _key(bucket, folder) + "/"
        return sum(item.size for item in bucket.bucket.objects.filter(Prefix=prefix))
    if not media().exists(folder):
        return 0
    dirs, files = media().listdir(folder)
    return sum(media().size(f"{folder}/{f}") for f in files) + sum(
        folder_size(f"{folder}/{d}") for d in dirs
    )
