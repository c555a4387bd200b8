"""HTTP plumbing shared by the GPU engine clients.

Every call has an explicit (connect, read) timeout, and every way a call can go
wrong becomes an EngineUnavailable whose message names the engine and the URL,
so an operator reading a job's events or ``slots probe`` knows where to look.
Every call, answered or not, is told once to the client's ``on_answer`` hook
(an ``Answer``: path, HTTP status or transport failure, engine code), which the
stages and probes count for /metrics.
"""

import json
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from django.conf import settings

from .base import Answer, AnswerHook, EngineUnavailable

T = TypeVar("T")

# An engine code is a small integer in every contract (§2, §3.1); anything else is one
# value, so a wrong server on the URL cannot grow the number of counted kinds.
ENGINE_CODE = re.compile(r"-?\d{1,9}")
OTHER_CODE = "other"


class EngineHttp:
    def __init__(self, base_url: str, *, engine: str, on_answer: AnswerHook | None = None):
        self.base_url = base_url.rstrip("/")
        self.engine = engine
        self.on_answer = on_answer

    @property
    def connect_timeout(self) -> float:
        return float(settings.HEYGEM["ENGINE_CONNECT_TIMEOUT"])

    def request(
        self, method: str, path: str, *, read_timeout: float, **kwargs: Any
    ) -> requests.Response:
        response = self._send(method, path, read_timeout, kwargs)
        self._observe(path, str(response.status_code))
        return response

    def json(self, method: str, path: str, *, read_timeout: float, **kwargs: Any) -> dict[str, Any]:
        """The answer as a JSON object, whatever its Content-Type (HeyGem says text/html)."""
        response = self._send(method, path, read_timeout, kwargs)
        status = str(response.status_code)
        if response.status_code != 200:
            self._observe(path, status)
            raise self.unavailable(
                response.url, f"HTTP {response.status_code}: {error_text(response)}"
            )
        try:
            body = json.loads(response.content)
        except ValueError:
            self._observe(path, status)
            raise self.unavailable(
                response.url, f"the answer is not JSON: {response.text[:120]!r}"
            ) from None
        self._observe(path, status, engine_code(body) if isinstance(body, dict) else "")
        if not isinstance(body, dict):
            raise self.unavailable(response.url, f"unexpected answer {body!r:.120}")
        return body

    def _send(
        self, method: str, path: str, read_timeout: float, kwargs: dict[str, Any]
    ) -> requests.Response:
        """The HTTP answer. A call that got none is told to the hook by what went wrong
        (timeout, connect_timeout, refused, unknown_host, disconnected, connection_error,
        error) and raised as EngineUnavailable."""
        url = self.base_url + path
        try:
            return requests.request(
                method, url, timeout=(self.connect_timeout, read_timeout), **kwargs
            )
        except requests.ConnectTimeout:
            failure, reason = "connect_timeout", "the connection timed out"
        except requests.ConnectionError as exc:
            failure, reason = _connection_failure(exc)
        except requests.Timeout:
            failure, reason = "timeout", f"no answer within {read_timeout:.0f} s"
        except requests.RequestException as exc:
            failure, reason = "error", str(exc)
        self._observe(path, failure)
        raise self.unavailable(url, reason)

    def _observe(self, path: str, status: str, code: str = "") -> None:
        if self.on_answer is not None:
            self.on_answer(Answer(path=path, status=status, code=code))

    def unavailable(self, url: str, reason: str) -> EngineUnavailable:
        return EngineUnavailable(f"The {self.engine} engine at {url} failed: {reason}.")


def engine_code(body: dict[str, Any]) -> str:
    """The engine's own ``code`` of a JSON answer, as text ("" when it has none)."""
    code = body.get("code")
    if code is None:
        return ""
    plain = not isinstance(code, bool) and ENGINE_CODE.fullmatch(str(code))
    return str(code) if plain else OTHER_CODE


def error_text(response: requests.Response) -> str:
    """The message of an error answer: kui's ``message`` field, else the body's start."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason
    if isinstance(body, dict):
        for key in ("message", "msg", "detail"):
            if body.get(key):
                return str(body[key])[:500]
    return json.dumps(body, ensure_ascii=False)[:200]


def _connection_failure(exc: Exception) -> tuple[str, str]:
    """(Answer.status, the reason an operator reads) of a connection that failed."""
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return "refused", "connection refused (is the container running and the port right?)"
    if "Name or service not known" in text or "Failed to resolve" in text:
        return "unknown_host", "unknown host name"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return "disconnected", "the engine closed the connection without answering"
    return "connection_error", text[:200]


def call_with_heartbeat(
    call: Callable[[], T], heartbeat: Callable[[], None] | None, *, every: float = 1.0
) -> T:
    """Run a long blocking HTTP call in a thread while the stage keeps its lease.

    A synthesis or voice preparation can take minutes, longer than a lease; the
    heartbeat may raise (job canceled, lease lost): we then stop waiting and let
    the call finish on its own (the engine has no cancel anyway).
    """
    if heartbeat is None:
        return call()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting thread below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="engine-call", daemon=True)
    thread.start()
    while True:
        thread.join(every)
        if not thread.is_alive():
            break
        heartbeat()
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
