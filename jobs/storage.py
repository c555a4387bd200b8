"""Job and voice media through Django's storage API: the one place names become files.

Rows hold storage *names* (``jobs/<id>/result.mp4``), never paths. Media tools and
engines need real local files, so work goes through two context managers:
``reading`` hands out a local file with a stored name's content, ``writing`` a
local path whose content is stored when the block ends without an error. On the
local disk (``FileSystemStorage``) both are the stored file itself, so nothing is
copied; on a remote store (issue 10: a shared bucket) they are a worker-local
copy. Swapping the store changes ``STORAGES["default"]`` and nothing else.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage

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


def location_of(name: str) -> str:
    """Where a person finds the stored file: its absolute path on a local disk, else its name."""
    local = _local(name)
    return str(local.resolve()) if local is not None else name


def is_local() -> bool:
    """True when the store is a local disk that nginx can send files from."""
    return _local(DEFAULTS) is not None


def exists(name: str) -> bool:
    return bool(name) and media().exists(name)


def size(name: str) -> int:
    return media().size(name)


def open_for_download(name: str) -> File:
    return media().open(name, "rb")


@contextmanager
def reading(name: str) -> Iterator[Path]:
    """A local file holding what ``name`` holds, for ffmpeg or an engine to read."""
    local = _local(name)
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="heygem-read-") as scratch:
        copy = Path(scratch) / Path(name).name
        with media().open(name, "rb") as source, copy.open("wb") as out:
            shutil.copyfileobj(source, out)
        yield copy


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
    media().delete(name)  # save() would pick another name rather than overwrite
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


def folder_size(folder: str) -> int:
    """Bytes stored under ``folder`` (what deleting it frees)."""
    local = _local(folder)
    if local is not None:
        return (
            sum(p.stat().st_size for p in local.rglob("*") if p.is_file()) if local.exists() else 0
        )
    if not media().exists(folder):
        return 0
    dirs, files = media().listdir(folder)
    return sum(media().size(f"{folder}/{f}") for f in files) + sum(
        folder_size(f"{folder}/{d}") for d in dirs
    )
