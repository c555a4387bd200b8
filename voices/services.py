"""Writes to voices: reference extraction, creation, rename and delete."""

import hashlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jobs import media

from .models import Voice

# A reference of 5–30 s clones well; longer ones only slow the engine's ASR pass.
REFERENCE_MAX_SECONDS = 30.0


@dataclass(frozen=True)
class Reference:
    path: Path
    sha256: str
    duration: float


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def reference_extract(*, source: Path, out_path: Path) -> Reference:
    """Mono, loudness-normalized WAV of at most 30 s from any audio or video file."""
    media.extract_audio(source, out_path, max_seconds=REFERENCE_MAX_SECONDS)
    info = media.probe(out_path, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
    return Reference(path=out_path, sha256=file_sha256(out_path), duration=info.duration)


def voice_create(*, owner, name: str, reference: Reference, saved: bool = True, text: str = ""):
    return Voice.objects.create(
        owner=owner,
        name=name,
        audio=str(reference.path.relative_to(settings.MEDIA_ROOT)),
        audio_sha256=reference.sha256,
        duration_seconds=reference.duration,
        reference_text=text,
        saved=saved,
    )


def voice_prepare(*, voice: Voice, slot, engine):
    """The voice as ``slot``'s engine knows it, prepared once per (voice, slot, audio)."""
    from jobs.engines import PreparedVoice

    from .models import VoicePreparation

    audio = Path(settings.MEDIA_ROOT) / voice.audio
    if not engine.needs_preparation:
        return PreparedVoice(audio_path=audio, reference_text=voice.reference_text)
    cached = VoicePreparation.objects.filter(
        voice=voice, slot=slot, audio_sha256=voice.audio_sha256
    ).first()
    if cached:
        return PreparedVoice(
            audio_path=audio,
            reference_audio=cached.reference_audio,
            reference_text=cached.reference_text,
        )
    prepared = engine.prepare_voice(audio, voice.reference_text)
    VoicePreparation.objects.update_or_create(
        voice=voice,
        slot=slot,
        defaults={
            "audio_sha256": voice.audio_sha256,
            "reference_audio": prepared.reference_audio,
            "reference_text": prepared.reference_text,
        },
    )
    return prepared


# --- Managing saved voices (API and pages) -----------------------------------


def _voice_name(*, owner, name, exclude_pk=None) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationError({"name": "Give the voice a name."})
    if len(name) > 100:
        raise ValidationError({"name": "Use at most 100 characters."})
    taken = Voice.objects.filter(owner=owner, saved=True, name=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": f"You already have a voice named {name!r}."})
    return name


def voice_create_from_upload(*, owner, name: str, audio) -> Voice:
    """A saved voice from an uploaded audio or video file, checked by its content.

    The upload's own file name is never used as a path; only its reference WAV is kept.
    """
    name = _voice_name(owner=owner, name=name)
    folder = Path(settings.MEDIA_ROOT) / "voices" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        source = folder / "upload"
        with source.open("wb") as out:
            for chunk in audio.chunks():
                out.write(chunk)
        try:
            info = media.probe(source, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
        except media.MediaError as exc:
            raise ValidationError({"audio": f"The file is not usable: {exc}."}) from exc
        if not info.has_audio or info.duration <= 0:
            raise ValidationError({"audio": "The file has no audio track."})
        reference = reference_extract(source=source, out_path=folder / "reference.wav")
        source.unlink()
        try:
            with transaction.atomic():
                return voice_create(owner=owner, name=name, reference=reference)
        except IntegrityError:  # lost a race for the name
            raise ValidationError({"name": f"You already have a voice named {name!r}."}) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def voice_rename(*, voice: Voice, name: str) -> Voice:
    voice.name = _voice_name(owner=voice.owner, name=name, exclude_pk=voice.pk)
    voice.save(update_fields=["name"])
    return voice


def voice_delete(*, voice: Voice) -> None:
    """Delete a voice and its reference audio; refused while a live job speaks with it."""
    from jobs.models import Job

    if Job.objects.filter(voice=voice, status__in=Job.LIVE_STATUSES).exists():
        raise ValidationError({"voice": "A job still in progress uses this voice."})
    audio = Path(settings.MEDIA_ROOT) / voice.audio
    voice.delete()
    # Voices uploaded here own their folder; a job's voice lives in the job's folder.
    if audio.parent.parent == Path(settings.MEDIA_ROOT) / "voices":
        shutil.rmtree(audio.parent, ignore_errors=True)
