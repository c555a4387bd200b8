"""Every write to GPU slots: create, edit, renew, release, enable, drain, probe, remove.

A slot's state (lease, fence, health, quarantine) changes only here, so the
rules — a draining slot ends disabled, failures bench a slot, an engine still
running an abandoned task keeps it out — hold whoever frees the slot: a stage
that ended, a stage that failed, or the sweep taking back a dead worker's lease.
"""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..engines import Answer, AnswerTally, EngineBusy, EngineError, engine_for_slot
from ..models import EngineAnswerCount, GpuSlot
from .dispatcher import dispatch_on_commit, unit_cost_estimate

# What an operator may change on a slot; the rest is state these services own.
SLOT_CONFIG_FIELDS = ("gpu", "base_url", "data_dir", "container_data_dir")


def slot_create(
    *,
    name: str,
    stage: str,
    backend: str,
    gpu: str = "",
    base_url: str = "",
    data_dir: str = "",
    container_data_dir: str = "/code/data",
    host: str = "",
) -> GpuSlot:
    """A new slot on ``host`` (default: this box, ``HEYGEM_HOST``), whose workers drive it."""
    if backend not in GpuSlot.STAGE_BACKENDS.get(stage, ()):
        allowed = ", ".join(GpuSlot.STAGE_BACKENDS.get(stage, ())) or "none"
        raise ValidationError(
            {"backend": f"Backend {backend!r} cannot run the {stage!r} stage (use: {allowed})."}
        )
    if GpuSlot.objects.filter(name=name).exists():
        raise ValidationError({"name": f"A slot named {name!r} exists already."})
    host = host or settings.HEYGEM["HOST"]
    if not slug_re.fullmatch(host):
        raise ValidationError(
            {"host": f"A host is named like its HEYGEM_HOST (letters, digits, - and _): {host!r}."}
        )
    slot = GpuSlot(name=name, stage=stage, backend=backend, host=host)
    slot_check(slot=slot, gpu=gpu, base_url=base_url, data_dir=data_dir,
               container_data_dir=container_data_dir)  # fmt: skip
    slot.save()
    dispatch_on_commit()
    return slot


def slot_update(*, slot: GpuSlot, **config: str) -> GpuSlot:
    """Change where a slot's engine is (URL, data dirs, GPU label); checked as on create."""
    unknown = set(config) - set(SLOT_CONFIG_FIELDS)
    if unknown:
        raise ValidationError(f"Not a slot setting: {', '.join(sorted(unknown))}.")
    slot_check(
        slot=slot,
        **{field: config.get(field, getattr(slot, field)) for field in SLOT_CONFIG_FIELDS},
    )
    GpuSlot.objects.filter(pk=slot.pk).update(
        **{field: getattr(slot, field) for field in SLOT_CONFIG_FIELDS}
    )
    return slot


def slot_check(
    *, slot: GpuSlot, gpu: str, base_url: str, data_dir: str, container_data_dir: str
) -> None:
    """Set a slot's configuration on the (unsaved) instance, or raise ValidationError."""
    if slot.backend not in GpuSlot.EMBEDDED_BACKENDS:
        if not base_url:
            raise ValidationError({"base_url": f"The {slot.backend} backend needs --url."})
        data_dir = _checked_data_dir(
            data_dir, slot.backend, here=slot.host == settings.HEYGEM["HOST"]
        )
    slot.gpu, slot.base_url = gpu, base_url
    slot.data_dir, slot.container_data_dir = data_dir, container_data_dir
    slot.full_clean(validate_unique=slot.pk is None)


