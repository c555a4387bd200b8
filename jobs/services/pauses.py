"""Operators' pauses: the whole queue, one owner's jobs, one slot.

A pause is a ``Pause`` row; while it holds, the dispatcher binds no new stage in its
scope (``dispatcher.waiting_jobs`` and ``usable_slots`` leave it out). Nothing else
changes: running stages finish under their leases, waiting jobs keep their status,
priority and age, so their place in the queue order is theirs again on resume. The
row stays after the resume as the record of who paused, when and why.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import GpuSlot, Pause
from .dispatcher import dispatch_on_commit, lock_against_pauses

REASON_MAX = Pause.REASON_MAX


class PauseConflict(Exception):
    """Already paused, or nothing to resume (HTTP 409); the text says which and by whom."""


def queue_pause(*, by: Any = None, by_name: str = "", reason: str = "") -> Pause:
    return pause_create(scope=Pause.Scope.QUEUE, by=by, by_name=by_name, reason=reason)


def queue_resume(*, by: Any = None, by_name: str = "") -> Pause:
    return _resume(Pause.Scope.QUEUE, by=by, by_name=by_name)


def owner_pause(*, owner: Any, by: Any = None, by_name: str = "", reason: str = "") -> Pause:
    """Hold one owner's waiting jobs (``by`` may be the owner: users pause their own)."""
    return pause_create(scope=Pause.Scope.OWNER, owner=owner, by=by, by_name=by_name, reason=reason)


def owner_resume(*, owner: Any, by: Any = None, by_name: str = "", staff: bool = True) -> Pause:
    """End an owner's pause. ``staff=False`` (the owner asking): only a pause they made
    themselves; one an operator made stays until an operator ends it."""
    return _resume(Pause.Scope.OWNER, owner=owner, by=by, by_name=by_name, staff=staff)


def slot_pause(*, slot: GpuSlot, by: Any = None, by_name: str = "", reason: str = "") -> Pause:
    return pause_create(scope=Pause.Scope.SLOT, slot=slot, by=by, by_name=by_name, reason=reason)


def slot_resume(*, slot: GpuSlot, by: Any = None, by_name: str = "") -> Pause:
    return _resume(Pause.Scope.SLOT, slot=slot, by=by, by_name=by_name)


def _who(by: Any, by_name: str) -> str:
    name = by_name or (by.get_username() if by is not None else "")
    if not name:
        raise ValueError("a pause needs to know who asked: by or by_name")
    return name[:150]


def pause_create(*, scope: str, by: Any, by_name: str = "", reason: str = "", owner: Any = None,
                 slot: GpuSlot | None = None) -> Pause:  # fmt: skip
    """Start a pause of any scope (the admin's form); the named services say it shorter."""
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Give the reason in at most {REASON_MAX} characters."})
    target = {"owner": owner, "slot": slot}
    try:
        with transaction.atomic():
            # Waits for bindings that are checking now; later ones see this pause.
            lock_against_pauses(exclusive=True)
            return Pause.objects.create(
                scope=scope, reason=reason, paused_by=by, paused_by_name=_who(by, by_name),
                **target,
            )  # fmt: skip
    except IntegrityError:  # one_active_pause_per_target: it holds already
        held = Pause.objects.active().filter(scope=scope, **target).first()
        if held is None:  # resumed between the insert and this read: a fresh try is fair
            raise
        raise PauseConflict(
            f"{_sentence(_target(scope, owner, slot))} {_is(scope)} paused already, by "
            f"{held.paused_by_name} since {held.paused_at:%Y-%m-%d %H:%M:%S} UTC."
        ) from None


def _resume(scope: str, *, by: Any, by_name: str, owner: Any = None,
            slot: GpuSlot | None = None, staff: bool = True) -> Pause:  # fmt: skip
    name = _who(by, by_name)
    with transaction.atomic():
        held: Pause | None = (
            Pause.objects.active()
            .filter(scope=scope, owner=owner, slot=slot)
            .select_for_update()
            .first()
        )
        if held is None:
            target = _sentence(_target(scope, owner, slot))
            raise PauseConflict(f"{target} {_is(scope)} not paused.")
        if not staff and held.paused_by_id != getattr(by, "pk", None):
            raise PermissionDenied(
                f"Your jobs were paused by an operator ({held.paused_by_name}): "
                "only an operator can resume them."
            )
        held.resumed_at, held.resumed_by, held.resumed_by_name = timezone.now(), by, name
        held.save(update_fields=["resumed_at", "resumed_by", "resumed_by_name"])
        # What waited behind the pause starts now, in the order it had.
        dispatch_on_commit()
    return held


def pause_end(*, pause: Pause, by: Any = None, by_name: str = "") -> Pause:
    """End the pause ``pause`` names, whatever its scope (the admin's action)."""
    return _resume(pause.scope, owner=pause.owner, slot=pause.slot, by=by, by_name=by_name)


def _target(scope: str, owner: Any, slot: GpuSlot | None) -> str:
    if scope == Pause.Scope.OWNER:
        return f"{owner}'s jobs"
    if scope == Pause.Scope.SLOT:
        return f"slot {slot}"
    return "the queue"


def _is(scope: str) -> str:
    return "are" if scope == Pause.Scope.OWNER else "is"


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]
