"""django-q2's ORM broker, made to ride out a database restart.

Out of the box, one failed poll (the database restarted, failed over, dropped the
connection) makes the cluster's pusher log, sleep 10 s and die, and the sentinel
that restarts it keeps its own broken connection: for those 10 s no stage task is
taken from the queue, so a freshly bound render waits, and with a short lease it is
reclaimed before it starts. Here a failed poll closes the broken connection and the
next poll, one poll period later, reconnects; the sentinel's status writes do the
same. Tasks are locked one by one as before: a poll that fails half way hands on
the ones it has locked already, so none waits for django-q2's retry (hours).
"""

from time import sleep

from django import db
from django.db import DatabaseError, InterfaceError
from django_q.brokers.orm import ORM
from django_q.conf import Conf, logger

# A failed poll waits at least this long before the next, so a database that is down
# is not asked 50 times a second.
FAILED_POLL_SECONDS = 0.5
DB_ERRORS = (DatabaseError, InterfaceError)


class ResilientORM(ORM):
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
            sleep(Conf.POLL)  # an empty queue: spare the CPU
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
