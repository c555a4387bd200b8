"""HeyGem.ai lip-sync video engine over HTTP (ENGINES.md §2; docs/engines.md).

One render: copy the inputs into the slot's ``<data_dir>/temp`` under names made
of the attempt's fresh code, ``POST /easy/submit`` their bare names, poll
``GET /easy/query`` until a terminal answer and copy ``temp/<code>-r.mp4`` back.
The engine forgets a task once it has told its outcome, and again when its
container restarts, so the first terminal answer is written to
``temp/<code>.answer.json`` at once and a "task not found" (10004) is answered by
looking at what the task left in the data dir.

The task's files belong to the binding, not to the worker: only a worker that
still holds the binding polls (the answer is given once), copies the result or
hands a task on, and ``discard`` removes the files only after the stage recorded
the outcome. A worker that lost its binding, or cannot reach the database to
know, leaves everything for the worker that resumes the render.
"""

import json
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings

from .. import media
from .base import (
    AnswerHook,
    EngineBusy,
    EngineError,
    EngineUnavailable,
    Heartbeat,
    RenderRequest,
    SlotConfig,
    Unbound,
    VideoEngine,
)
from .datadir import checked_subdir
from .heygem_messages import describe, hint, is_input_read_failure
from .heygem_progress import ProgressTracker, RenderClock, clock_text
from .http import EngineHttp

# Outer answer codes (§2.1, §2.2) and task states.
OK, BUSY, UNKNOWN_TASK = 10000, 10001, 10004
RUNNING, DONE, FAILED = 1, 2, 3
# The engine builds shell commands from the code and file names: keep them plain.
SAFE_CODE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SUBMIT_READ_TIMEOUT = 30.0
QUERY_READ_TIMEOUT = 30.0
# Consecutive 9999/10002/10003 answers to a query before the attempt is given up.
QUERY_ERROR_LIMIT = 3
DEEP_PROBE_TIMEOUT = 180.0


class ResultNotVisible(EngineError):
    """The engine says it wrote a result we cannot see: the data dir is not its volume."""


class TaskLost(EngineError):
    """The engine forgot the task and left no result (a restart or crash)."""


