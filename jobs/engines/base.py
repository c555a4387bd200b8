"""The seam between the stages and the engines that do the work.

A stage hands an engine a request, the slot's frozen ``SlotConfig`` and a
``Heartbeat``; the engine calls the heartbeat while it works (renewing the
slot's lease) and lets whatever the heartbeat raises propagate, so a canceled
job or a lost lease stops the engine. Everything that crosses this seam is
defined here: engines import nothing of the app above them.

The HTTP engines also tell an ``AnswerHook`` of every answer they get (and of
every call that got none), so the stages and probes above can count them for
operators without the engines knowing where counts are kept.
"""

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class LeaseLost(Exception):
    """This worker no longer holds the binding (job canceled, lease taken back).

    It must stop and write nothing; whatever the engine task left (inputs, a
    recorded answer, a result) belongs to whoever holds the binding now.
    """


class BindingUnknown(LeaseLost):
    """The database cannot say whether this worker still holds the binding.

    Not a reason to delete anything: the stage stops writing, leaves the engine
    task and its files in place, and the worker that resumes it picks them up.
    """


class WorkerStopping(LeaseLost):
    """The worker running this stage is shutting down: the stage is handed back.

    Nothing failed: a render the engine keeps working on is resumed by the next
    worker, any other stage runs again, and no attempt is counted.
    """


class Heartbeat(Protocol):
    def __call__(
        self,
        progress: float | None = None,
        *,
        detail: str | None = None,
        event: str | None = None,
    ) -> None:
        """Renew the lease now and then and publish progress.

        ``progress`` is a 0–100 figure for this stage (or None), ``detail`` a
        one-line live status shown with it, ``event`` a message worth keeping in
        the job's timeline (an engine milestone). Raises LeaseLost.
        """

    def confirm(self) -> None:
        """Raise LeaseLost unless this worker holds the binding right now.

        Engines call it before anything that cannot be undone for the worker
        that takes over: consuming an answer the engine gives only once,
        copying a result, handing the task on.
        """


class Unbound:
    """The heartbeat of work that holds no binding (probes): nothing to renew or lose."""

    def __call__(
        self,
        progress: float | None = None,
        *,
        detail: str | None = None,
        event: str | None = None,
    ) -> None:
        pass

    def confirm(self) -> None:
        pass


@dataclass(frozen=True)
class SlotConfig:
    """What an engine knows of its slot: a copy taken when the stage started."""

    name: str
    backend: str
    base_url: str = ""
    data_dir: str = ""
    container_data_dir: str = "/code/data"
    # An engine task still running without a job (HeyGem has no cancel).
    orphan_code: str = ""
    # Engine seconds per second of speech, measured on this slot (None: not yet).
    seconds_per_audio_second: float | None = None


class EngineError(Exception):
    """The engine could not do this attempt; the stage may be retried elsewhere.

    ``orphan_code`` names an engine task that keeps running although we gave up
    on it (HeyGem has no cancel): the slot stays out until a probe sees it end.
    """

    def __init__(self, message: str, *, engine_message: str = "", orphan_code: str = ""):
        super().__init__(message)
        self.engine_message = engine_message or message
        self.orphan_code = orphan_code


class EngineBusy(EngineError):
    """The engine is running someone else's task: not a failure of this job."""


class EngineUnavailable(EngineError):
    """The engine could not be reached or answered nonsense (counts against slot health)."""


@dataclass(frozen=True)
class PreparedVoice:
    """A voice as a TTS slot knows it (for Fish-Speech: engine-side paths and text)."""

    audio_path: Path | None
    reference_audio: str = ""
    reference_text: str = ""


@dataclass(frozen=True)
class SpeechRequest:
    chunks: list[str]
    out_path: Path
    voice: PreparedVoice | None = None
    # Seconds of silence after each chunk (SSML breaks and paragraph ends), made in the
    # WAV between the chunks' audio; () when the text asks for none. A chunk may be
    # empty: a pause before any words.
    pauses: tuple[float, ...] = ()

    def chunks_with_pauses(self) -> list[tuple[str, float]]:
        pauses = list(self.pauses) + [0.0] * (len(self.chunks) - len(self.pauses))
        return list(zip(self.chunks, pauses, strict=False))

    def pause_groups(self) -> list[tuple[str, float]]:
        """The chunks joined (one per line) between the pauses: (text, pause after it)."""
        groups: list[tuple[str, float]] = []
        lines: list[str] = []
        for chunk, pause in self.chunks_with_pauses():
            if chunk.strip():
                lines.append(chunk)
            if pause > 0:
                groups.append(("\n".join(lines), pause))
                lines = []
        if lines or not groups:
            groups.append(("\n".join(lines), 0.0))
        return groups


