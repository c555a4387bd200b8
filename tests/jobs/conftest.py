import pytest

from jobs.services import dispatcher


@pytest.fixture
def enqueued(monkeypatch):
    """Stage tasks the dispatcher hands to django-q2, captured instead of run."""
    calls = []
    monkeypatch.setattr(dispatcher, "_enqueue", lambda *args, queue: calls.append(args))
    return calls
