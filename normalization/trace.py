"""What explain() needs to know while to_speech works: which kind of form read which
source as which words. A context variable, so concurrent requests never mix records."""

from contextvars import ContextVar

RECORDS: ContextVar[list | None] = ContextVar("normalization_trace", default=None)


def record(kind: str, source: str, words: str) -> None:
    records = RECORDS.get()
    if records is not None:
        records.append((kind, source, words))
