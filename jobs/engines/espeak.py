"""Embedded TTS: espeak-ng. Runs anywhere, clones no voice (the UI says so)."""

from pathlib import Path

from django.conf import settings

from .. import media
from .base import EngineError, Heartbeat, SpeechRequest, TtsEngine
from .wav import WavJoiner


class EspeakEngine(TtsEngine):
    # espeak-ng reads a whole file in one run; chunks only give heartbeat points.
    max_chunk_chars = 4000

    def synthesize(self, request: SpeechRequest, heartbeat: Heartbeat) -> list[tuple[str, float]]:
        partial = request.out_path.with_name(request.out_path.stem + ".partial.wav")
        groups = request.pause_groups()
        try:
            if len(groups) == 1 and not groups[0][1]:
                self._speak(groups[0][0], partial, heartbeat)
            else:
                self._speak_with_pauses(groups, partial, heartbeat)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(request.out_path)
        return []  # one run for the text (or per pause): its parts are not measured apart

    def _speak_with_pauses(
        self, groups: list[tuple[str, float]], out: Path, heartbeat: Heartbeat
    ) -> None:
        """One espeak-ng run per stretch between pauses, joined with the pauses' silence."""
        piece = out.with_name(out.stem + ".piece.wav")
        try:
            with WavJoiner(out, 0.0) as joiner:
                for number, (text, pause) in enumerate(groups, 1):
                    if text.strip():
                        heartbeat(100 * (number - 1) / len(groups))
                        self._speak(text, piece, heartbeat)
                        joiner.add(piece.read_bytes())
                    joiner.silence(pause)
        finally:
            piece.unlink(missing_ok=True)
        if not out.exists():
            raise EngineError("There is no text to synthesize.")

    def _speak(self, text: str, out: Path, heartbeat: Heartbeat) -> None:
        text_file = out.with_suffix(".txt")
        cmd = [
            media.tool("espeak-ng"),
            "-v", settings.HEYGEM["ESPEAK_VOICE"],
            "-s", str(settings.HEYGEM["ESPEAK_WPM"]),
            "-f", str(text_file), "-w", str(out),
        ]  # fmt: skip
        try:
            # Inside the try: a full disk may stop this write half-way, too.
            text_file.write_text(text, encoding="utf-8")
            media.run_command(cmd, heartbeat=heartbeat, timeout=1800)
        except media.MediaError as exc:  # the caller removes what was written
            raise EngineError(str(exc)) from exc
        finally:
            text_file.unlink(missing_ok=True)

    def probe(self, *, deep: bool = False) -> None:
        try:
            media.tool("espeak-ng")
        except media.MediaError as exc:
            raise EngineError(str(exc)) from exc
