"""django-q2's ORM broker, made to ride out a database restart.

Out of the box, one failed poll (the database restarted, failed over, dropped the
connection) makes the cluster's pusher log, sleep 10 s and die, and the sentinel
that restarts it keeps its own broken connection: for those 10 s no stage task is
taken from the queue, so a freshly bound render waits, and with a short lease it is
reclaimed before it starts. Here a failed poll closes the broken connection and the
next poll, one poll period later, reconnects; the sentinel's status writes do the
same. Tasks are locked one by one as before: a poll that fails half way hands on
the ones it has locked already, so none waits for django-q2's retry (hours).

An idle pusher does not poll either: every enqueue NOTIFYs its queue's channel in
PostgreSQL, and a pusher with nothing to do waits on a connection LISTENing there, so
a bound stage is taken the moment its transaction commits, by a process that is
otherwise asleep. ``Q_POLL`` is only the fallback (a notice lost with a dropped
connection, a redelivered task).
"""

import hashlib
import os
from time import sleep

import psycopg
from django import db
from django.db import DatabaseError, InterfaceError
from django_q.brokers.orm import ORM
from django_q.conf import Conf, logger
from psycopg import sql

# A failed poll waits at least this long before the next, so a database that is down
# is not asked 50 times a second.
FAILED_POLL_SECONDS = 0.5
DB_ERRORS = (DatabaseError, InterfaceError)


def channel(list_key: str) -> str:
    """The NOTIFY channel of a queue: a plain identifier whatever the queue's name."""
    return "heygem_q_" + hashlib.sha1(list_key.encode()).hexdigest()[:16]


class Listener:
    """A pusher's own autocommit connection, LISTENing on its queue's channel."""

    def __init__(self, list_key: str):
        self.channel = channel(list_key)
        self.conn: psycopg.Connection | None = None
        self.pid = 0

    def wait(self, timeout: float) -> None:
        """Until a task may have been enqueued, or ``timeout`` passes."""
        if self.pid != os.getpid():  # inherited across a fork: the parent's, not ours
            self.conn, self.pid = None, os.getpid()
        try:
            if self.conn is None or self.conn.closed:
                params = db.connections[Conf.ORM].get_connection_params()
                self.conn = psycopg.connect(**params, autocommit=True)
                self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                return  # listening from now on: the caller looks at the queue once more
            # A notice sent since the caller last looked is already here: no task is missed.
            for _ in self.conn.notifies(timeout=timeout, stop_after=1):
                pass
        except psycopg.Error as exc:
            logger.warning("task queue: lost the wake-up connection, polling: %s", exc)
            self.close()
            sleep(min(timeout, FAILED_POLL_SECONDS))

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg.Error:
                pass
        self.conn = None


class ResilientORM(ORM):
    def __init__(self, list_key: str | None = None):
        super().__init__(list_key=list_key or Conf.CLUSTER_NAME)
        self.listener = Listener(self.list_key)

    def __setstate__(self, state):  # handed to the pusher's process
        super().__setstate__(state)
        self.listener = Listener(self.list_key)

    def enqueue(self, task):
        pk = super().enqueue(task)
        # Inside a transaction the notice goes out when it commits, with the task.
        with db.connections[Conf.ORM].cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [channel(self.list_key)])
        return pk

    def dequeue(self):
        taken = []
        try:
            tasks = list(
                self.get_connection().filter(key=self.list_key, lock__lt=self._now())[: Conf.BULK]
            )
            for task in tasks:
                locked = (
                    self.get_connection()
                    .filter(id=task.id, lock=task.lock)
                    .update(lock=self.timeout(task))
                )
                if locked:  # else another cluster was faster
                    taken.append((task.pk, task.payload))
        except DB_ERRORS as exc:
            logger.warning("task queue: the database is unreachable, polling again: %s", exc)
            _drop_broken_connections()
            sleep(max(Conf.POLL, FAILED_POLL_SECONDS))
            return taken
        if not taken:
            self.listener.wait(Conf.POLL)  # an empty queue: sleep until a task comes
        return taken

    def set_stat(self, key: str, value: str, timeout: int):
        # The sentinel writes its status every guard cycle and never closes a broken
        # connection itself; its cache connection is the database's.
        _drop_broken_connections()
        try:
            super().set_stat(key, value, timeout)
        except DB_ERRORS:
            _drop_broken_connections()
            raise

    @staticmethod
    def _now():
        from django.utils import timezone

        return timezone.now()


def _drop_broken_connections() -> None:
    # Closes only a connection that has failed and does not answer (or is past its age).
    db.close_old_connections()
