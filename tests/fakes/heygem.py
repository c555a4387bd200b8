"""FakeHeyGem: the HeyGem.ai video engine's HTTP API on loopback (ENGINES.md §2).

What is faithful, and where it comes from:

* Flask development server with ``threaded=False`` (§2): one request at a time over
  HTTP/1.0, every answer HTTP 200 ``text/html; charset=utf-8`` whose body is
  ``json.dumps(obj, sort_keys=True, indent=4, ensure_ascii=False)``. Wrong method → Werkzeug's
  405 page, unknown path → 404 page, a body that is not JSON → 500 page (§2.1).
* ``POST /easy/submit`` (§2.1): 10000 with ``msg`` the *number* 10000; 10001 "忙碌中" while a
  render runs (no queue); 10002 for a missing/empty field; an unhashable ``code`` fails the
  dict store → 10003; any other exception (e.g. the body is a JSON number) → 9999. Files are
  not checked at submit.
* The render runs in a worker thread (the real ``TransDhTask.work``), so queries are answered
  while it runs. Progress 0 → 5 "文件下载完成" → 20 "音频特征提取完成" (held for most of the
  render, §2.2 "stuck at 20") → 90 "视频处理完成" → status 2.
* ``GET /easy/query`` (§2.2): terminal states (2, 3) are answered once and then deleted; an
  unknown or missing code → 10004. Codes are looked up as strings, so a numeric ``code``
  submitted as a JSON number can never be found.
* Paths (§2.1): a relative name is ``/code/data/temp/<name>`` in the container, an absolute
  ``/code/data/...`` path is inside the volume; the volume is ``data_dir`` on the host.
  http(s) URLs and absolute paths outside ``/code/data`` (host paths) fail with
  "三次获取音频时长失败" (#480, Comfyui_HeyGem #2); a path inside the volume whose file is
  missing fails with "[<code>]预处理失败，异常信息:[format video error]" (#421, #225), which is
  also what a Windows path such as ``d:/x.mp4`` gets (it is relative, so it lands in temp/).
  Audio that ffprobe cannot read fails with "三次获取音频时长失败".
* Output (§2.3): ``temp/<code>-t.mp4`` (silent frames: the input video looped/trimmed to the
  audio length), then ``temp/<code>-r.mp4`` muxed with the audio in place; the intermediate
  is left behind unless ``keep_intermediates=False``. ``data.result`` is ``"/<code>-r.mp4"``
  and the success payload carries ``cost``, ``video_duration`` (ms), ``width``, ``height``
  (§2.2, newer builds; ``cost`` in seconds is a guess, the sources do not say its unit).

Failures on demand (``fail_next``), for the problems of §5:

* ``"busy"``: the next valid submit answers 10001 although the engine is idle.
* ``"error9999"``: the next query answers ``{"code": 9999, ..., "msg": "系统异常"}``.
* ``"status3"``: the next accepted task fails at progress 20 with ``msg`` (default
  "**生成视频失败"); ``"multi_face"`` the same with "存在多人脸".
* ``"hang"``: the next accepted task stays at status 1 / progress 20 and the engine stays
  busy (#58, #206) until ``release_hang()`` (the render then completes normally),
  ``restart()`` or ``stop()``.
* ``"crash"``: at progress 20 the engine loses all state, as in a container restart: no
  result file, every query answers 10004, the engine is idle again.
* ``"crash_after_result"``: ``temp/<code>-r.mp4`` is written completely, then all state is
  lost, so the query answers 10004 and the client must look for the file (§6).

``restart()`` loses all in-memory state (tasks, the running render) but keeps the test's
bookkeeping (``submissions``, ``queries``, pending failures). ``stop()`` then ``start()``
serves the same port again: connections are refused in between.
"""

from __future__ import annotations

import json
import posixpath
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from ._server import FakeServer, QuietHandler, SingleThreadedServer
from .media import ffmpeg_command, probe

CONTAINER_ROOT = "/code/data"
DURATION_FAILED = "三次获取音频时长失败"
FORMAT_FAILED = "[{code}]预处理失败，异常信息:[format video error]"

# kind -> default msg (None: the kind carries no message)
TASK_FAILURES = {
    "status3": "**生成视频失败",
    "multi_face": "存在多人脸",
    "hang": None,
    "crash": None,
    "crash_after_result": None,
}
REQUEST_FAILURES = {"busy": None, "error9999": None}
FAILURE_KINDS = {**TASK_FAILURES, **REQUEST_FAILURES}


