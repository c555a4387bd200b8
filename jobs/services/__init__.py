"""Every write to jobs and slots, by entity; faces call these and nothing else.

Status transitions are conditional UPDATEs (``… WHERE status IN (…)``), so two
writers racing on one job cannot both win; writes from a stage also name the
slot binding (slot id and fence) they believe they hold, so a worker whose
binding was taken back writes nothing.

Inside the package imports run one way (a contract in ``.importlinter``):
``jobs`` and ``sweeper`` → ``bindings`` → ``slots`` and ``pauses`` → ``dispatcher`` →
``events``.
"""

from .batches import (
    BatchRow,
    batch_cancel,
    batch_create,
    batch_retry,
    batch_rows_check,
    batch_rows_parse,
)
from .bindings import (
    binding_is_current,
    job_engine_event,
    job_progress_update,
    job_render_finished,
    job_speech_finished,
    job_stage_engine_busy,
    job_stage_failed,
)
from .dispatcher import dispatch, dispatch_on_commit
from .events import event_record, job_ended_record
from .jobs import (
    job_approve,
    job_cancel,
    job_create,
    job_respeak,
    job_retry,
    job_set_priority,
    job_speech,
    job_validate,
    job_validate_text,
)
from .limits import CapExceeded, StorageLow, SubmitRefused
from .pauses import (
    PauseConflict,
    owner_pause,
    owner_resume,
    pause_create,
    pause_end,
    queue_pause,
    queue_resume,
    slot_pause,
    slot_resume,
)
from .retention import job_media_purge, job_pin, media_purge, purge_due
from .slots import (
    SLOT_CONFIG_FIELDS,
    slot_answers_record,
    slot_check,
    slot_create,
    slot_drain,
    slot_measure_speed,
    slot_probe,
    slot_release,
    slot_remove,
    slot_renew,
    slot_set_enabled,
    slot_update,
)
from .sweeper import sweep

__all__ = [
    "SLOT_CONFIG_FIELDS",
    "BatchRow",
    "batch_cancel",
    "batch_create",
    "batch_retry",
    "batch_rows_check",
    "batch_rows_parse",
    "CapExceeded",
    "StorageLow",
    "SubmitRefused",
    "job_validate",
    "job_media_purge",
    "job_pin",
    "media_purge",
    "purge_due",
    "binding_is_current",
    "dispatch",
    "dispatch_on_commit",
    "event_record",
    "job_approve",
    "job_cancel",
    "job_create",
    "job_ended_record",
    "job_engine_event",
    "job_progress_update",
    "job_render_finished",
    "job_respeak",
    "job_retry",
    "job_set_priority",
    "PauseConflict",
    "owner_pause",
    "owner_resume",
    "pause_create",
    "pause_end",
    "queue_pause",
    "queue_resume",
    "slot_pause",
    "slot_resume",
    "job_speech_finished",
    "job_stage_engine_busy",
    "job_speech",
    "job_stage_failed",
    "job_validate_text",
    "slot_answers_record",
    "slot_check",
    "slot_create",
    "slot_drain",
    "slot_measure_speed",
    "slot_probe",
    "slot_release",
    "slot_remove",
    "slot_renew",
    "slot_set_enabled",
    "slot_update",
    "sweep",
]
