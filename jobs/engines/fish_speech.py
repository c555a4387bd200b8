"""Fish-Speech voice-clone TTS over HTTP (the fish-speech-ziming image; ENGINES.md §3).

A voice is prepared once per slot: its reference WAV is written into the slot's
``<data_dir>/origin_audio/`` and ``POST /v1/preprocess_and_tran`` returns the
engine-side reference paths and their transcript, which the caller caches.
Synthesis sends each chunk of the script to ``POST /v1/invoke`` (raw WAV back)
and joins the WAVs with short pauses; the engine is serial and slow on long
text (ENGINES.md #49, #488), so chunks stay a few sentences long and read
timeouts grow with the text.
"""

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings

from normalization import split_for_tts

from .. import media
from .base import (
    AnswerHook,
    EngineError,
    EngineUnavailable,
    Heartbeat,
    PreparedVoice,
    SlotConfig,
    SpeechRequest,
    TtsEngine,
)
from .datadir import checked_subdir, host_path
from .http import EngineHttp, call_with_heartbeat, error_text
from .wav import WavJoiner

HEALTH_READ_TIMEOUT = 10.0
MARKER_TEXT = "This is a HeyGem Studio probe."


class FishSpeechEngine(TtsEngine):
    needs_preparation = True
    # A few sentences per call: long calls are slow and were seen to time out (#49).
    max_chunk_chars = 300

    def __init__(self, slot: SlotConfig, on_answer: AnswerHook | None = None):
        super().__init__(slot, on_answer)
        self.http = EngineHttp(
            slot.base_url or "", engine=f"Fish-Speech TTS ({slot.name})", on_answer=on_answer
        )

    def origin_dir(self) -> Path:
        return checked_subdir(self.slot, "origin_audio", "TTS")

    # --- voices -------------------------------------------------------------------

    def prepare_voice(
        self, audio_path: Path, reference_text: str = "", heartbeat: Heartbeat | None = None
    ) -> PreparedVoice:
        """Upload the reference into the volume and let the engine denoise and transcribe it.

        The engine's own transcript is used, except that a transcript the user
        typed replaces it when the engine kept the recording whole (one reference):
        it is exact where ASR guesses. A split recording keeps the engine's texts,
        which match how it cut the audio.
        """
        name = f"{uuid.uuid4().hex}.wav"
        target = self.origin_dir() / name
        try:
            shutil.copyfile(audio_path, target)
        except OSError as exc:
            raise EngineUnavailable(f"Could not write the reference into {target}: {exc}.") from exc
        try:
            prepared = self._prepare_retrying(name, audio_path, heartbeat)
            if reference_text.strip() and "|||" not in prepared.reference_audio:
                prepared = replace(prepared, reference_text=reference_text.strip())
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if self._container_path(name) not in prepared.reference_audio.split("|||"):
            target.unlink(missing_ok=True)  # the engine works from its own processed copy
        return prepared

    def _prepare_retrying(
        self, name: str, audio_path: Path, heartbeat: Heartbeat | None
    ) -> PreparedVoice:
        """Like ``/v1/invoke``, a preparation that fails for a passing reason is tried again
        within the stage (the ASR service starts slowly and drops connections), so it
        costs no attempt; a reference the engine cannot see is not retried."""
        waits = settings.HEYGEM["TTS_PREPARE_RETRY_SECONDS"]
        for tried, wait in enumerate([*waits, None], 1):
            try:
                return self._prepared(self._preprocess(f"origin_audio/{name}", heartbeat),
                                      audio_path, name)  # fmt: skip
            except EngineError as exc:
                if wait is None or "file not exists" in exc.engine_message:
                    if tried > 1:
                        exc.args = (f"{exc} (tried {tried} times)",)
                    raise
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                if heartbeat:
                    heartbeat(None, detail=f"Preparing the voice: try {tried + 1} in a moment")
                time.sleep(min(0.5, max(deadline - time.monotonic(), 0)))
        raise AssertionError("unreachable")

    def _preprocess(self, reference: str, heartbeat: Heartbeat | None) -> dict[str, Any]:
        lang = settings.HEYGEM["TTS_LANG"]
        payload = {"format": "wav", "reference_audio": reference, "lang": lang}
        timeout = settings.HEYGEM["TTS_PREPARE_TIMEOUT_SECONDS"]
        return call_with_heartbeat(
            lambda: self.http.json(
                "POST", "/v1/preprocess_and_tran", read_timeout=timeout, json=payload
            ),
            (lambda: heartbeat(None)) if heartbeat else None,
        )

    def _prepared(self, answer: dict[str, Any], audio_path: Path, name: str) -> PreparedVoice:
        if answer.get("code") != 0:
            raise self._preparation_failed(str(answer.get("msg") or answer), name)
        audio, text = answer.get("asr_format_audio_url"), answer.get("reference_audio_text")
        if not (isinstance(audio, str) and isinstance(text, str) and audio and text.strip()):
            raise EngineError(f"Fish-Speech on {self.slot.name} answered {answer!r:.200}.")
        if len(audio.split("|||")) != len(text.split("|||")):
            raise EngineError(f"Fish-Speech on {self.slot.name} gave mismatched references.")
        return PreparedVoice(audio_path=audio_path, reference_audio=audio, reference_text=text)

    def _preparation_failed(self, msg: str, name: str) -> EngineError:
        text = f"Fish-Speech on {self.slot.name} could not prepare the voice: {msg}."
        if "file not exists" in msg:
            text += (
                f" The engine cannot see origin_audio/{name}: is {self.slot.data_dir} the "
                f"folder mounted at {self.slot.container_data_dir} in the TTS container?"
            )
        elif "Connection refused" in msg:
            text += " The ASR service the TTS container needs is not answering yet."
        elif "'send'" in msg:  # "'NoneType' object has no attribute 'send'"
            text += (" The TTS container lost its connection to the ASR service (it answers"
                     " this while the ASR container starts or after it restarted).")  # fmt: skip
        return EngineError(text, engine_message=msg)

    def _container_path(self, name: str) -> str:
        return f"{self.slot.container_data_dir.rstrip('/')}/origin_audio/{name}"

    def is_prepared(self, voice: PreparedVoice) -> bool:
        """False when a cached reference inside the volume is gone (data dir wiped)."""
        for path in voice.reference_audio.split("|||"):
            host = host_path(self.slot, path)
            if host is not None and not host.is_file():
                return False
        return bool(voice.reference_audio)

    # --- synthesis ----------------------------------------------------------------

    def synthesize(self, request: SpeechRequest, heartbeat: Heartbeat) -> list[tuple[str, float]]:
        voice = request.voice
        if voice is None or not voice.reference_audio:
            raise EngineError("Fish-Speech needs a prepared reference voice.")
        # A part too long for one call is cut by the one chunker every engine shares;
        # the silence planned after a chunk (an SSML <break>) follows its last part.
        limit = self.max_chunk_chars
        parts = [
            (split_for_tts(chunk, limit), pause) for chunk, pause in request.chunks_with_pauses()
        ]
        count = sum(len(texts) for texts, _ in parts)
        if not count:
            raise EngineError("There is no text to synthesize.")
        part_file = request.out_path.with_name(f"{request.out_path.stem}.partial.wav")
        total, done, number = sum(len(t) for texts, _ in parts for t in texts), 0, 0
        try:
            with WavJoiner(part_file, settings.HEYGEM["TTS_PAUSE_SECONDS"]) as joiner:
                for texts, pause in parts:
                    for text in texts:
                        number += 1
                        progress = 100 * done / total
                        heartbeat(progress, detail=f"Speech part {number} of {count}")
                        joiner.add(self._invoke(text, voice, partial(heartbeat, progress)))
                        done += len(text)
                    joiner.silence(pause)
        except BaseException:
            part_file.unlink(missing_ok=True)
            raise
        part_file.replace(request.out_path)
        texts = [text for part_texts, _ in parts for text in part_texts]
        return list(zip(texts, joiner.seconds, strict=True))

    def _invoke(self, text: str, voice: PreparedVoice, beat: Callable[[], None]) -> bytes:
        # The official client's request (§3.2); unknown keys are ignored by the server.
        body = {
            "speaker": str(uuid.uuid4()), "text": text, "format": "wav", "topP": 0.7,
            "max_new_tokens": 1024, "chunk_length": 100, "repetition_penalty": 1.2,
            "temperature": 0.7, "need_asr": False, "streaming": False, "is_fixed_seed": 0,
            "is_norm": 1, "reference_audio": voice.reference_audio,
            "reference_text": voice.reference_text,
        }  # fmt: skip
        config = settings.HEYGEM
        per_char = config["TTS_TIMEOUT_PER_CHAR_SECONDS"]
        timeout = config["TTS_TIMEOUT_BASE_SECONDS"] + per_char * len(text)
        for attempt in (1, 2):
            response = call_with_heartbeat(
                lambda: self.http.request("POST", "/v1/invoke", read_timeout=timeout, json=body),
                beat,
            )
            if response.status_code == 200:
                return response.content
            message = error_text(response)
            # One more try for a server error: a long script should not restart over a hiccup.
            if response.status_code < 500 or attempt == 2:
                raise EngineError(
                    f"Fish-Speech on {self.slot.name} could not synthesize "
                    f"{text[:40]!r}…: HTTP {response.status_code}: {message}",
                    engine_message=message,
                )
        raise AssertionError("unreachable")

    # --- health -------------------------------------------------------------------

    def probe(self, *, deep: bool = False) -> None:
        """Health, then a marker reference: proves the engine sees our data dir (§3.1)."""
        self.origin_dir()
        answer = self.http.json("POST", "/v1/health", read_timeout=HEALTH_READ_TIMEOUT, json={})
        if answer.get("status") != "ok":
            raise EngineUnavailable(f"Fish-Speech on {self.slot.name} health: {answer!r:.120}.")
        self._check_marker()

    def _check_marker(self) -> None:
        folder = self.origin_dir()
        stem = f"studio-probe-{uuid.uuid4().hex}"
        try:
            media.run_command(
                [media.tool("espeak-ng"), "-w", str(folder / f"{stem}.wav"), MARKER_TEXT],
                timeout=30,
            )
            answer = self._preprocess(f"origin_audio/{stem}.wav", None)
        except media.MediaError as exc:
            raise EngineUnavailable(f"Could not write a marker into {folder}: {exc}") from exc
        finally:
            for path in folder.glob(f"*{stem}*"):  # the marker and the engine's copies of it
                path.unlink(missing_ok=True)
        msg = str(answer.get("msg") or "")
        # The file check comes first in the engine: any other answer proves it was found.
        if answer.get("code") == 0 or msg.startswith("asr failed"):
            return
        if "file not exists" in msg:
            raise EngineUnavailable(
                f"Fish-Speech on {self.slot.name} cannot see a marker written to {folder}: "
                f"{self.slot.data_dir} is not the folder mounted at "
                f"{self.slot.container_data_dir} in the TTS container."
            )
        raise EngineUnavailable(
            f"Fish-Speech on {self.slot.name} cannot prepare voices: {msg} (the ASR service "
            "may still be starting)."
        )
