from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "Jobs and GPU slots"

    def ready(self):
        checks.register(check_heygem_settings)
        # After every migrate (and every test-database flush), not in a data
        # migration whose row a flush would delete.
        post_migrate.connect(ensure_sweep_schedule, sender=self)
        post_migrate.connect(ensure_purge_schedule, sender=self)


def ensure_sweep_schedule(**kwargs):
    # Imported here: apps.py loads before the app registry is ready, and the
    # sweep module imports models.
    from .services.sweeper import sweep_schedule_ensure

    sweep_schedule_ensure()


def ensure_purge_schedule(**kwargs):
    # Imported here, as above.
    from .services.retention import purge_schedule_ensure

    purge_schedule_ensure()


def check_heygem_settings(app_configs=None, **kwargs):
    errors = []
    hg, q = settings.HEYGEM, settings.Q_CLUSTER
    if hg["LEASE_SECONDS"] <= 0:
        errors.append(checks.Error("HEYGEM_LEASE_SECONDS must be positive.", id="heygem.E001"))
    if q["timeout"] >= q["retry"]:
        errors.append(
            checks.Error(
                "Q_TIMEOUT must be below Q_RETRY, or django-q2 redelivers running stages.",
                id="heygem.E002",
            )
        )
    if hg["MAX_ATTEMPTS"] < 1:
        errors.append(checks.Error("HEYGEM_MAX_ATTEMPTS must be at least 1.", id="heygem.E003"))
    errors += _segment_setting_errors(hg)
    if hg["DOWNLOADS"] not in DOWNLOAD_MODES:
        errors.append(
            checks.Error(
                f"HEYGEM_DOWNLOADS is {hg['DOWNLOADS']!r}; use one of {', '.join(DOWNLOAD_MODES)}.",
                id="heygem.E006",
            )
        )
    if q.get("sync") and not settings.DEBUG:
        errors.append(checks.Warning("Q_SYNC runs stages inside web requests.", id="heygem.W001"))
    return errors


# Who sends a download (jobs/downloads.py).
DOWNLOAD_MODES = ("django", "nginx", "redirect")

# Shorter segments cost a join per few seconds of speech and cut mid-thought; longer ones
# than an hour leave nothing to spread over the GPUs.
SEGMENT_SECONDS_RANGE = (10.0, 3600.0)
SPEECH_CHARS_PER_SECOND_RANGE = (5.0, 40.0)


def _segment_setting_errors(hg):
    errors = []
    seconds, (low, high) = hg["SEGMENT_SECONDS"], SEGMENT_SECONDS_RANGE
    if seconds != 0 and not low <= seconds <= high:
        errors.append(
            checks.Error(
                f"HEYGEM_SEGMENT_SECONDS is {seconds:g}; it must be 0 (never split) "
                f"or between {low:g} and {high:g} seconds.",
                id="heygem.E004",
            )
        )
    rate, (low, high) = hg["SPEECH_CHARS_PER_SECOND"], SPEECH_CHARS_PER_SECOND_RANGE
    if not low <= rate <= high:
        errors.append(
            checks.Error(
                f"HEYGEM_SPEECH_CHARS_PER_SECOND is {rate:g}; it must be between "
                f"{low:g} and {high:g} (English speech is about 15).",
                id="heygem.E005",
            )
        )
    return errors