def _checked_data_dir(data_dir: str, backend: str, *, here: bool) -> str:
    """The host folder mounted into the engine: it must exist and be ours to write.

    Only the slot's own box can look (``here``); elsewhere the path is taken as
    given and ``slots probe --deep`` on that box checks the engine sees it.
    """
    if not data_dir:
        raise ValidationError({"data_dir": f"The {backend} backend needs --data-dir."})
    path = Path(data_dir).expanduser()
    if not path.is_absolute():
        raise ValidationError({"data_dir": f"Give the data dir as an absolute path: {data_dir}."})
    if not here:
        return str(path)
    if not path.is_dir():
        raise ValidationError(
            {"data_dir": f"The data dir {path} does not exist: create it, and mount it "
                         "into the engine container at the container data dir."}
        )  # fmt: skip
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValidationError({"data_dir": f"The data dir {path} is not writable by this user."})
    return str(path)


def slot_renew(*, slot_id: int, fence: int) -> bool:
    """Extend a held lease; False when the binding is gone (the fence moved on)."""
    lease = timedelta(seconds=settings.HEYGEM["LEASE_SECONDS"])
    return bool(
        GpuSlot.objects.filter(pk=slot_id, fence=fence, lease_until__isnull=False).update(
            lease_until=timezone.now() + lease
        )
    )


def slot_release(
    *, slot_id: int, fence: int, success: bool, error: str = "", orphan_code: str = ""
) -> bool:
    """End a binding. A draining slot becomes disabled; failures count against health.

    With ``orphan_code`` the engine is still running that task (HeyGem has no
    cancel): the slot is quarantined until a probe sees the task end. Dispatches
    once the caller's transaction commits: a freed slot is when work can start.
    """
    with transaction.atomic():
        slot = GpuSlot.objects.select_for_update().filter(pk=slot_id, fence=fence).first()
        if slot is None or slot.lease_until is None:
            return False
        slot.lease_until = None
        fields = ["lease_until"]
        if orphan_code:
            slot.engine_busy, slot.orphan_code = True, orphan_code
            fields += ["engine_busy", "orphan_code"]
        if slot.draining:
            slot.enabled, slot.draining = False, False
            fields += ["enabled", "draining"]
        if success:
            slot.consecutive_failures = 0
            fields.append("consecutive_failures")
        elif error:
            slot.consecutive_failures += 1
            slot.last_error = error
            fields += ["consecutive_failures", "last_error"]
            if slot.consecutive_failures >= settings.HEYGEM["UNHEALTHY_AFTER"]:
                slot.healthy = False
                fields.append("healthy")
        slot.save(update_fields=fields)
        dispatch_on_commit()
    return True


# A stage this size (seconds of speech rendered, characters spoken) is a full sample of
# a slot's speed; a smaller one is mostly fixed cost (file copies, start-up) and counts less.
FULL_SAMPLE_UNITS = {"seconds_per_audio_second": 10.0, "seconds_per_char": 150.0}
# The measured speed rests on at most this many full samples: a new one then counts 30 %,
# so the speed follows a GPU that slows down (thermals, a neighbour on the card).
SPEED_SAMPLES_CAP = 7 / 3


def slot_measure_speed(
    *, slot_id: int, engine_seconds: float, audio_seconds: float = 0.0, chars: int = 0
) -> None:
    """Fold one stage's speed into the slot's: engine seconds per second of speech
    rendered (video) or per character spoken (TTS). ETAs, timeouts, polls and placement
    use it.

    A mean weighted by the stages' sizes: a one-word job must not make a fast GPU look
    ten times slower than its peers, and the first full-sized stage all but replaces the
    guess a slot started from (the backend's default is a real GPU's figure, which a
    faster card would otherwise carry through several renders: slow polls, wrong places).
    """
    field, units = (
        ("seconds_per_audio_second", audio_seconds)
        if audio_seconds
        else ("seconds_per_char", chars)
    )
    if units <= 0:
        return
    slot = GpuSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        return
    size = min(1.0, units / FULL_SAMPLE_UNITS[field])
    previous, behind = getattr(slot, field), min(slot.speed_samples, SPEED_SAMPLES_CAP)
    if previous is None:  # the guess weighs what this first sample lacks of a full one
        previous, behind = unit_cost_estimate(slot), 1.0 - size
    weight = size / (behind + size)
    speed = (1 - weight) * previous + weight * engine_seconds / units
    samples = min(slot.speed_samples + size, SPEED_SAMPLES_CAP)
    GpuSlot.objects.filter(pk=slot_id).update(**{field: speed, "speed_samples": samples})


