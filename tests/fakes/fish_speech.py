"""FakeFishSpeech: the fish-speech-ziming TTS container's HTTP API on loopback (ENGINES.md §3).

What is faithful, and where it comes from ([TTS-SRC] ``views_guiji.py``, ``commons.py``):

* Only ``POST /v1/health``, ``POST /v1/preprocess_and_tran`` and ``POST /v1/invoke`` exist
  (§3); another method on them → 405, another path → 404, both as JSON errors.
* One request at a time, health included (§3, §3.3): the real handlers block the event loop,
  so every request here, once its body is read, waits for one global lock.
* Errors raised as ``HTTPException`` and uncaught exceptions answer
  ``{"statusCode": N, "message": ..., "error": "<HTTP phrase>"}`` (§3); the 500 messages are
  the Python exception texts the real code would raise.
* preprocess (§3.1): a falsy ``reference_audio`` or ``lang`` → 400 "reference_audio or lang is
  needed". ``lang`` defaults to "zh" in ``TrainRequest``, so only an explicit empty/null
  ``lang`` fails (ENGINES.md's "missing lang" is looser than the source). The value is
  prefixed with ``/code/data/`` by string concatenation (so ``/code/data/x.wav`` becomes
  ``/code/data//code/data/x.wav`` and is not found); absent file → 200
  ``{"code": -1, "msg": "file not exists"}``. URLs cannot be downloaded here → code -1.
* invoke (§3.2): ``reference_audio``/``reference_text`` are split on ``|||`` only when the
  audio contains it (as the source does); unequal counts → 400; each path is opened as given,
  where only absolute ``/code/data/...`` paths exist (the volume is ``data_dir``); a missing
  file or a missing ``reference_audio`` → 500; a file under 200 bytes → 400. Success is raw
  audio with ``Content-Disposition: attachment; filename=audio.<format>``.

Chosen where the sources are silent:

* A request body that fails the pydantic model (no ``text``, a ``format`` outside the
  ``Literal``, not JSON) → 422 with a pydantic-style error list. kui validates with pydantic;
  its exact 422 body is unverified, so clients should only rely on "4xx".
* The "ASR transcript" is ``transcript`` (default "This is my reference voice.") unless a
  sidecar ``<stem>.txt`` sits next to the reference wav; an empty transcript → code -1
  "asr failed" (the source's answer when ASR hears nothing). Only files the ``wave`` module
  reads are accepted (else code -1 "clean_wav failed:<error>"); the denoised output is a
  copy, ``origin_audio/format_denoise_<stem>.wav``; audio ≥ 20 s is split into two halves
  ``format_denoise_<stem>_0.wav`` and ``_1.wav`` with the transcript repeated.
* Synthesis returns a 441 Hz tone, mono 16-bit PCM at 44100 Hz (fish-speech's decoder rate),
  ``max(0.3, 0.06 * len(text))`` seconds long, after ``latency + seconds_per_char *
  len(text)`` seconds of wall time. Any reference of ≥ 200 bytes is accepted (the real model
  would choke on non-audio). ``format`` pcm → raw PCM, mp3 → encoded by ffmpeg. Streaming
  requests get the same body, not chunked.

Failures on demand (``fail_next``):

* ``"http500"``: the next invoke answers 500 ``{"statusCode": 500, "message": "Failed to
  generate speech", "error": "Internal Server Error"}`` (or ``msg``).
* ``"preprocess_fail"``: the next preprocess answers 200 ``{"code": -1, "msg": "Connection
  refused"}`` (or ``msg``), as when the ASR container is not up yet (FAQ 4).
* ``"hang"``: the next invoke never answers, holding the server (health waits too) until
  ``release_hang()`` (it then answers normally) or ``stop()`` (the connection is dropped).
* ``"slow"``: the next invoke takes ``seconds`` (default 2.0) more.
"""

from __future__ import annotations

import io
import json
import posixpath
import subprocess
import threading
import wave
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from ._server import FakeServer, QuietHandler, ThreadedServer
from .media import TTS_SAMPLE_RATE, ffmpeg_command, tone_pcm, wav_bytes

