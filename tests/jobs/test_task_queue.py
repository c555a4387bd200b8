"""The task queue's broker rides out a database restart: while the database refuses new
sessions a poll takes nothing (django-q2's own broker raises, and its pusher then sleeps
10 s and dies), and once it is back the next poll and status write reconnect."""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import DatabaseError, connection
from django_q.brokers import get_broker

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