class TaskFiles:
    """The files of one engine task in a slot's temp dir, all named after its code."""

    def __init__(self, temp: Path, code: str):
        if not SAFE_CODE.match(code or ""):
            raise EngineError(f"Unusable engine task code {code!r}.")
        self.temp, self.code = temp, code
        self.audio = temp / f"{code}.wav"
        self.video = temp / f"{code}.mp4"
        self.result = temp / f"{code}-r.mp4"
        self.answer = temp / f"{code}.answer.json"
        # Written once the engine accepted the task: a resumed render without it may
        # never have been submitted (its worker died first, or its task never ran).
        self.submitted = temp / f"{code}.submitted"

    def stage(self, audio_src: Path, video_src: Path) -> None:
        try:
            shutil.copyfile(audio_src, self.audio)
            shutil.copyfile(video_src, self.video)
        except OSError as exc:
            self.remove()  # not submitted yet: no engine task can be using them
            raise EngineUnavailable(f"Could not copy the inputs into {self.temp}: {exc}.") from exc

    def record(self, answer: dict) -> None:
        partial = self.temp / f"{self.code}.answer.partial"
        partial.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
        partial.replace(self.answer)

    def recorded(self) -> dict[str, Any] | None:
        try:
            answer = json.loads(self.answer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return answer if isinstance(answer, dict) else None

    def result_is_complete(self, audio_seconds: float) -> bool:
        """Whether a result the engine never reported looks whole (it may be half-written)."""
        if not self.result.is_file():
            return False
        try:
            info = media.probe(self.result, timeout=settings.HEYGEM["PROBE_TIMEOUT_SECONDS"])
        except media.MediaError:
            return False
        long_enough = info.duration >= 0.9 * audio_seconds - 0.5
        return info.has_video and info.has_audio and long_enough

    def remove(self) -> None:
        # Intermediates the engine leaves (<code>-t.mp4, <code>_format.mp4) go too.
        for path in self.temp.glob(f"{self.code}*"):
            try:
                path.unlink()
            except OSError:
                pass  # e.g. already gone; never fail a render over a leftover


class HeyGemEngine(VideoEngine):
    resumable = True

    def __init__(self, slot: SlotConfig, on_answer: AnswerHook | None = None):
        super().__init__(slot, on_answer)
        base = (slot.base_url or "").rstrip("/")
        base = base[: -len("/easy")] if base.endswith("/easy") else base
        self.http = EngineHttp(base, engine=f"HeyGem video ({slot.name})", on_answer=on_answer)

    # --- rendering ------------------------------------------------------------

    def render(self, request: RenderRequest, heartbeat: Heartbeat) -> None:
        files = TaskFiles(self.temp_dir(), request.code)
        if not request.resume or not self._was_submitted(files):
            heartbeat.confirm()  # a worker paused since its binding must not start the task
            files.stage(request.audio_path, request.video_path)
            self._submit(files)
            files.submitted.touch()
        clock = RenderClock.for_render(self.slot, request)
        heartbeat(0, event=clock.describe(self.slot.name))
        result = self._watch(files, clock, heartbeat)
        heartbeat.confirm()  # a stale worker leaves the result for the current one
        _copy_atomically(result, request.out_path)

    def discard(self, code: str) -> None:
        TaskFiles(self.temp_dir(), code).remove()

    def _was_submitted(self, files: TaskFiles) -> bool:
        """On a resume: did any worker hand this task to the engine?

        Without the mark, ask the engine (the submit may have been taken just before the
        worker died); a terminal answer is kept, as it is told only once.
        """
        if files.submitted.exists() or files.recorded() is not None or files.result.exists():
            return True
        try:
            answer = self._query(files.code)
        except EngineUnavailable:
            return True  # the watch has its grace for an engine that is down; never resubmit
        if answer.get("code") == UNKNOWN_TASK:
            return False
        if (answer.get("data") or {}).get("status") in (DONE, FAILED):
            files.record(answer)
        return True

    def _submit(self, files: TaskFiles) -> None:
        payload = {
            "audio_url": files.audio.name,  # bare names: the engine reads /code/data/temp/<name>
            "video_url": files.video.name,
            "code": files.code,
            "chaofen": 0,
            "watermark_switch": 0,
            "pn": 1,
        }  # the official client's fixed values (§4)
        try:
            answer = self.http.json(
                "POST", "/easy/submit", read_timeout=SUBMIT_READ_TIMEOUT,
                data=json.dumps(payload), headers={"Content-Type": "application/json"},
            )  # fmt: skip
        except EngineUnavailable as exc:
            # The engine may have taken the task before the answer was lost.
            raise EngineUnavailable(str(exc), orphan_code=files.code) from exc
        code, msg = answer.get("code"), answer.get("msg")
        if code == OK:
            return
        if code == BUSY:
            raise EngineBusy(
                f"The HeyGem engine of {self.slot.name} is busy with another task "
                f"({describe(msg)}); the job waits for a free slot.",
                engine_message=str(msg),
            )
        raise EngineError(
            f"HeyGem on {self.slot.name} refused the task: {describe(msg)} (code {code}).",
            engine_message=str(msg),
        )

    def _watch(self, files: TaskFiles, clock: RenderClock, heartbeat: Heartbeat) -> Path:
        """Poll until the task ends; the host path of its result."""
        tracker = ProgressTracker(clock)
        unreachable_since, errors = None, 0
        while True:
            if clock.timed_out():
                raise self._timeout(files, clock)
            # The next answer may be the terminal one, which the engine gives once:
            # a worker paused past its lease must not take it from the current one.
            heartbeat.confirm()
            try:
                answer = self._query(files.code)
            except EngineUnavailable as exc:
                unreachable_since = unreachable_since or time.monotonic()
                grace = settings.HEYGEM["RENDER_UNREACHABLE_GRACE_SECONDS"]
                if time.monotonic() - unreachable_since > grace:
                    return self._lost(files, clock, heartbeat, reason=str(exc))
                heartbeat(tracker.shown, detail=f"The engine is not answering: {exc}"[:200])
                time.sleep(clock.poll)  # the engine is down: no hurry
                continue
            unreachable_since = None
            outer, data = answer.get("code"), answer.get("data") or {}
            if outer == UNKNOWN_TASK:
                return self._lost(files, clock, heartbeat)
            if outer == OK and data.get("status") in (DONE, FAILED):
                files.record(answer)  # told once only: keep it before anything else
                return self._outcome(files, data)
            errors = 0 if outer == OK else errors + 1
            if errors >= QUERY_ERROR_LIMIT:
                raise EngineError(
                    f"HeyGem on {self.slot.name} answered {errors} queries in a row with "
                    f"{describe(answer.get('msg'))} (code {outer}).",
                    engine_message=str(answer.get("msg")), orphan_code=files.code,
                )  # fmt: skip
            progress, detail, event = tracker.update(data.get("progress"), data.get("msg"))
            heartbeat(progress, detail=detail, event=event)
            _sleep(clock.next_poll(tracker.engine), heartbeat)

    def _query(self, code: str) -> dict:
        return self.http.json(
            "GET", "/easy/query", params={"code": code}, read_timeout=QUERY_READ_TIMEOUT
        )

    def _outcome(self, files: TaskFiles, data: dict) -> Path:
        if data.get("status") == FAILED:
            msg = data.get("msg")
            advice = hint(msg)
            raise EngineError(
                f"HeyGem on {self.slot.name} failed the render: {describe(msg)}."
                + (f" Hint: {advice}." if advice else ""),
                engine_message=str(msg),
            )
        result = files.temp / str(data.get("result") or files.result.name).lstrip("/")
        if result.parent != files.temp or not result.is_file():
            raise ResultNotVisible(
                f"HeyGem on {self.slot.name} reported the render finished, but its result "
                f"{result.name} is not in {files.temp}: is {self.slot.data_dir} the folder "
                f"mounted at {self.slot.container_data_dir} in the video container?"
            )
        return result

    def _lost(
        self, files: TaskFiles, clock: RenderClock, heartbeat: Heartbeat, reason: str = ""
    ) -> Path:
        """The engine no longer knows the task: what did it leave behind?"""
        recorded = files.recorded()
        if recorded:  # an earlier worker got the outcome before it died
            return self._outcome(files, recorded.get("data") or {})
        if files.result_is_complete(clock.audio_seconds):
            heartbeat(
                None,
                event=f"The engine of {self.slot.name} lost the task (10004, task not found) "
                f"but its result file {files.result.name} is complete; using it.",
            )
            return files.result
        why = reason or "it answers 10004, task not found: the container restarted or crashed"
        raise TaskLost(
            f"HeyGem on {self.slot.name} lost task {files.code} ({why}) and left no result "
            f"in {files.temp}.",
            engine_message="任务不存在",
            orphan_code=files.code if reason else "",
        )

    def _timeout(self, files: TaskFiles, clock: RenderClock) -> EngineError:
        return EngineError(
            f"The render on {self.slot.name} took longer than {clock_text(clock.timeout)} "
            f"(limit for {clock.audio_seconds:.1f} s of audio). HeyGem keeps a hung task busy, "
            "so the slot is kept out until the engine lets go of it (restart the container to "
            "free it now).",
            orphan_code=files.code,
        )

    # --- health -----------------------------------------------------------------

    def temp_dir(self) -> Path:
        return checked_subdir(self.slot, "temp", "video")

    def probe(self, *, deep: bool = False) -> None:
        temp = self.temp_dir()
        if self.slot.orphan_code:
            self._probe_orphan(TaskFiles(temp, self.slot.orphan_code))
        # No health endpoint: an unknown code must answer 10004 (§2.2).
        answer = self._query(f"studio-probe-{uuid.uuid4().hex}")
        if answer.get("code") != UNKNOWN_TASK:
            raise EngineUnavailable(
                f"{self.http.base_url} answered {json.dumps(answer, ensure_ascii=False)[:120]} "
                "to a query for a task that does not exist; HeyGem answers 10004. Is this the "
                "video engine's URL?"
            )
        if deep:
            self._probe_render(temp)

    def _probe_orphan(self, files: TaskFiles) -> None:
        answer = self._query(files.code)
        data = answer.get("data") or {}
        if answer.get("code") == OK and data.get("status") == RUNNING:
            raise EngineBusy(
                f"HeyGem on {self.slot.name} is still running task {files.code}, which was "
                f"canceled or timed out (engine at {data.get('progress')} %). The slot rejoins "
                "when it ends; restart the container to end it now."
            )
        if answer.get("code") not in (OK, UNKNOWN_TASK):
            raise EngineBusy(f"HeyGem on {self.slot.name} answered {describe(answer.get('msg'))}.")
        files.remove()  # ended (or forgotten): its files are ours to clean

    def _probe_render(self, temp: Path) -> None:
        """Render a tiny clip: proves the engine reads and writes the folder we use."""
        files = TaskFiles(temp, uuid.uuid4().hex)
        with tempfile.TemporaryDirectory() as scratch:
            clip = media.make_sample_speaker(Path(scratch) / "probe.mp4", seconds=1.0)
            wav = Path(scratch) / "probe.wav"
            media.extract_audio(clip, wav)
            files.stage(wav, clip)
        self._submit(files)
        clock = RenderClock(audio_seconds=1.0, expected=20.0, timeout=DEEP_PROBE_TIMEOUT)
        try:
            self._watch(files, clock, heartbeat=Unbound())
        except EngineError as exc:
            if exc.orphan_code:
                raise EngineUnavailable(f"Deep probe: {exc}", orphan_code=exc.orphan_code) from exc
            files.remove()
            if isinstance(exc, ResultNotVisible | TaskLost):
                raise EngineUnavailable(f"Deep probe: {exc}") from exc
            if is_input_read_failure(exc.engine_message):
                raise EngineUnavailable(
                    f"Deep probe: the engine could not read the clip written to {temp} "
                    f"({describe(exc.engine_message)}): is {self.slot.data_dir} the folder "
                    f"mounted at {self.slot.container_data_dir} in the video container?"
                ) from exc
            # Any other failure (e.g. no face in the synthetic clip) proves the files were read.
            return
        files.remove()


def _sleep(seconds: float, heartbeat: Heartbeat) -> None:
    """Wait between polls, still seeing a cancel or a stop every second."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 1.0))
        heartbeat()


def _copy_atomically(source: Path, dest: Path) -> None:
    partial = dest.with_name(f"{dest.stem}.partial{dest.suffix}")
    shutil.copyfile(source, partial)
    partial.replace(dest)
