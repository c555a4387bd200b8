"""Submit a job from the shell, optionally waiting for its video."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jobs import services, storage
from jobs.models import Job
from voices.models import Voice

from ..progress import follow, job_json
from .slots import _message


class Command(BaseCommand):
    help = (
        "Create a job; prints its id, or with --wait its progress and the result path as the "
        "last line (--json: the job as the API shows it)."
    )

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
        parser.add_argument("--json", action="store_true", help="Print the job as JSON.")
        # Off unless asked: a command that waits for the mp4 must not stop for a review
        # nobody at the terminal is asked to give (the owner's page default is theirs).
        parser.add_argument(
            "--review", action="store_true", help="Stop after the speech until approved."
        )

    def handle(
        self, *args, text, video, voice, priority, user, wait, timeout, json, review, **opts
    ):
        owner = _owner(user)
        if text == "-":
            text = sys.stdin.read()
        if video is not None and not video.is_file():
            raise CommandError(f"No such file: {video}")
        try:
            job = services.job_create(
                owner=owner, text=text, video=video, voice=_voice(voice, owner),
                priority=priority, review=review,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(_message(exc)) from exc
        except services.SubmitRefused as exc:  # over a cap, or the media disk is nearly full
            raise CommandError(f"Refused: {exc}") from exc
        if json:
            if wait:  # stdout holds only the JSON: no progress lines
                job = follow(job, stdout=None, timeout=timeout)
            self.stdout.write(job_json(job))
            return
        self.stdout.write(str(job.pk))
        if wait:
            job = follow(job, stdout=self.stdout, timeout=timeout)
            if job.status != Job.Status.SUCCEEDED:
                raise CommandError(f"Job {job.pk} {job.status}: {job.error or 'no reason given'}")
            self.stdout.write(storage.location_of(job.result_video))


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