def engine_json(code: int, success: bool, msg, data: dict | None = None) -> bytes:
    """The engine's response body, byte for byte (EasyResponse through json.dumps, §2.1)."""
    obj = {"code": code, "data": data or {}, "msg": msg, "success": success}
    return json.dumps(obj, sort_keys=True, indent=4, ensure_ascii=False).encode("utf-8")


def flask_error_page(status: int, title: str, text: str) -> bytes:
    """Werkzeug's default HTML error page (Werkzeug ≥ 2.1 layout)."""
    return (
        f"<!doctype html>\n<html lang=en>\n<title>{status} {title}</title>\n"
        f"<h1>{title}</h1>\n<p>{text}</p>\n"
    ).encode()


NOT_FOUND_PAGE = flask_error_page(
    404,
    "Not Found",
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.",
)
METHOD_NOT_ALLOWED_PAGE = flask_error_page(
    405, "Method Not Allowed", "The method is not allowed for the requested URL."
)
INTERNAL_ERROR_PAGE = flask_error_page(
    500,
    "Internal Server Error",
    "The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application.",
)


class _Lost(Exception):
    """The render was lost (crash, restart or stop); the worker just exits."""


@dataclass
class _Task:
    """One entry of the engine's in-memory ``task_dic``."""

    status: int = 1
    progress: int = 0
    msg: str = ""
    result: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class _Run:
    """The render in progress: the real engine's ``run_flag`` is "a _Run exists"."""

    code: object
    audio_url: object
    video_url: object
    seconds: float
    failure: tuple[str, str | None] | None
    cancel: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    proc: subprocess.Popen | None = None
    thread: threading.Thread | None = None


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.0"  # Werkzeug without threading answers HTTP/1.0 (§2)
    server_version = "Werkzeug/2.2.3"
    sys_version = "Python/3.8.19"

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def _dispatch(self):
        fake: FakeHeyGem = self.server.fake
        path, _, query = self.path.partition("?")
        routes: dict[str, tuple[set, str, Callable[[], bytes]]] = {
            "/easy/submit": ({"POST"}, "OPTIONS, POST", lambda: fake._submit(self.read_body())),
            "/easy/query": ({"GET", "HEAD"}, "GET, HEAD, OPTIONS", lambda: fake._query(query)),
        }
        if path not in routes:
            return self._html(404, NOT_FOUND_PAGE)
        methods, allow, view = routes[path]
        if self.command not in methods:
            return self._html(405, METHOD_NOT_ALLOWED_PAGE, [("Allow", allow)])
        try:
            body = view()
        except Exception:  # an exception outside the view's own try: Flask's 500 page
            return self._html(500, INTERNAL_ERROR_PAGE)
        self._html(200, body)

    def _html(self, status: int, body: bytes, headers=()):
        # The views return plain strings, so Flask labels even the JSON as HTML (§2.1).
        self.send_bytes(
            status, body, "text/html; charset=utf-8", [*headers, ("Connection", "close")]
        )


