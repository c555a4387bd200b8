"""Jobs from the shell, for people and scripts: list, show, follow."""

import json
import uuid

from django.core.management.base import BaseCommand, CommandError

from jobs import selectors
from jobs.models import Job
from jobs.serializers import JobSummaryOutput

from ..progress import follow, job_json


class Command(BaseCommand):
    help = "List jobs or show one (--wait follows it until it ends; --json for scripts)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Newest first.")
        listing.add_argument("--status", action="append", choices=Job.Status.values,
                             help="Only these statuses (repeat for several).")  # fmt: skip
        listing.add_argument("--user", help="Only this owner's jobs.")
        listing.add_argument("--limit", type=int, default=20)
        listing.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="One job; --wait follows it until it ends.")
        show.add_argument("id")
        show.add_argument("--wait", action="store_true")
        show.add_argument("--json", action="store_true")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action}")(**opts)

    def do_list(self, *, status, user, limit, json: bool, **_):
        jobs = Job.objects.select_related("owner").order_by("-created_at")
        if status:
            jobs = jobs.filter(status__in=status)
        if user:
            jobs = jobs.filter(owner__username=user)
        jobs = list(jobs[: max(1, limit)])
        if json:
            self.stdout.write(_dumps(JobSummaryOutput(jobs, many=True).data))
            return
        row = "{:<36}  {:<12} {:>4}  {:<10} {:<19}  {}"
        self.stdout.write(row.format("ID", "STATUS", "%", "OWNER", "CREATED", "TEXT"))
        for job in jobs:
            text = job.text.replace("\n", " ")
            text = text[:40] + ("…" if len(text) > 40 else "")
            created = job.created_at.strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(row.format(str(job.pk), job.status, job.progress,
                                         job.owner.username[:10], created, text))  # fmt: skip

    def do_show(self, *, id, wait, json: bool, **_):
        job = _job(id)
        if wait:
            job = follow(job, stdout=None if json else self.stdout)
        if json:
            self.stdout.write(job_json(job))
            return
        if not wait:
            shot = selectors.job_details(job)
            self.stdout.write(f"{job.pk}  {job.get_status_display()}  {job.progress}%")
            if shot.waiting:
                self.stdout.write(f"  {shot.waiting['text']}")
        if job.error:
            self.stdout.write(f"  error: {job.error}")


def _dumps(data) -> str:
    return json.dumps(data, indent=2)


def _job(value: str) -> Job:
    try:
        pk = uuid.UUID(value)
    except ValueError:
        raise CommandError(f"Not a job id: {value!r}.") from None
    job = Job.objects.select_related("owner").filter(pk=pk).first()
    if job is None:
        raise CommandError(f"No job {value}.")
    return job
