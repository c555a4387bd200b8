"""Writes to voices: reference extraction and creation."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

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
