"""Embedded TTS: espeak-ng. Runs anywhere, clones no voice (the UI says so)."""

from django.conf import settings

from .. import media
from .base import EngineError, Heartbeat, SpeechRequest, TtsEngine


class EspeakEngine(TtsEngine):
    # espeak-ng reads a whole file in one run; chunks only give heartbeat points.
    max_chunk_chars = 4000

    def synthesize(self, request: SpeechRequest, heartbeat: Heartbeat) -> list[tuple[str, float]]:
        text_file = request.out_path.with_suffix(".txt")
        text_file.write_text("\n".join(request.chunks), encoding="utf-8")
        partial = request.out_path.with_name(request.out_path.stem + ".partial.wav")
        cmd = [
            media.tool("espeak-ng"),
            "-v", settings.HEYGEM["ESPEAK_VOICE"],
            "-s", str(settings.HEYGEM["ESPEAK_WPM"]),
            "-f", str(text_file), "-w", str(partial),
        ]  # fmt: skip
        try:
            media.run_command(cmd, heartbeat=heartbeat, timeout=1800)
        except media.MediaError as exc:
            raise EngineError(str(exc)) from exc
        finally:
            text_file.unlink(missing_ok=True)
        partial.replace(request.out_path)
        return []  # one run for the whole text: its parts are not measured apart

    def probe(self, *, deep: bool = False) -> None:
        try:
            media.tool("espeak-ng")
        except media.MediaError as exc:
            raise EngineError(str(exc)) from exc
