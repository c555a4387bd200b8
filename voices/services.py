"""Writes to voices: reference extraction, creation, rename and delete."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from jobs import media, storage, uploads
from jobs.engines import Heartbeat, PreparedVoice, TtsEngine
from jobs.models import GpuSlot, Job
from jobs.textclean import clean_text

from .models import Voice, VoicePreparation

# A reference of 5–30 s clones well; longer ones only slow the engine's ASR pass,
# and under 3 s of voice there is too little to clone.
REFERENCE_MAX_SECONDS = 30.0
REFERENCE_MIN_SECONDS = 3.0


class ReferenceUnusable(ValueError):
    """The recording gives no usable reference voice; the message says why."""


class ReferenceUnreadable(ReferenceUnusable):
    def __init__(self) -> None:
        super().__init__("The recording's sound could not be decoded (the file is damaged).")


class ReferenceTooShort(ReferenceUnusable):
    def __init__(self, seconds: float):
        super().__init__(
            f"The recording has {seconds:.1f} s of voice; a voice needs at least "
            f"{REFERENCE_MIN_SECONDS:.0f} s (5–30 s works best)."
        )
        self.seconds = seconds


@dataclass(frozen=True)
class Reference:
    name: str  # in storage
    sha256: str
    duration: float


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def reference_extract(*, source: Path, name: str) -> Reference:
    """Mono, loudness-normalized WAV of 3–30 s of voice from any audio or video file.

    Silence at either end is cut first; raises ReferenceTooShort (and stores nothing)
    when too little voice remains, ReferenceUnreadable when it cannot be decoded.
    """
    with storage.writing(name) as out:
        try:
            media.extract_audio(source, out, max_seconds=REFERENCE_MAX_SECONDS, trim_silence=True)
        except media.MediaError as exc:
            raise ReferenceUnreadable() from exc
        info = media.probe(out, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
        if info.duration < REFERENCE_MIN_SECONDS:
            raise ReferenceTooShort(info.duration)
        sha = file_sha256(out)
    return Reference(name=name, sha256=sha, duration=info.duration)


def voice_create(
    *, owner: Any, name: str, reference: Reference, saved: bool = True, text: str = ""
) -> Voice:
    return Voice.objects.create(
        owner=owner,
        name=name,
        audio=reference.name,
        audio_sha256=reference.sha256,
        duration_seconds=reference.duration,
        reference_text=text,
        saved=saved,
    )


def voice_prepare(
    *,
    voice: Voice,
    slot: GpuSlot,
    engine: TtsEngine,
    heartbeat: Heartbeat | None = None,
    db: Callable[[Callable[[], Any]], Any] = lambda call: call(),
) -> PreparedVoice:
    """The voice as ``slot``'s engine knows it, prepared once per (voice, slot, audio).

    A cached preparation is redone when the voice's audio changed (its sha256) or
    when the engine no longer has the files it made (a wiped data dir). ``db`` runs
    each database call: a stage passes its own, which rides out a database restart.
    """
    with storage.reading(voice.audio) as audio:
        if not engine.needs_preparation:
            return PreparedVoice(audio_path=audio, reference_text=voice.reference_text)
        cached = db(
            lambda: VoicePreparation.objects.filter(
                voice=voice, slot=slot, audio_sha256=voice.audio_sha256
            ).first()
        )
        if cached:
            prepared = PreparedVoice(
                audio_path=audio,
                reference_audio=cached.reference_audio,
                reference_text=cached.reference_text,
            )
            if engine.is_prepared(prepared):
                return prepared
        # Slow (ASR on the GPU) and outside any transaction; a slot runs one stage at a
        # time, so two workers never prepare the same (voice, slot) at once.
        prepared = engine.prepare_voice(audio, voice.reference_text, heartbeat)
    db(
        lambda: VoicePreparation.objects.update_or_create(
            voice=voice,
            slot=slot,
            defaults={
                "audio_sha256": voice.audio_sha256,
                "reference_audio": prepared.reference_audio,
                "reference_text": prepared.reference_text,
            },
        )
    )
    return prepared


# --- Managing saved voices (API and pages) -----------------------------------


def _voice_name(*, owner: Any, name: object, exclude_pk: int | None = None) -> str:
    name = clean_text(name).strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationError({"name": "Give the voice a name."})
    if len(name) > 100:
        raise ValidationError({"name": "Use at most 100 characters."})
    taken = Voice.objects.filter(owner=owner, saved=True, name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": f"You already have a voice named {name!r}."})
    return name


def voice_create_from_upload(
    *, owner: Any, name: str, audio: Any, reference_text: str = ""
) -> Voice:
    """A saved voice from an uploaded audio or video file, checked by its content.

    The upload's own file name is never used as a path; only its reference WAV is kept.
    ``reference_text``, what the recording says, is optional: cloning engines
    transcribe the recording themselves when it is missing.
    """
    name = _voice_name(owner=owner, name=name)
    reference_text = " ".join(clean_text(reference_text or "").split())
    key = uuid.uuid4().hex
    try:
        with storage.scratch() as scratch:
            source, _ = uploads.voice_recording_store(audio=audio, folder=scratch)
            try:
                reference = reference_extract(
                    source=source, name=storage.voice_name(key, "reference.wav")
                )
            except ReferenceUnusable as exc:
                raise ValidationError({"audio": str(exc)}) from exc
        try:
            with transaction.atomic():
                return voice_create(
                    owner=owner, name=name, reference=reference, text=reference_text
                )
        except IntegrityError:  # lost a race for the name
            raise ValidationError({"name": f"You already have a voice named {name!r}."}) from None
    except BaseException:
        storage.delete_folder(storage.voice_folder(key))
        raise


def voice_rename(*, voice: Voice, name: str) -> Voice:
    voice.name = _voice_name(owner=voice.owner, name=name, exclude_pk=voice.pk)
    voice.save(update_fields=["name"])
    return voice


def voice_delete(*, voice: Voice) -> None:
    """Delete a voice and its reference audio; refused while a live job speaks with it."""
    if Job.objects.filter(voice=voice, status__in=Job.LIVE_STATUSES).exists():
        raise ValidationError({"voice": "A job still in progress uses this voice."})
    audio = voice.audio
    voice.delete()
    # Voices uploaded here own their folder; a job's voice lives in the job's folder.
    folder = storage.folder_of(audio)
    if storage.is_voice_folder(folder):
        storage.delete_folder(folder)


def voice_save_from_job(*, job: Job, name: str) -> Voice:
    """Keep the voice taken from a job's speaker video as one of its owner's voices.

    Its reference moves out of the job's folder, so deleting the job keeps the voice;
    the audio is unchanged, so every TTS slot's preparation of it stays valid.
    """
    voice = job.voice
    if voice is None or voice.owner_id != job.owner_id:
        raise ValidationError(
            {"job": "This job has no voice of its own (no speaker audio, or a built-in voice)."}
        )
    if voice.saved:
        raise ValidationError({"job": f"This job already speaks with your voice {voice.name!r}."})
    name = _voice_name(owner=job.owner, name=name)
    target = storage.voice_name(uuid.uuid4().hex, "reference.wav")
    try:
        storage.copy(voice.audio, target)
        voice.name, voice.saved, voice.audio = name, True, target
        with transaction.atomic():
            voice.save(update_fields=["name", "saved", "audio"])
    except IntegrityError:  # lost a race for the name
        storage.delete_folder(storage.folder_of(target))
        raise ValidationError({"name": f"You already have a voice named {name!r}."}) from None
    except BaseException:
        storage.delete_folder(storage.folder_of(target))
        raise
    return voice


# --- The built-in default voice ----------------------------------------------

DEFAULT_VOICE_NAME = "default"
# About ten seconds of clear speech: inside the 5–30 s a cloning engine wants.
DEFAULT_VOICE_TEXT = (
    "Hello, and welcome. This is the default voice of HeyGem Studio. It reads your "
    "scripts clearly and calmly, one sentence at a time, until you record a voice of your own."
)
# NULL owners never collide in the unique constraint; this lock makes the row once.
_DEFAULT_VOICE_LOCK = 0x48_65_79_47_65_6D


def voice_default() -> Voice:
    """The built-in voice (no owner) that cloning engines use when a job has none.

    Its reference is spoken by espeak-ng on first use, and made again if that
    file goes missing (a new media store); the row follows the file.
    """
    name = storage.voice_name(DEFAULT_VOICE_NAME, "reference.wav")
    if not storage.exists(name):
        with storage.writing(name) as path:
            _make_default_reference(path)
    with storage.reading(name) as path:
        sha = file_sha256(path)
        duration = media.probe(path).duration
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DEFAULT_VOICE_LOCK])
        voice = Voice.objects.filter(owner=None, name=DEFAULT_VOICE_NAME).order_by("pk").first()
        if voice is None:
            voice = Voice(owner=None, name=DEFAULT_VOICE_NAME, reference_text=DEFAULT_VOICE_TEXT)
        if voice.pk is None or voice.audio_sha256 != sha or voice.audio != name:
            voice.audio, voice.audio_sha256, voice.duration_seconds = name, sha, duration
            voice.save()
    return voice


def _make_default_reference(path: Path) -> None:
    # Unique scratch names: two workers may make the default at once.
    spoken = path.with_name(f"spoken.{uuid.uuid4().hex}.wav")
    partial = path.with_name(f"reference.{uuid.uuid4().hex}.partial.wav")
    try:
        media.run_command(
            [media.tool("espeak-ng"), "-v", settings.HEYGEM["ESPEAK_VOICE"],
             "-s", "150", "-w", str(spoken), DEFAULT_VOICE_TEXT],
            timeout=60,
        )  # fmt: skip
        media.extract_audio(spoken, partial)  # mono 24 kHz, loudness-normalized
        partial.replace(path)
    finally:
        spoken.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
