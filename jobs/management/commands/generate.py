"""Submit a job from the shell, optionally waiting for its video."""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jobs import services, storage
from jobs.models import Job
from voices.models import Voice

from .slots import _message


class Command(BaseCommand):
    help = "Create a job; prints its id, or with --wait its result path as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--text", required=True, help="Text to speak ('-' reads stdin).")
        parser.add_argument("--video", type=Path, help="Speaker video file.")
        parser.add_argument("--voice", help="Name of a saved voice.")
        parser.add_argument("--priority", type=int, default=0, help="-10 … 10, higher first.")
        parser.add_argument(
            "--user", help="Owner (default: the only superuser, else the only staff user)."
        )
        parser.add_argument("--wait", action="store_true", help="Wait and show progress.")
        parser.add_argument("--timeout", type=float, default=0, help="Give up after N s.")

    def handle(self, *args, text, video, voice, priority, user, wait, timeout, **opts):
        owner = _owner(user)
        if text == "-":
            text = sys.stdin.read()
        if video is not None and not video.is_file():
            raise CommandError(f"No such file: {video}")
        try:
            job = services.job_create(
                owner=owner, text=text, video=video, voice=_voice(voice, owner), priority=priority
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        self.stdout.write(str(job.pk))
        if wait:
            self._wait(job, timeout)

    def _wait(self, job: Job, timeout: float) -> None:
        deadline = time.monotonic() + timeout if timeout else None
        tty = self.stdout.isatty()
        shown = None
        while True:
            job.refresh_from_db()
            line = f"{_bar(job.progress)} {job.progress:3d}% {job.get_status_display()}"
            if line != shown:
                self.stdout.write(("\r" + line) if tty else line, ending="" if tty else "\n")
                self.stdout.flush()
                shown = line
            if not job.is_live:
                break
            if deadline and time.monotonic() > deadline:
                raise CommandError(f"\nJob {job.pk} still {job.status} after {timeout:.0f} s.")
            time.sleep(0.25)
        if tty:
            self.stdout.write("")
        if job.status != Job.Status.SUCCEEDED:
            raise CommandError(f"Job {job.pk} {job.status}: {job.error or 'no reason given'}")
        self.stdout.write(storage.location_of(job.result_video))


def _bar(progress: int, width: int = 30) -> str:
    filled = width * progress // 100
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _owner(username):
    users = get_user_model().objects
    if username:
        try:
            return users.get(username=username)
        except users.model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
    # After `make demo` the demo login is the one staff user and no superuser exists.
    for candidates in (users.filter(is_superuser=True), users.filter(is_staff=True)):
        found = list(candidates.order_by("pk")[:2])
        if len(found) == 1:
            return found[0]
        if found:
            break
    raise CommandError(
        "Pass --user NAME: there is not exactly one superuser (or staff user) to default to."
    )


def _voice(name, owner):
    if not name:
        return None
    voice = Voice.objects.filter(name=name, saved=True, owner__in=[owner]).first() or (
        Voice.objects.filter(name=name, owner__isnull=True).first()
    )
    if voice is None:
        raise CommandError(f"Unknown voice {name!r}.")
    return voice
