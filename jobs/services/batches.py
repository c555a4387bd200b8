"""Batches: many jobs from one CSV or JSON list of rows, created all together or not at all.

A row has ``text`` and optionally ``voice`` (a saved voice's name or id, or a
built-in one), ``priority``, ``title`` and ``callback_url``. Every row is
checked before anything is stored; a bad row is named by its number (1: the
first row under the header) and field, and nothing of the batch is created.
The owner's caps apply to the batch as a whole (jobs.services.limits).
"""

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from voices.models import Voice
from voices.selectors import voices_usable_by

from ..models import Batch, BatchItem, Job
from . import limits
from .jobs import job_cancel, job_create, job_retry, job_validate

COLUMNS = ("text", "voice", "priority", "title", "callback_url")
TITLE_MAX = 200


@dataclass(frozen=True)
class BatchRow:
    number: int
    text: str
    spoken_text: str
    voice: Voice | None
    priority: int
    title: str
    callback_url: str


def batch_rows_parse(*, content: bytes | str, filename: str = "") -> list[dict[str, Any]]:
    """Rows from a CSV (with a header line) or a JSON list of objects, in file order.

    JSON is told by the file name (``.json``) or by the content starting with ``[`` or ``{``.
    """
    # Room for every row at its longest text, so a huge file is refused before it is read.
    largest = settings.HEYGEM["BATCH_MAX_ROWS"] * (settings.HEYGEM["MAX_TEXT_CHARS"] + 2_000)
    if len(content) > largest:
        raise ValidationError({"file": f"The file is over {largest:,} bytes: split the batch."})
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": "The file is not UTF-8 text."}) from None
    stripped = content.lstrip()
    if filename.lower().endswith(".json") or stripped[:1] in ("[", "{"):
        return _json_rows(stripped)
    return _csv_rows(content)


def _json_rows(content: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise ValidationError({"file": f"The JSON does not parse: {exc}"}) from None
    if isinstance(data, dict) and "rows" in data:
        data = data["rows"]
    if not isinstance(data, list):
        raise ValidationError({"file": "JSON must be a list of rows (objects)."})
    return data


def _csv_rows(content: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(content))
    header = [name.strip() for name in reader.fieldnames or []]
    if "text" not in header:
        raise ValidationError(
            {
                "file": f"The CSV's first line must name its columns, text among them "
                f"(columns: {', '.join(COLUMNS)})."
            }  # fmt: skip
        )
    reader.fieldnames = header
    rows = []
    try:
        for raw in reader:
            if None in raw:  # more cells than the header names
                raw = {**raw, "": raw.pop(None)}
            rows.append({k: v for k, v in raw.items() if k or v})
    except csv.Error as exc:
        raise ValidationError({"file": f"Line {reader.line_num}: {exc}"}) from None
    return rows


def batch_rows_check(*, owner: Any, rows: list[Any]) -> list[BatchRow]:
    """Check every row (nothing is stored); every bad row is named, not only the first."""
    limit = settings.HEYGEM["BATCH_MAX_ROWS"]
    if not rows:
        raise ValidationError({"rows": "The batch has no rows."})
    if len(rows) > limit:
        raise ValidationError(
            {"rows": f"The batch has {len(rows):,} rows; the limit is {limit:,}."}
        )
    voices = voices_usable_by(owner)
    checked, errors = [], {}
    for number, raw in enumerate(rows, start=1):
        try:
            checked.append(_row(owner, number, raw, voices))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"rows.{number}.{field}"] = [f"Row {number}, {field}: {m}" for m in messages]
    if errors:
        raise ValidationError(errors)
    return checked


def _row(owner: Any, number: int, raw: Any, voices: QuerySet[Voice]) -> BatchRow:
    """One row checked field by field, so each of its bad fields is named at once."""
    if not isinstance(raw, dict):
        raise ValidationError({"row": "A row must be an object with a text."})
    errors: dict[str, list[str]] = {}

    def checked(check: Any, *args: Any, default: Any = None) -> Any:
        try:
            return check(*args)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return default

    for name in sorted(set(raw) - set(COLUMNS)):
        errors[name or "(no header)"] = [f"Unknown column (use: {', '.join(COLUMNS)})."]
    title = checked(_title, raw, default="")
    callback_url = checked(_string, raw, "callback_url", default="")
    voice = checked(_voice, raw.get("voice"), voices)
    priority = checked(_priority, raw.get("priority"), default=0)
    text, speech = checked(
        lambda: job_validate(owner=owner, text=raw.get("text"), voice=voice, priority=priority,
                             callback_url=callback_url),
        default=("", ""),
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    return BatchRow(number=number, text=text, spoken_text=speech.spoken, voice=voice,
                    priority=priority, title=title, callback_url=callback_url)  # fmt: skip


def _title(raw: dict) -> str:
    title = _string(raw, "title")
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"At most {TITLE_MAX} characters."})
    return title


def _string(raw: dict, field: str) -> str:
    value = raw.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "Must be text."})
    return value.strip()


def _priority(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().removeprefix("-").isdigit():
        return int(value)
    raise ValidationError({"priority": "Must be a whole number."})


def _voice(value: Any, voices: QuerySet[Voice]) -> Voice | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        found = voices.filter(pk=value).first()
    elif isinstance(value, str):
        name = value.strip()
        # The owner's own voice before a built-in one of the same name (NULLs sort last).
        found = voices.filter(name=name).order_by("owner").first()
        if found is None and name.isdigit():
            found = voices.filter(pk=int(name)).first()
    else:
        found = None
    if found is None:
        raise ValidationError({"voice": f"Unknown voice {value!r}."})
    return found


def batch_create(*, owner: Any, rows: list[BatchRow], title: str = "") -> Batch:
    """One batch and a job per checked row, in one transaction: all of them or none.

    The caps are checked for the whole batch first, under the owner's row lock,
    so a batch that would pass the cap half-way is refused before any row exists.
    """
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"At most {TITLE_MAX} characters."})
    with transaction.atomic():
        limits.submit_check(owner=owner, jobs=len(rows), chars=sum(len(r.text) for r in rows))
        batch = Batch.objects.create(owner=owner, title=title)
        for row in rows:
            job = job_create(
                owner=owner, text=row.text, voice=row.voice, priority=row.priority,
                callback_url=row.callback_url,
            )  # fmt: skip
            BatchItem.objects.create(batch=batch, job=job, row=row.number, title=row.title)
    return batch


def batch_cancel(*, batch: Batch) -> int:
    """Cancel every live job of the batch; returns how many were canceled."""
    jobs = Job.objects.filter(batch_item__batch=batch, status__in=Job.LIVE_STATUSES)
    return sum(job_cancel(job=job, reason="Batch canceled.") for job in jobs)


def batch_retry(*, batch: Batch) -> int:
    """Run every failed or canceled job of the batch again; the queued cap counts them."""
    jobs = list(
        Job.objects.filter(
            batch_item__batch=batch,
            status__in=Job.RETRYABLE_STATUSES,
            media_purged_at__isnull=True,
        )
    )
    if not jobs:
        return 0
    with transaction.atomic():
        limits.submit_check(owner=batch.owner, jobs=len(jobs), chars=0)
        return sum(job_retry(job=job) for job in jobs)