class FakeHeyGem(FakeServer):
    """The HeyGem.ai video container (see the module docstring for the contract).

    ``data_dir`` is the host directory mounted at ``/code/data``; inputs go to
    ``data_dir/temp`` and results appear there. ``render_seconds`` is the minimum wall time
    of a render; it can be changed at any time and applies from the next submit.
    """

    server_class = SingleThreadedServer
    handler_class = _Handler
    thread_name = "fake-heygem"

    def __init__(
        self,
        data_dir: Path,
        *,
        render_seconds: float = 0.5,
        render_seconds_per_audio_second: float = 0.0,
        keep_intermediates: bool = True,
        port: int = 0,
        host: str = "127.0.0.1",
    ):
        super().__init__(host=host, port=port)
        self.data_dir = Path(data_dir)
        self.render_seconds = render_seconds
        # A real render takes longer for longer speech; 0 keeps the fixed render_seconds.
        self.render_seconds_per_audio_second = render_seconds_per_audio_second
        self.keep_intermediates = keep_intermediates
        self.submissions: list = []  # every submit body that parsed as JSON, in order
        self.queries = 0  # number of /easy/query requests answered
        # One lock for all engine state: the HTTP thread and the worker both touch it.
        self._lock = threading.Lock()
        self._tasks: dict = {}
        self._run: _Run | None = None
        self._workers: list[threading.Thread] = []
        self._failures: list[tuple[str, str | None]] = []

    # ----- test controls ------------------------------------------------------------

    def fail_next(self, kind: str, msg: str | None = None, *, times: int = 1) -> None:
        """Queue a failure; each is used by the first request or task it applies to."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown failure {kind!r}; choose from {sorted(FAILURE_KINDS)}")
        with self._lock:
            self._failures += [(kind, msg or FAILURE_KINDS[kind])] * times

    def release_hang(self) -> None:
        """Let a hung render continue to completion."""
        with self._lock:
            if self._run is not None:
                self._run.released.set()

    def restart(self) -> None:
        """Lose all in-memory state, as when the container restarts."""
        with self._lock:
            if self._run is not None:
                self._cancel(self._run)
            self._run = None
            self._tasks.clear()

    @property
    def busy(self) -> bool:
        """True while a render runs (submit would answer 10001)."""
        with self._lock:
            return self._run is not None

    def host_path(self, value) -> Path | None:
        """Where the container would read ``value`` from, on the host (§2.1 path rules).

        None for inputs the engine cannot use at all: URLs, non-strings and absolute paths
        outside the volume.
        """
        if not isinstance(value, str) or value.startswith(("http://", "https://")):
            return None
        path = value if value.startswith("/") else f"{CONTAINER_ROOT}/temp/{value}"
        path = posixpath.normpath(path)
        if path != CONTAINER_ROOT and not path.startswith(CONTAINER_ROOT + "/"):
            return None
        return self.data_dir / path[len(CONTAINER_ROOT) :].lstrip("/")

    # ----- lifecycle ------------------------------------------------------------------

    def _on_start(self) -> None:
        (self.data_dir / "temp").mkdir(parents=True, exist_ok=True)  # as app.py's __main__

    def _on_stop(self) -> None:
        self.restart()
        for worker in self._workers:
            worker.join(timeout=2)
        self._workers = [w for w in self._workers if w.is_alive()]

    def _take_failure(self, kinds) -> tuple[str, str | None] | None:
        """Pop the first pending failure of one of ``kinds`` (caller holds the lock)."""
        for i, (kind, msg) in enumerate(self._failures):
            if kind in kinds:
                del self._failures[i]
                return kind, msg
        return None

    # ----- HTTP views -----------------------------------------------------------------

    def _submit(self, raw: bytes) -> bytes:
        data = json.loads(raw)  # outside the try, like the real view: bad JSON → HTTP 500
        try:
            with self._lock:
                self.submissions.append(data)
            # Same membership tests as the real view, so odd bodies (a list, a string, a
            # number) fall through to the same answers (10002 or, on TypeError, 9999).
            for name in ("audio_url", "video_url", "code"):
                if name not in data or data[name] == "":
                    return engine_json(10002, False, f"{name}参数缺失")
            with self._lock:
                if self._run is not None or self._take_failure({"busy"}):
                    return engine_json(10001, True, "忙碌中")
                try:
                    self._tasks[data["code"]] = _Task()
                except TypeError:  # unhashable code: the real dict store fails here
                    return engine_json(10003, False, "获取锁异常")
                run = _Run(
                    code=data["code"],
                    audio_url=data["audio_url"],
                    video_url=data["video_url"],
                    seconds=self.render_seconds,
                    failure=self._take_failure(TASK_FAILURES),
                )
                run.thread = threading.Thread(
                    target=self._render, args=(run,), name=f"fake-heygem-render:{run.code}"
                )
                self._run = run
                self._workers = [w for w in self._workers if w.is_alive()] + [run.thread]
            run.thread.start()
            return engine_json(10000, True, 10000)
        except Exception:
            return engine_json(9999, False, "系统异常")

    def _query(self, query: str) -> bytes:
        code = parse_qs(query, keep_blank_values=True).get("code", [None])[0]
        with self._lock:
            self.queries += 1
            if self._take_failure({"error9999"}):
                return engine_json(9999, False, "系统异常")
            task = self._tasks.get(code)
            if task is None:
                return engine_json(10004, True, "任务不存在")
            if task.status != 1:
                del self._tasks[code]  # terminal states are answered once (§2.2 del_flag)
            data = {
                "code": code,
                "status": task.status,
                "progress": task.progress,
                "result": task.result,
                "msg": task.msg,
                **task.extra,
            }
        return engine_json(10000, True, "", data)

    # ----- the render worker ----------------------------------------------------------

    def _render(self, run: _Run) -> None:
        try:
            self._work(run)
        except _Lost:
            pass
        finally:
            with self._lock:
                if self._run is run:
                    self._run = None

    def _work(self, run: _Run) -> None:
        start = time.monotonic()
        kind, msg = run.failure or (None, None)
        temp = self.data_dir / "temp"
        silent, result = temp / f"{run.code}-t.mp4", temp / f"{run.code}-r.mp4"

        self._sleep_until(run, start + 0.1 * run.seconds)
        audio, video = self.host_path(run.audio_url), self.host_path(run.video_url)
        if audio is None or video is None:
            return self._set(run, status=3, progress=0, msg=DURATION_FAILED)
        if not audio.is_file() or not video.is_file():
            return self._set(run, status=3, progress=0, msg=FORMAT_FAILED.format(code=run.code))
        audio_seconds = _audio_seconds(audio)
        if not audio_seconds:
            return self._set(run, status=3, progress=0, msg=DURATION_FAILED)
        run.seconds = max(run.seconds, self.render_seconds_per_audio_second * audio_seconds)
        self._set(run, progress=5, msg="文件下载完成")

        self._sleep_until(run, start + 0.2 * run.seconds)
        self._set(run, progress=20, msg="音频特征提取完成")
        if kind in ("status3", "multi_face"):
            return self._set(run, status=3, progress=0, msg=msg)
        if kind == "crash":
            self.restart()
            raise _Lost
        if kind == "hang":
            while not run.released.wait(0.05):
                if run.cancel.is_set():
                    raise _Lost
        # The silent frames: the template video looped or trimmed to the audio's length.
        frames = ["-stream_loop", "-1", "-i", str(video), "-t", f"{audio_seconds:.3f}", "-an",
                  "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264",
                  "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(silent)]  # fmt: skip
        if not self._ffmpeg(run, frames):
            return self._set(run, status=3, progress=0, msg=FORMAT_FAILED.format(code=run.code))

        self._sleep_until(run, start + 0.9 * run.seconds)
        self._set(run, progress=90, msg="视频处理完成")
        mux = ["-i", str(silent), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
               "-c:v", "copy", "-c:a", "aac", str(result)]  # fmt: skip
        if not self._ffmpeg(run, mux):
            return self._set(run, status=3, progress=0, msg=TASK_FAILURES["status3"])
        if kind == "crash_after_result":
            self.restart()
            raise _Lost

        self._sleep_until(run, start + run.seconds)
        if not self.keep_intermediates:
            silent.unlink(missing_ok=True)
        info = probe(result)
        stream = next(s for s in info["streams"] if s["codec_type"] == "video")
        self._set(
            run,
            status=2,
            progress=100,
            msg="任务完成",
            result=f"/{run.code}-r.mp4",
            extra={
                "cost": round(time.monotonic() - start, 2),
                "video_duration": int(float(info["format"]["duration"]) * 1000),
                "width": stream["width"],
                "height": stream["height"],
            },
        )

    def _set(self, run: _Run, **changes) -> None:
        """Update the task, unless the engine has lost it meanwhile.

        A terminal status frees the engine in the same step. (The real worker clears
        ``run_flag`` a moment later; a client that saw status 2 could, rarely, still get
        10001. The fake closes that window so tests that chain renders are deterministic.)
        """
        with self._lock:
            task = self._tasks.get(run.code)
            if run.cancel.is_set() or task is None:
                raise _Lost
            for name, value in changes.items():
                setattr(task, name, value)
            if task.status != 1 and self._run is run:
                self._run = None

    @staticmethod
    def _sleep_until(run: _Run, deadline: float) -> None:
        if run.cancel.wait(max(0.0, deadline - time.monotonic())):
            raise _Lost

    def _ffmpeg(self, run: _Run, args: list[str]) -> bool:
        """Run ffmpeg for this render; a restart kills it. True on success."""
        with self._lock:
            if run.cancel.is_set():
                raise _Lost
            run.proc = subprocess.Popen(
                ffmpeg_command(args),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            run.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            run.proc.kill()
            run.proc.wait()
        if run.cancel.is_set():
            raise _Lost
        return run.proc.returncode == 0

    @staticmethod
    def _cancel(run: _Run) -> None:
        """Stop a render from any thread (caller holds the lock)."""
        run.cancel.set()
        if run.proc is not None and run.proc.poll() is None:
            run.proc.kill()


def _audio_seconds(path: Path) -> float | None:
    try:
        return float(probe(path)["format"]["duration"])
    except (subprocess.SubprocessError, KeyError, ValueError):
        return None
