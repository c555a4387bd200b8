"""Following a job from the shell: one redrawn line on a terminal, plain lines when piped.

Shared by ``generate --wait`` and ``jobs show --wait``. Changes arrive through
PostgreSQL LISTEN (jobs.live), so a new stage shows at once; the line is
redrawn every second for the elapsed time and the ETA.
"""

import json
import time
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.utils import timezone
from rich.console import Console
from rich.live import Live
from rich.text import Text

from jobs import live, selectors
from jobs.models import Job
from jobs.serializers import JobDetailOutput


@dataclass(frozen=True)
class Snapshot:
    progress: int
    label: str
    waiting: str | None
    eta_seconds: int | None
    queue_position: int | None
    elapsed: float

    def parts(self) -> list[str]:
        """The figures first, the wait's reason last: a narrow terminal cuts from the end."""
        parts = []
        if self.eta_seconds is not None:
            parts.append(f"ETA {clock(self.eta_seconds)}")
        if self.queue_position:
            parts.append(f"queue {self.queue_position}")
        parts.append(f"elapsed {clock(self.elapsed)}")
        if self.waiting:
            parts.append(self.waiting)
        return parts

    def plain(self) -> str:
        return f"{self.progress:3d}% {self.label} · " + " · ".join(self.parts())

    def changed_from(self, other: "Snapshot | None") -> bool:
        """For piped output: a new line only when something other than the clock moved."""
        if other is None:
            return True
        return (self.progress, self.label, self.waiting, self.queue_position) != (
            other.progress, other.label, other.waiting, other.queue_position,
        )  # fmt: skip


def clock(seconds: float) -> str:
    whole = int(round(seconds))
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02d}"


def snapshot(job: Job) -> Snapshot:
    figures = selectors.job_live_figures(job)
    waiting = figures["waiting"]
    return Snapshot(
        progress=job.progress,
        label=job.get_status_display(),
        waiting=waiting["text"] if waiting else None,
        eta_seconds=figures["eta_seconds"],
        queue_position=figures["queue_position"] or None,
        elapsed=(timezone.now() - job.created_at).total_seconds(),
    )


def bar_line(shot: Snapshot, status: str, width: int = 24) -> Text:
    filled = width * shot.progress // 100
    colour = {"failed": "red", "succeeded": "green", "canceled": "grey50"}.get(status, "cyan")
    line = Text(no_wrap=True, overflow="ellipsis")  # one line, cut at the terminal's width
    line.append("━" * filled, style=colour)
    line.append("─" * (width - filled), style="grey50")  # tells apart without colour too
    line.append(f" {shot.progress:3d}% ", style="bold")
    line.append(shot.label, style=f"bold {colour}")
    line.append(" · " + " · ".join(shot.parts()))
    return line


def follow(job: Job, *, stdout, timeout: float = 0) -> Job:
    """Show ``job`` until it ends (or ``timeout`` s pass: CommandError); answers it ended.

    ``stdout`` None: wait without showing anything.
    Ctrl-C stops watching only: the job goes on, and the message says how to follow it.
    """
    deadline = time.monotonic() + timeout if timeout else None
    try:
        if stdout is None:
            for _ in _changes(job, deadline):
                pass
        elif stdout.isatty():
            # The raw stream: Django's OutputWrapper ends every write with a newline,
            # which would turn each redraw into a new line.
            console = Console(file=getattr(stdout, "_out", stdout), highlight=False)
            with Live(bar_line(snapshot(job), job.status), console=console,
                      auto_refresh=False, transient=False) as screen:  # fmt: skip
                for current in _changes(job, deadline):
                    screen.update(bar_line(snapshot(current), current.status), refresh=True)
        else:
            shown = None
            for current in _changes(job, deadline):
                shot = snapshot(current)
                if shot.changed_from(shown):
                    stdout.write(shot.plain() + "\n")
                    stdout.flush()
                    shown = shot
    except KeyboardInterrupt:
        raise CommandError(
            f"\nStopped watching. Job {job.pk} goes on; follow it with:\n"
            f"  .venv/bin/python manage.py jobs show {job.pk} --wait",
            returncode=130,
        ) from None
    return job


def _changes(job: Job, deadline: float | None):
    """The job now, then after every change (or every second, for the clock), until it ends."""
    while True:
        job.refresh_from_db()
        yield job
        if not job.is_live:
            return
        if deadline is not None and time.monotonic() > deadline:
            raise CommandError(f"\nJob {job.pk} still {job.status} after the timeout.")
        _wait_for_change(job)


def _wait_for_change(job: Job) -> None:
    version = selectors.job_version(user=job.owner, pk=job.pk)
    live.listener.wait_until(
        lambda: selectors.job_version(user=job.owner, pk=job.pk) != version, timeout=1.0
    )


def job_json(job: Job) -> str:
    """The job as the API's detail answers it, for scripts."""
    data = JobDetailOutput(job, context={"details": selectors.job_details(job)}).data
    return json.dumps(data, indent=2)