def slot_set_enabled(*, slot: GpuSlot, enabled: bool) -> None:
    GpuSlot.objects.filter(pk=slot.pk).update(enabled=enabled, draining=False)
    if enabled:
        dispatch_on_commit()


def slot_drain(*, slot: GpuSlot) -> None:
    """Take no new job; a busy slot finishes its job first, an idle one stops now."""
    with transaction.atomic():
        locked = GpuSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.lease_until is None:
            locked.enabled, locked.draining = False, False
        else:
            locked.draining = True
        locked.save(update_fields=["enabled", "draining"])


def slot_remove(*, slot: GpuSlot) -> None:
    """Delete an idle slot. One conditional DELETE: if a dispatcher leases the slot
    meanwhile, the row no longer matches and nothing is deleted."""
    deleted, _ = GpuSlot.objects.filter(pk=slot.pk, lease_until__isnull=True).delete()
    if not deleted:
        raise ValidationError(f"Slot {slot.name} is running a job; drain it first.")


def slot_probe(*, slot: GpuSlot, deep: bool = False) -> str:
    """Ask the engine whether it can take work; record health. Returns '' or the error.

    A reachable engine still running a task (EngineBusy) stays healthy but kept
    out; a failed probe marks the slot unhealthy until a later probe passes.
    """
    busy, orphan = False, ""
    answers = AnswerTally()
    try:
        engine_for_slot(slot.config(), answers).probe(deep=deep)
        error = ""
    except EngineBusy as exc:
        error, busy = str(exc), True
    except EngineError as exc:
        error, orphan = str(exc), exc.orphan_code
    probed = EngineAnswerCount.Caller.PROBE
    answers.flush(lambda counts: slot_answers_record(slot_id=slot.pk, caller=probed, counts=counts))
    fields: dict[str, object] = {"last_probe_at": timezone.now()}
    if busy:
        fields.update(last_error=error, healthy=True, engine_busy=True)
    elif error:
        fields.update(last_error=error, healthy=False)
        if orphan:
            fields.update(engine_busy=True, orphan_code=orphan)
    else:
        fields.update(
            healthy=True, engine_busy=False, orphan_code="", consecutive_failures=0, last_error=""
        )
    # The orphan we looked at must still be the slot's: a release may have set a new one.
    GpuSlot.objects.filter(pk=slot.pk, orphan_code=slot.orphan_code).update(**fields)
    if not error:
        dispatch_on_commit()
    return error


def slot_answers_record(*, slot_id: int, caller: str, counts: Mapping[Answer, int]) -> None:
    """Add what a slot's engine answered to its counters (``heygem_engine_answers_total``).

    One ``UPDATE … SET count = count + n`` per kind of answer, its row made on first
    sight; all or nothing, so a flush retried after a database error counts once.
    Kinds in one order, so two workers flushing the same kinds never deadlock.
    """
    try:
        with transaction.atomic():
            for answer in sorted(counts, key=lambda a: (a.path, a.status, a.code)):
                _answer_add(slot_id, caller, answer, counts[answer])
    except IntegrityError:
        # The slot was removed meanwhile (the foreign key is checked at commit): its
        # counts went with it.
        if GpuSlot.objects.filter(pk=slot_id).exists():
            raise


def _answer_add(slot_id: int, caller: str, answer: Answer, n: int) -> None:
    key = {"slot_id": slot_id, "caller": caller, "path": answer.path,
           "status": answer.status, "code": answer.code}  # fmt: skip
    if EngineAnswerCount.objects.filter(**key).update(count=F("count") + n):
        return
    try:
        with transaction.atomic():
            EngineAnswerCount.objects.create(**key, count=n)
    except IntegrityError:  # another worker made the row just now
        EngineAnswerCount.objects.filter(**key).update(count=F("count") + n)
