"""Batches from the shell: submit a CSV or JSON file of rows, show, cancel or retry one."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jobs import selectors, services
from jobs.models import Batch

from .generate import _owner


def _messages(exc: ValidationError) -> str:
    return "\n".join(m for messages in exc.message_dict.values() for m in messages)


class Command(BaseCommand):
    help = (
        "Submit many jobs from a CSV/JSON file (see docs/api.md, Batches), or show, cancel, retry."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        submit = sub.add_parser("submit", help="Create a batch from a file.")
        submit.add_argument("file", type=Path)
        submit.add_argument("--title", default="")
        submit.add_argument("--user", help="Owner (default: the only superuser or staff user).")
        submit.add_argument(
            "--dry-run", action="store_true", help="Check every row, print its spoken text."
        )
        for name in ("show", "cancel", "retry"):
            one = sub.add_parser(name)
            one.add_argument("id")
        for one in sub.choices.values():
            one.add_argument("--json", action="store_true", help="Print the batch as JSON.")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

    def do_submit(self, *, file, title, user, dry_run, json, **_):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        owner = _owner(user)
        try:
            rows = services.batch_rows_parse(content=file.read_bytes(), filename=file.name)
            checked = services.batch_rows_check(owner=owner, rows=rows)
            if dry_run:
                for row in checked:
                    self.stdout.write(f"{row.number}\t{row.title or '-'}\t{row.spoken_text}")
                self.stdout.write(f"{len(checked)} rows are fine; nothing was created (--dry-run).")
                return
            batch = services.batch_create(owner=owner, rows=checked, title=title)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        except services.SubmitRefused as exc:
            raise CommandError(f"Refused: {exc}") from exc
        self._show(batch, json)

    def do_show(self, *, id, json, **_):
        self._show(self._batch(id), json)

    def do_cancel(self, *, id, json, **_):
        batch = self._batch(id)
        self.stdout.write(f"{services.batch_cancel(batch=batch)} job(s) canceled.")

    def do_retry(self, *, id, json, **_):
        batch = self._batch(id)
        try:
            self.stdout.write(f"{services.batch_retry(batch=batch)} job(s) queued again.")
        except services.SubmitRefused as exc:
            raise CommandError(f"Refused: {exc}") from exc

    def _batch(self, pk):
        try:
            return Batch.objects.get(pk=pk)
        except (Batch.DoesNotExist, ValidationError):
            raise CommandError(f"No batch {pk}.") from None

    def _show(self, batch, as_json):
        summary = selectors.batch_summary(batch)
        items = list(selectors.batch_items(batch))
        if as_json:
            data = {"id": str(batch.pk), "title": batch.title, "status": summary.status,
                    "progress": summary.progress, "eta_seconds": summary.eta_seconds,
                    "by_status": summary.by_status,
                    "rows": [{"row": i.row, "title": i.title, "job": str(i.job.pk),
                              "status": i.job.status} for i in items]}  # fmt: skip
            self.stdout.write(json.dumps(data, indent=2))
            return
        eta = f", about {summary.eta_seconds} s left" if summary.eta_seconds else ""
        self.stdout.write(f"Batch {batch.pk}: {summary.status}, {summary.total} jobs, "
                          f"{summary.progress}%{eta}")  # fmt: skip
        for item in items:
            self.stdout.write(f"{item.row}\t{item.job.pk}\t{item.job.status}\t{item.title}")
