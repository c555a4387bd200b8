"""HTTP plumbing shared by the GPU engine clients.

Every call has an explicit (connect, read) timeout, and every way a call can go
wrong becomes an EngineUnavailable whose message names the engine and the URL,
so an operator reading a job's events or ``slots probe`` knows where to look.
"""

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from django.conf import settings

from .base import EngineUnavailable

T = TypeVar("T")


class EngineHttp:
    def __init__(self, base_url: str, *, engine: str):
        self.base_url = base_url.rstrip("/")
        self.engine = engine

    @property
    def connect_timeout(self) -> float:
        return float(settings.HEYGEM["ENGINE_CONNECT_TIMEOUT"])

    def request(
        self, method: str, path: str, *, read_timeout: float, **kwargs: Any
    ) -> requests.Response:
        url = self.base_url + path
        try:
            return requests.request(
                method, url, timeout=(self.connect_timeout, read_timeout), **kwargs
            )
        except requests.ConnectTimeout:
            raise self.unavailable(url, "the connection timed out") from None
        except requests.ConnectionError as exc:
            raise self.unavailable(url, _connection_reason(exc)) from None
        except requests.Timeout:
            raise self.unavailable(url, f"no answer within {read_timeout:.0f} s") from None
        except requests.RequestException as exc:
            raise self.unavailable(url, str(exc)) from None

    def json(self, method: str, path: str, *, read_timeout: float, **kwargs: Any) -> dict[str, Any]:
        """The answer as a JSON object, whatever its Content-Type (HeyGem says text/html)."""
        response = self.request(method, path, read_timeout=read_timeout, **kwargs)
        if response.status_code != 200:
            raise self.unavailable(
                response.url, f"HTTP {response.status_code}: {error_text(response)}"
            )
        try:
            body = json.loads(response.content)
        except ValueError:
            raise self.unavailable(
                response.url, f"the answer is not JSON: {response.text[:120]!r}"
            ) from None
        if not isinstance(body, dict):
            raise self.unavailable(response.url, f"unexpected answer {body!r:.120}")
        return body

    def unavailable(self, url: str, reason: str) -> EngineUnavailable:
        return EngineUnavailable(f"The {self.engine} engine at {url} failed: {reason}.")


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


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused (is the container running and the port right?)"
    if "Name or service not known" in text or "Failed to resolve" in text:
        return "unknown host name"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return "the engine closed the connection without answering"
    return text[:200]


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