@dataclass(frozen=True)
class RenderRequest:
    code: str
    audio_path: Path
    video_path: Path
    out_path: Path
    audio_seconds: float
    # True when a sweep hands an unfinished render to a new worker: poll, don't submit.
    resume: bool = False
    # Seconds the render has run already (earlier workers): timeouts count from its start.
    elapsed_seconds: float = 0.0


@dataclass(frozen=True)
class Answer:
    """What one HTTP call to an engine got, as operators count it.

    ``path`` is the endpoint called (``/easy/query``); ``status`` the HTTP status
    (``"200"``), or how the call failed without one (``timeout``, ``refused``, …:
    ``EngineHttp._send``); ``code`` the engine's own ``code`` field of a JSON
    answer where its contract has one (HeyGem 10000/10001/10004/9999, Fish-Speech's
    voice preparation 0/-1), else "".
    """

    path: str
    status: str
    code: str = ""


class AnswerHook(Protocol):
    def __call__(self, answer: Answer) -> None:
        """Called once for every call an engine client makes, in the calling thread."""


class AnswerTally:
    """An AnswerHook that counts answers in memory until they are flushed.

    Thread-safe: a long synthesis answers in its own thread (``call_with_heartbeat``)
    while the stage's thread flushes.
    """

    def __init__(self) -> None:
        self._counts: Counter[Answer] = Counter()
        self._lock = threading.Lock()

    def __call__(self, answer: Answer) -> None:
        with self._lock:
            self._counts[answer] += 1

    def counts(self) -> dict[Answer, int]:
        with self._lock:
            return dict(self._counts)

    def flush(self, write: Callable[[Mapping[Answer, int]], None]) -> None:
        """Hand the counts so far to ``write``; they are forgotten only once it returned,
        so a write that failed is simply tried again with the next flush."""
        counts = self.counts()
        if not counts:
            return
        write(counts)
        with self._lock:
            self._counts -= Counter(counts)  # what arrived meanwhile stays


class TtsEngine:
    needs_preparation = False
    max_chunk_chars = 400

    def __init__(self, slot: SlotConfig, on_answer: AnswerHook | None = None):
        self.slot = slot
        self.on_answer = on_answer

    def prepare_voice(
        self, audio_path: Path, reference_text: str = "", heartbeat: Heartbeat | None = None
    ) -> PreparedVoice:
        return PreparedVoice(audio_path=audio_path, reference_text=reference_text)

    def is_prepared(self, voice: PreparedVoice) -> bool:
        """Whether a cached preparation is still usable on this slot."""
        return True

    def synthesize(self, request: SpeechRequest, heartbeat: Heartbeat) -> list[tuple[str, float]]:
        """Write the speech to ``request.out_path``; return each part's (text, seconds) as
        it lies in the file (the pause after it included), or [] when the engine cannot
        tell its parts apart (the subtitles then share the whole by characters)."""
        raise NotImplementedError

    def probe(self, *, deep: bool = False) -> None:
        """Raise EngineError if the engine cannot take work now (EngineBusy: reachable
        but still running a task). ``deep`` also runs a real piece of work."""


class VideoEngine:
    # Whether a render survives the death of the worker that started it.
    resumable = False

    def __init__(self, slot: SlotConfig, on_answer: AnswerHook | None = None):
        self.slot = slot
        self.on_answer = on_answer

    def render(self, request: RenderRequest, heartbeat: Heartbeat) -> None:
        """Write the video to ``request.out_path``; leaves the task's engine-side files."""
        raise NotImplementedError

    def discard(self, code: str) -> None:
        """Remove what task ``code`` left on the engine's side, once its outcome is recorded."""

    def probe(self, *, deep: bool = False) -> None:
        """Raise EngineError if the engine cannot take work now (EngineBusy: reachable
        but still running a task). ``deep`` also runs a real piece of work."""
