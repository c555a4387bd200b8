"""Watching jobs change: one PostgreSQL LISTEN per process, any number of waiters.

Triggers (migration 0006) NOTIFY ``heygem_changes`` when a job, its timeline or
a slot changes, at commit. A daemon thread per process listens on its own
connection and wakes every waiter; each waiter then re-reads its own version
(one cheap query) and returns when it moved. While the listener is down (a
database restart) waiters re-check every second instead, so a change is still
seen within a second, at the cost of one query a second per waiter.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import psycopg
from django.db import connections
from django.http.response import HttpResponseBase

logger = logging.getLogger(__name__)
CHANNEL = "heygem_changes"
# Seconds between re-checks while nothing is heard (guards a lost notification).
RECHECK_SECONDS = 5.0
RECHECK_WITHOUT_LISTENER_SECONDS = 1.0


class ChangeListener:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._stopping = threading.Event()
        self.listening = False

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="heygem-listen", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """End the listening thread and close its connection (tests, before dropping a DB)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
        self._stopping.clear()

    def _run(self) -> None:
        params = connections["default"].get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        while not self._stopping.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening = True
                    self._wake()  # anything missed while down is re-read now
                    while not self._stopping.is_set():
                        # A timeout so that stop() is heard; notifications wake at once.
                        for _ in conn.notifies(timeout=1.0):
                            self._wake()
            except psycopg.Error as exc:
                logger.warning("change listener lost the database: %s", exc)
            self.listening = False
            self._stopping.wait(1.0)

    def _wake(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    def wait_until(self, changed: Callable[[], bool], *, timeout: float) -> bool:
        """Block until ``changed()`` is true (True) or ``timeout`` seconds pass (False)."""
        self._ensure_started()
        deadline = time.monotonic() + timeout
        while True:
            if changed():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            recheck = RECHECK_SECONDS if self.listening else RECHECK_WITHOUT_LISTENER_SECONDS
            self._wait_for_news(timeout=min(remaining, recheck))

    def _wait_for_news(self, *, timeout: float) -> None:
        with self._changed:
            generation = self._generation
            self._changed.wait_for(lambda: self._generation != generation, timeout=timeout)


listener = ChangeListener()


def preferred_wait(prefer_header: str, *, limit: float) -> float:
    """Seconds from ``Prefer: wait=N`` (RFC 7240), at most ``limit``; 0 without one."""
    for preference in prefer_header.split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == "wait":
            try:
                return max(0.0, min(float(value.strip().strip('"')), limit))
            except ValueError:
                return 0.0
    return 0.0


@dataclass(frozen=True)
class Watch:
    tag: str | None  # None: the job is gone (or not visible)
    unchanged: bool  # the client's If-None-Match still holds: answer 304
    held: float  # seconds the answer was held for (0: not held)


_holds: tuple[int, threading.BoundedSemaphore] | None = None
_holds_lock = threading.Lock()


def _hold_slots(count: int) -> threading.BoundedSemaphore:
    """The process's hold permits; made anew if the setting changed (tests do)."""
    global _holds
    with _holds_lock:
        if _holds is None or _holds[0] != count:
            _holds = (count, threading.BoundedSemaphore(max(1, count)))
        return _holds[1]


def held_until_changed(
    headers: Mapping[str, str],
    current_tag: Callable[[], str | None],
    *,
    limit: float,
    max_held: int,
) -> Watch:
    """Long polling on a version, for an ``If-None-Match`` request.

    With ``Prefer: wait=N`` and the client's tag still current, the answer is
    held until the tag moves or N seconds pass, so an idle watcher asks once per
    N seconds and a change reaches it at once. A held request keeps its server
    thread: at most ``max_held`` are held per process, so pages always find a
    thread; past that the answer comes at once, not held (the client then asks
    again in 5 s: docs/api.md).
    """
    tag = current_tag()
    sent = headers.get("If-None-Match", "").strip()
    if tag is None or sent != f'"{tag}"':
        return Watch(tag, False, 0.0)
    wait = preferred_wait(headers.get("Prefer", ""), limit=limit)
    holds = _hold_slots(max_held)
    if not wait or max_held <= 0 or not holds.acquire(blocking=False):
        return Watch(tag, True, 0.0)
    try:
        listener.wait_until(lambda: current_tag() != tag, timeout=wait)
    finally:
        holds.release()
    tag = current_tag()
    return Watch(tag, tag is not None and sent == f'"{tag}"', wait)


def watched(response: HttpResponseBase, watch: Watch) -> HttpResponseBase:
    """The validators of a watch answer; ``Preference-Applied`` only when it was held."""
    response["ETag"] = f'"{watch.tag}"'
    if watch.held:
        response["Preference-Applied"] = f"wait={watch.held:g}"
    return response