CONTAINER_ROOT = "/code/data"
SPLIT_SECONDS = 20.0  # references this long or longer are split in two (§3.1)
CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "pcm": "application/octet-stream"}
FAILURE_KINDS = {"http500", "preprocess_fail", "hang", "slow"}


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple = ()


class _HTTPError(Exception):
    """An error answer: kui's ``{statusCode, message, error}`` shape unless ``body`` is given."""

    def __init__(self, status: int, message, body=None):
        super().__init__(message)
        self.status = status
        self.body = body or {
            "statusCode": status,
            "message": message,
            "error": HTTPStatus(status).phrase,
        }


class _Dropped(Exception):
    """The server is stopping: close the connection without an answer."""


def _json(obj, status: int = 200) -> _Reply:
    return _Reply(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))


def _invalid(loc: list, msg: str, kind: str) -> _HTTPError:
    """A request that fails the pydantic model: 422 with a pydantic-style error list."""
    return _HTTPError(422, msg, [{"loc": loc, "msg": msg, "type": kind}])


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"  # uvicorn keeps connections alive
    timeout = 5  # and closes idle ones after 5 s (timeout_keep_alive)

    def version_string(self) -> str:
        return "uvicorn"

    def do_POST(self):
        self._dispatch()

    def do_GET(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _dispatch(self):
        fake: FakeFishSpeech = self.server.fake
        body = self.read_body()
        try:
            reply = fake._handle(self.command, self.path.partition("?")[0], body)
        except _Dropped:
            self.close_connection = True
            return
        self.send_bytes(reply.status, reply.body, reply.content_type, reply.headers)


class FakeFishSpeech(FakeServer):
    """The fish-speech-ziming TTS container (see the module docstring for the contract).

    ``data_dir`` is the host directory mounted at ``/code/data`` (a different one from the
    video engine's, §1). ``seconds_per_char``, ``latency``, ``preprocess_seconds`` and
    ``transcript`` may be changed at any time.
    """

    server_class = ThreadedServer
    handler_class = _Handler
    thread_name = "fake-fish-speech"

    def __init__(
        self,
        data_dir: Path,
        *,
        seconds_per_char: float = 0.0,
        latency: float = 0.0,
        preprocess_seconds: float = 0.0,
        transcript: str = "This is my reference voice.",
        max_text_length: int = 0,
        port: int = 0,
        host: str = "127.0.0.1",
    ):
        super().__init__(host=host, port=port)
        self.data_dir = Path(data_dir)
        self.seconds_per_char = seconds_per_char
        self.latency = latency
        self.preprocess_seconds = preprocess_seconds
        self.transcript = transcript
        self.max_text_length = max_text_length  # 0 = unlimited, as the compose file runs it
        self.invocations: list = []  # /v1/invoke bodies (parsed JSON, else the raw bytes)
        self.preprocess_calls: list = []  # /v1/preprocess_and_tran bodies, likewise
        self.health_calls = 0
        self._serial = threading.Lock()  # the blocked event loop: one request at a time
        self._stopping = threading.Event()
        self._released = threading.Event()
        self._failures_lock = threading.Lock()
        self._failures: list[tuple[str, str | None, float]] = []

    # ----- test controls ------------------------------------------------------------

    def fail_next(
        self, kind: str, msg: str | None = None, *, seconds: float = 2.0, times: int = 1
    ) -> None:
        """Queue a failure for the next request(s) it applies to (see module docstring)."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown failure {kind!r}; choose from {sorted(FAILURE_KINDS)}")
        with self._failures_lock:
            if kind == "hang":
                self._released.clear()  # cleared now, so an early release_hang() still counts
            self._failures += [(kind, msg, seconds)] * times

    def release_hang(self) -> None:
        """Let a hung invoke finish normally."""
        self._released.set()

    def container_path_to_host(self, path: str) -> Path | None:
        """The host file behind a container path, or None if it is outside the volume."""
        path = posixpath.normpath(path) if path.startswith("/") else ""
        if path != CONTAINER_ROOT and not path.startswith(CONTAINER_ROOT + "/"):
            return None
        return self.data_dir / path[len(CONTAINER_ROOT) :].lstrip("/")

    def _on_start(self) -> None:
        self._stopping.clear()

    def _on_stop(self) -> None:
        self._stopping.set()  # ends hangs and synthesis waits; handlers then drop

    def _take_failure(self, kinds: set) -> tuple[str, str | None, float] | None:
        with self._failures_lock:
            for i, failure in enumerate(self._failures):
                if failure[0] in kinds:
                    return self._failures.pop(i)
        return None

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self._stopping.wait(seconds):
            raise _Dropped

    # ----- request handling ---------------------------------------------------------

    def _handle(self, method: str, path: str, body: bytes) -> _Reply:
        views = {
            "/v1/health": self._health,
            "/v1/preprocess_and_tran": self._preprocess,
            "/v1/invoke": self._invoke,
        }
        with self._serial:
            if self._stopping.is_set():
                raise _Dropped
            try:
                if path not in views:
                    raise _HTTPError(404, "Not Found")
                if method != "POST":  # the image registers POST only, even for health
                    raise _HTTPError(405, "Method Not Allowed")
                return views[path](body)
            except _HTTPError as error:
                return _json(error.body, error.status)
            except _Dropped:
                raise
            except Exception as exc:  # kui's catch-all handler
                error = _HTTPError(500, str(exc))
                return _json(error.body, 500)

    def _health(self, body: bytes) -> _Reply:
        self.health_calls += 1
        return _json({"status": "ok"})

    def _preprocess(self, body: bytes) -> _Reply:
        req = self._parse(body, self.preprocess_calls)
        reference, lang = req.get("reference_audio"), req.get("lang", "zh")
        _check_type(reference, str, "reference_audio", optional=True)
        _check_type(lang, str, "lang", optional=True)
        if req.get("format", "wav") not in ("wav", "mp3", "flac"):
            raise _invalid(
                ["body", "format"], "Input should be 'wav', 'mp3' or 'flac'", "literal_error"
            )
        if not reference or not lang:
            raise _HTTPError(400, "reference_audio or lang is needed")
        self._wait(self.preprocess_seconds)
        failure = self._take_failure({"preprocess_fail"})
        if failure:
            return _json({"code": -1, "msg": failure[1] or "Connection refused"})
        if reference.startswith("http"):
            return _json({"code": -1, "msg": "audio download failed"})  # no network here
        source = self.container_path_to_host(CONTAINER_ROOT + "/" + reference)
        if source is None or not source.exists():
            return _json({"code": -1, "msg": "file not exists"})
        try:
            chunks = _split_wav(source)
        except (OSError, EOFError, wave.Error) as exc:
            return _json({"code": -1, "msg": f"clean_wav failed:{exc}"})
        sidecar = source.with_suffix(".txt")
        text = sidecar.read_text(encoding="utf-8").strip() if sidecar.is_file() else self.transcript
        if not text.strip():
            return _json({"code": -1, "msg": "asr failed"})
        out_dir = self.data_dir / "origin_audio"
        out_dir.mkdir(parents=True, exist_ok=True)
        names = (
            [f"format_denoise_{source.stem}.wav"]
            if len(chunks) == 1
            else [f"format_denoise_{source.stem}_{i}.wav" for i in range(len(chunks))]
        )
        for name, chunk in zip(names, chunks, strict=True):
            (out_dir / name).write_bytes(chunk)
        return _json(
            {
                "code": 0,
                "msg": "success",
                "reference_audio_text": "|||".join([text] * len(chunks)),
                "asr_format_audio_url": "|||".join(
                    f"{CONTAINER_ROOT}/origin_audio/{n}" for n in names
                ),
            }
        )

    def _invoke(self, body: bytes) -> _Reply:
        req = self._parse(body, self.invocations)
        text, fmt = req.get("text"), req.get("format", "wav")
        if "text" not in req:
            raise _invalid(["body", "text"], "Field required", "missing")
        _check_type(text, str, "text")
        for name in ("reference_audio", "reference_text"):
            _check_type(req.get(name), str, name, optional=True)
        if fmt not in CONTENT_TYPES:
            raise _invalid(
                ["body", "format"], "Input should be 'wav', 'pcm' or 'mp3'", "literal_error"
            )
        if 0 < self.max_text_length < len(text):
            raise _HTTPError(400, f"Text is too long, max length is {self.max_text_length}")
        if req.get("streaming") and fmt != "wav":
            raise _HTTPError(400, "Streaming only supports WAV format")
        self._load_references(req.get("reference_audio"), req.get("reference_text"))

        failure = self._take_failure({"http500", "hang", "slow"})
        kind = failure[0] if failure else None
        if kind == "http500":
            raise _HTTPError(500, failure[1] or "Failed to generate speech")
        if kind == "hang":
            while not self._released.wait(0.05):
                if self._stopping.is_set():
                    raise _Dropped
        self._wait(self.latency + self.seconds_per_char * len(text))
        if kind == "slow":
            self._wait(failure[2])

        pcm = tone_pcm(max(0.3, 0.06 * len(text)))
        audio = {"wav": lambda: wav_bytes(pcm), "pcm": lambda: pcm, "mp3": lambda: _mp3(pcm)}[fmt]()
        disposition = ("Content-Disposition", f"attachment; filename=audio.{fmt}")
        return _Reply(200, audio, CONTENT_TYPES[fmt], (disposition,))

    def _load_references(self, audio, text) -> None:
        """``build_references`` of the source, including its crashes (→ 500).

        The fake only checks the references; its tone does not depend on them.
        """
        if "|||" in audio:  # TypeError when reference_audio is missing: the known bug (§3.2)
            audios, texts = audio.split("|||"), text.split("|||")
            if len(audios) != len(texts):
                raise _HTTPError(400, "reference_audio and reference_text is not match")
        else:
            audios, texts = [audio], [text]
        for path, ref_text in zip(audios, texts, strict=True):
            if path.startswith("http"):
                raise _HTTPError(400, "reference_audio is not valid")  # download fails offline
            host = self.container_path_to_host(path)
            if host is None:
                raise FileNotFoundError(f"[Errno 2] No such file or directory: {path!r}")
            try:
                data = host.read_bytes()
            except OSError as exc:  # report the container path, as the engine would
                raise OSError(f"[Errno {exc.errno}] {exc.strerror}: {path!r}") from None
            if len(data) < 200:
                raise _HTTPError(400, "reference_audio is not valid len<200")
            if ref_text is None:  # ServeReferenceAudio(text=None) fails validation → 500
                raise ValueError(
                    "1 validation error for ServeReferenceAudio\ntext\n"
                    "  Input should be a valid string"
                )

    @staticmethod
    def _parse(body: bytes, record: list) -> dict:
        """Decode a JSON object body, remembering it for the test; 422 if it is not one."""
        try:
            req = json.loads(body)
        except ValueError:
            record.append(body)
            raise _invalid(["body"], "Invalid JSON", "json_invalid") from None
        record.append(req)
        if not isinstance(req, dict):
            raise _invalid(["body"], "Input should be an object", "model_type")
        return req


def _check_type(value, kind: type, name: str, *, optional: bool = False) -> None:
    if not isinstance(value, kind) and not (optional and value is None):
        raise _invalid(
            ["body", name], f"Input should be a valid {kind.__name__}", f"{kind.__name__}_type"
        )


def _split_wav(path: Path) -> list[bytes]:
    """The reference as one WAV, or two halves when it is ≥ 20 s (§3.1)."""
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        frames = wav.readframes(params.nframes)
    if params.nframes / params.framerate < SPLIT_SECONDS:
        return [path.read_bytes()]
    half = params.nframes // 2 * params.sampwidth * params.nchannels
    return [_wav_like(params, frames[:half]), _wav_like(params, frames[half:])]


def _wav_like(params, frames: bytes) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setparams(params)
        out.writeframes(frames)
    return buffer.getvalue()


def _mp3(pcm: bytes) -> bytes:
    raw = ["-f", "s16le", "-ar", str(TTS_SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
           "-f", "mp3", "pipe:1"]  # fmt: skip
    return subprocess.run(
        ffmpeg_command(raw), input=pcm, capture_output=True, check=True, timeout=30
    ).stdout
