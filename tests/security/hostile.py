"""Hostile files and a watch on what a media tool opens, for the security tests."""

import os
import struct
import subprocess
import threading
import time
from pathlib import Path

SECRET = b"TOP-SECRET-42-do-not-leak"


def hls_playlist(target: Path) -> bytes:
    return (
        b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:5\n#EXTINF:5.0,\n"
        + str(target).encode()
        + b"\n#EXT-X-ENDLIST\n"
    )


def ffconcat_list(target: Path) -> bytes:
    return b"ffconcat version 1.0\nfile " + str(target).encode() + b"\n"


def concat_txt(target: Path) -> bytes:
    """The concat demuxer's list without its header (what `-f concat -i list.txt` reads)."""
    return b"file '" + str(target).encode() + b"'\n"


class OpenWatch:
    """A FIFO that notices being opened for reading.

    Opening a FIFO to write without blocking succeeds only while a reader has it
    open, and a reader's open blocks until a writer comes: polling for that both
    sees every reader and lets it go on (it then reads end-of-file).
    """

    def __init__(self, path: Path):
        self.path = path
        os.mkfifo(path)
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody reads it
                time.sleep(0.002)
                continue
            self.opened += 1
            os.close(fd)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        time.sleep(0.1)  # a reader opening right now is still seen
        self._stop.set()
        self._thread.join()


def write_secret_media(path: Path) -> Path:
    """A short WAV whose header names the secret, so any copy of its bytes is visible."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "sine=frequency=1234:duration=4", "-metadata", f"comment={SECRET.decode()}",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


# --- A QuickTime file whose samples live in another file (an 'alis' data reference) ---


def _boxes(data: bytes):
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        yield kind, data[offset + 8 : offset + size]
        offset += size


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body) + 8, kind) + body


def _alias_to(name: str) -> bytes:
    """A Mac alias record ('alis' dref entry) naming ``name`` next to the file itself."""
    fixed = (
        b"\0" * 10
        + bytes([0]) + b"\0" * 27  # volume name (none)
        + b"\0" * 12
        + bytes([len(name)]) + name.encode().ljust(63, b"\0")
        + b"\0" * 16
        + struct.pack(">HH", 1, 1)  # one level up from the alias, one down to the target
        + b"\0" * 16
    )  # fmt: skip
    path = f"/media/{name}".encode()
    padded = path + b"\0" * (len(path) % 2)  # ffmpeg reads an odd length rounded up
    tlv = struct.pack(">HH", 2, len(path)) + padded + struct.pack(">hH", -1, 0)
    entry = b"alis" + b"\0\0\0\0" + fixed + tlv  # flags 0: the data is elsewhere
    return struct.pack(">II", 0, 1) + struct.pack(">I", len(entry) + 4) + entry


def _rewrite(data: bytes, target: str) -> bytes:
    out = b""
    for kind, body in _boxes(data):
        if kind in (b"moov", b"trak", b"mdia", b"minf", b"dinf"):
            body = _rewrite(body, target)
        elif kind == b"dref":
            body = _alias_to(target)
        elif kind == b"mdat":
            body = b"\0" * len(body)  # its own samples are gone: only the other file has them
        out += _box(kind, body)
    return out


def external_reference_mov(folder: Path) -> tuple[Path, Path]:
    """(reference.m4a, secret.m4a): the first's audio samples are only in the second."""
    secret = folder / "secret.m4a"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "sine=frequency=1234:duration=4", "-c:a", "aac", str(secret)],
        check=True,
    )  # fmt: skip
    reference = folder / "reference.m4a"
    reference.write_bytes(_rewrite(secret.read_bytes(), secret.name))
    return reference, secret


def damaged_media(data: bytes) -> bytes:
    """The same file with its samples scrambled: it probes well and decodes to errors."""
    out = b""
    for kind, body in _boxes(data):
        if kind == b"mdat":
            body = bytes((i * 37) % 256 for i in range(len(body)))
        out += _box(kind, body)
    return out
