"""The task queue's broker rides out a database restart: while the database refuses new
sessions a poll takes nothing (django-q2's own broker raises, and its pusher then sleeps
10 s and dies), and once it is back the next poll and status write reconnect."""

import threading
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import DatabaseError, connection, connections
from django_q.brokers import get_broker
from django_q.conf import Conf

from heygem_site.qbroker import ResilientORM

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_down():
    """Our session is dropped and no new one is let in, as while PostgreSQL restarts."""
    db = connection.settings_dict
    admin = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                            user=db["USER"], dbname="postgres", autocommit=True)  # fmt: skip
    name = db["NAME"]
    with admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s", [name])  # fmt: skip
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_a_poll_while_the_database_is_down_takes_nothing_and_the_next_one_takes_the_task():
    broker = get_broker("heygem-stages-test")
    assert isinstance(broker, ResilientORM)  # the site's configured broker
    broker.enqueue("a stage task")

    with database_down():
        assert broker.dequeue() == []  # no exception: the pusher keeps polling

    taken = broker.dequeue()
    assert [payload for _, payload in taken] == ["a stage task"]


def test_status_writes_reconnect_once_the_database_is_back():
    broker = get_broker("heygem-stages-test")
    broker.set_stat("django_q:test:cluster", "up", 30)
    with database_down():
        with pytest.raises(DatabaseError):  # django-q2 logs this one and carries on
            broker.set_stat("django_q:test:cluster", "down", 30)

    broker.set_stat("django_q:test:cluster", "back", 30)  # the broken connection was closed
    assert broker.get_stat("django_q:test:cluster") == "back"


def take_one(broker, *, within: float) -> tuple[list, float]:
    """Dequeue like django-q2's pusher until a task comes or ``within`` passes."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        taken = broker.dequeue()
        if taken:
            return [payload for _, payload in taken], time.monotonic() - start
    return [], time.monotonic() - start


@pytest.fixture
def pusher():
    broker = get_broker("heygem-stages-test")
    yield broker
    broker.listener.close()  # its own connection would keep the test database open


def test_an_idle_pusher_sleeps_past_its_poll_and_wakes_the_moment_a_task_is_enqueued(
    monkeypatch, pusher
):
    monkeypatch.setattr(Conf, "POLL", 30)  # polling alone would take the task 30 s late
    assert pusher.dequeue() == []  # an empty queue: listening from now on
    assert wake_up_time(pusher) < 2


def test_another_queues_task_does_not_wake_the_pusher(monkeypatch, pusher):
    monkeypatch.setattr(Conf, "POLL", 1.5)
    assert pusher.dequeue() == []
    get_broker("heygem-stages-other-host").enqueue("not ours")
    start = time.monotonic()
    assert pusher.dequeue() == []
    assert time.monotonic() - start >= 1.4  # it slept its whole fallback poll


def test_the_wake_up_comes_back_after_a_database_restart(monkeypatch, pusher):
    monkeypatch.setattr(Conf, "POLL", 30)
    assert pusher.dequeue() == []  # listening
    with database_down():  # its wake-up connection is dropped with the others
        assert pusher.dequeue() == []
    assert wake_up_time(pusher) < 2  # it found its connection dead and listens on a new one


def wake_up_time(pusher) -> float:
    """Seconds from an enqueue to the pusher taking the task, while it waits on its own."""
    result = {}

    def wait() -> None:
        try:
            result["taken"] = take_one(pusher, within=20)
        finally:
            connections.close_all()  # the thread's own database connection

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(1.5)  # the pusher is asleep again (or back to listening)
    enqueued = time.monotonic()
    get_broker("heygem-stages-test").enqueue("a stage task")  # as the dispatcher does
    waiting.join(timeout=25)
    payloads, _ = result["taken"]
    assert payloads == ["a stage task"]
    return time.monotonic() - enqueued
