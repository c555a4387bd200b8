"""Idempotency-Key: the same request sent again gets its job back; a different one is refused.

A client retrying after a timeout sends the same key and body: it must get the
job its first try made, not a second one. The same key on a different request is
a client bug (a key reused by mistake); answering it with the old job would
silently drop what the client asked for, so it is refused instead. What a request
asked for is kept as a fingerprint: a sha256 over text, priority, voice, callback
and the uploaded video's bytes.
"""

import hashlib
import json
from pathlib import Path

from .models import Job


class IdempotencyKeyReused(Exception):
    def __init__(self, key: str):
        super().__init__(
            f"The Idempotency-Key {key!r} was already used for a different request (other "
            "text, priority, voice, callback URL or video). Send a new key with a new request."
        )


def request_fingerprint(*, text, priority, voice, callback_url, video, burn_subtitles=False) -> str:
    # An option only in the fingerprint when set: keys stored before it existed still match.
    extra = {"burn_subtitles": True} if burn_subtitles else {}
    fields = {
        **extra,
        "text": text,
        "priority": priority,
        "voice": getattr(voice, "pk", voice),
        "callback_url": callback_url,
        "video": _video_sha256(video),
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _video_sha256(video) -> str:
    if video is None:
        return ""
    digest = hashlib.sha256()
    if hasattr(video, "chunks"):
        for chunk in video.chunks():
            digest.update(chunk)
    else:
        with Path(video).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def job_for_key(*, owner, key: str, fingerprint: str) -> Job | None:
    """The job an earlier request with this key made, if it asked for the same thing."""
    if not key:
        return None
    job = Job.objects.filter(owner=owner, idempotency_key=key).first()
    # Jobs made before fingerprints were kept have none: they match as before.
    if job is not None and job.request_fingerprint and job.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(key)
    return job
