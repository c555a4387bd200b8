"""Per-owner caps and the media disk's floor: every submit is checked here, in one place.

Caps (settings ``HEYGEM_CAP_*``, an owner's ``OwnerLimits`` over them; 0: no cap):

- ``running``: jobs holding a GPU slot at once. A submit is never refused for it:
  the dispatcher passes the owner's further jobs over (selectors.owners_at_running_cap);
- ``queued``: jobs waiting for a slot (queued, or audio ready); past it a submit is refused;
- ``chars_per_day``: text characters of the jobs submitted in any 24 hours.

``submit_check`` runs inside the create transaction with the owner's user row
locked (``SELECT … FOR UPDATE``), so two submits racing for the last place queue
behind each other and the second counts the first's jobs.
"""

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from .. import selectors, storage
from ..models import Job

WAITING = tuple(Job.WAITING_FOR.values())
RUNNING = tuple(Job.RUNNING_IN.values())
DAY = timedelta(hours=24)


class SubmitRefused(Exception):
    """A submit that cannot be taken now; ``code`` for machines, the text for people."""

    code = "refused"

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class CapExceeded(SubmitRefused):
    """Over one of the owner's caps (HTTP 429)."""

    def __init__(self, cap: str, message: str, *, retry_after: int | None = None):
        super().__init__(message, retry_after=retry_after)
        self.cap = cap
        self.code = f"cap_{cap}"


class StorageLow(SubmitRefused):
    """The media disk is nearly full (HTTP 507)."""

    code = "storage_low"


def submit_check(*, owner: Any, jobs: int, chars: int) -> None:
    """Refuse ``jobs`` new jobs of ``chars`` text characters over a cap or a full disk.

    Call it inside the transaction that creates the jobs: it locks the owner's
    row so the count it makes holds until that transaction ends.
    """
    disk_check()
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    caps = selectors.owner_caps(owner)
    if caps.queued:
        waiting = Job.objects.filter(owner_id=owner.pk, status__in=WAITING).count()
        if waiting + jobs > caps.queued:
            wait = _soonest_finish(owner)
            raise CapExceeded(
                "queued",
                f"Over your cap of {caps.queued:,} waiting jobs: {waiting:,} wait already and "
                f"this asks for {jobs:,} more. A place frees when one of your jobs moves on"
                + (f" (about {wait} s)." if wait else "."),
                retry_after=wait,
            )
    if caps.chars_per_day and chars:
        _chars_check(owner, chars, caps.chars_per_day)


def _chars_check(owner: Any, chars: int, cap: int) -> None:
    if chars > cap:  # never fits, however long one waits: an input error, not a 429
        raise ValidationError(
            {"text": f"{chars:,} characters is more than your daily cap of {cap:,}."}
        )
    since = timezone.now() - DAY
    recent = Job.objects.filter(owner_id=owner.pk, created_at__gt=since)
    used = recent.aggregate(n=Coalesce(Sum(Length("text")), 0))["n"]
    if used + chars <= cap:
        return
    # The window slides: the earliest moment enough old characters have left it.
    needed, freed, frees_at = used + chars - cap, 0, timezone.now() + DAY
    for created_at, length in (
        recent.annotate(n=Length("text")).order_by("created_at").values_list("created_at", "n")
    ):
        freed += length
        if freed >= needed:
            frees_at = created_at + DAY
            break
    wait = max(1, math.ceil((frees_at - timezone.now()).total_seconds()))
    raise CapExceeded(
        "chars_per_day",
        f"Over your cap of {cap:,} text characters in 24 hours: {used:,} used, this asks "
        f"for {chars:,}. Enough frees at {frees_at:%Y-%m-%d %H:%M} UTC (in {wait} s).",
        retry_after=wait,
    )


def _soonest_finish(owner: Any) -> int | None:
    """Seconds until the owner's first live job is expected to end (the queue model)."""
    live = set(
        Job.objects.filter(owner_id=owner.pk, status__in=Job.LIVE_STATUSES).values_list(
            "pk", flat=True
        )
    )
    table = selectors.eta_table(selectors.stage_speeds())
    seconds = [s for pk, s in table.items() if pk in live]
    return max(1, math.ceil(min(seconds))) if seconds else None


def disk_check() -> None:
    free, floor = storage.free_bytes(), settings.HEYGEM["SUBMIT_MIN_FREE_BYTES"]
    if free is not None and free < floor:
        raise StorageLow(
            f"The media disk is nearly full ({free / 1e9:.2f} GB free; new jobs need "
            f"{floor / 1e9:.2f} GB): try again once an operator has made room."
        )
