"""Operator command for the queue: status, pause and resume it or one owner's jobs,
change a waiting job's priority. Slots are paused with ``manage.py slots pause``.

A pause holds until it is resumed (it survives restarts: it is a row in the
database). Running stages finish; waiting jobs keep their place and say why they wait.
"""

import uuid
from json import dumps

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs import selectors, services
from jobs.management.who import add_by_argument, operator
from jobs.models import Job
from jobs.serializers import PauseOutput, QueueOutput


class Command(BaseCommand):
    help = "Pause and resume the queue or one owner's jobs; change a job's priority."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="Jobs waiting and running, and every pause.")
        status.add_argument("--json", action="store_true", help="For scripts.")
        for action, what in (("pause", "the whole queue"), ("resume", "the whole queue")):
            one = sub.add_parser(action, help=f"{action.title()} {what}.")
            self._by(one, pause=action == "pause")
        for action in ("pause-owner", "resume-owner"):
            one = sub.add_parser(action, help=f"{action.split('-')[0].title()} one owner's jobs.")
            one.add_argument("username")
            self._by(one, pause=action == "pause-owner")
        priority = sub.add_parser("priority", help="Change a waiting job's priority.")
        priority.add_argument("job_id")
        priority.add_argument("priority", type=int, help=f"{Job.PRIORITY_MIN} … {Job.PRIORITY_MAX}")
        self._by(priority, pause=False)

    @staticmethod
    def _by(parser, *, pause: bool):
        add_by_argument(parser)
        if pause:
            parser.add_argument("--reason", default="", help="Why; users whose jobs wait see it.")

    def handle(self, *args, action, **opts):
        getattr(self, f"do_{action.replace('-', '_')}")(**opts)

    def do_status(self, *, json=False, **_):
        summary, pauses = selectors.queue_summary(), selectors.pauses_active()
        if json:
            data = {**QueueOutput(summary).data,
                    "pauses": PauseOutput(pauses, many=True).data}  # fmt: skip
            self.stdout.write(dumps(data, indent=2))
            return
        self.stdout.write(f"{summary['waiting']} waiting, {summary['running']} running.")
        for stage, counts in summary["slots"].items():
            self.stdout.write(
                f"  {stage} slots: {counts['enabled']} enabled, {counts['busy']} busy, "
                f"{counts['paused']} paused, {counts['unhealthy']} unhealthy"
            )
        if not pauses:
            self.stdout.write("Nothing is paused.")
        for pause in pauses:
            self.stdout.write(_pause_line(pause))

    def do_pause(self, *, by, reason, **_):
        self._change(lambda who: services.queue_pause(**who, reason=reason), by)
        self.stdout.write("Queue paused: running stages finish, nothing new starts.")

    def do_resume(self, *, by, **_):
        self._change(lambda who: services.queue_resume(**who), by)
        self.stdout.write("Queue resumed: waiting jobs start in their order.")

    def do_pause_owner(self, *, username, by, reason, **_):
        owner = _user(username)
        self._change(lambda who: services.owner_pause(owner=owner, **who, reason=reason), by)
        self.stdout.write(f"Paused {owner}'s jobs: their running stages finish.")

    def do_resume_owner(self, *, username, by, **_):
        owner = _user(username)
        self._change(lambda who: services.owner_resume(owner=owner, **who), by)
        self.stdout.write(f"Resumed {owner}'s jobs.")

    def do_priority(self, *, job_id, priority, by, **_):
        job = Job.objects.filter(pk=job_id).first() if _is_uuid(job_id) else None
        if job is None:
            raise CommandError(f"No job {job_id}.")
        try:
            done = services.job_set_priority(
                job=job, priority=priority, by_name=operator(by)["by_name"]
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        if not done:
            raise CommandError(f"The job is {job.status}: its priority no longer moves it.")
        position = selectors.job_queue_position(job)
        where = f", now {position} in its queue" if position else ""
        self.stdout.write(f"Job {job.pk}: priority {priority}{where}.")

    def _change(self, change, by):
        try:
            change(operator(by))
        except (services.PauseConflict, ValidationError) as exc:
            raise CommandError(_message(exc)) from exc


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username}.")
    return user


def _pause_line(pause) -> str:
    since = timezone.localtime(pause.paused_at)
    why = f" ({pause.reason})" if pause.reason else ""
    return f"PAUSED {pause.target} by {pause.paused_by_name} since {since:%Y-%m-%d %H:%M}{why}"


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
        return " ".join(exc.messages)
    return str(exc)
