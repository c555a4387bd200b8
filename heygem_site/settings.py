"""HeyGem Studio settings: one file, every value read through one ``environ.Env``.

Every variable is listed with its default in ``.env.example``. Defaults suit a
developer machine; production sets ``DEBUG=False`` and a real ``SECRET_KEY``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless set: a forgotten variable must never serve tracebacks to the world.
# `make demo`, `make db` and pytest (pyproject.toml) turn it on for development.
DEBUG = env.bool("DEBUG", default=False)
# Public, so only ever used with DEBUG on; production refuses to start without its own.
DEV_SECRET_KEY = "django-insecure-dev-only-key-change-me"
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "heygem_site.admin_site.HeyGemAdminConfig",  # django.contrib.admin, branded
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_q",
    "csp",
    "axes",
    "jobs",
    "voices",
    "webhooks",
    "lexicons",
]

MIDDLEWARE = [
    # Counts and times every answer, whatever the middleware below decides.
    "heygem_site.http_metrics.HttpMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Refuses oversized bodies before anything reads them.
    "heygem_site.uploads.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # API answers: JSON for every /api/ error, RateLimit-* headers (heygem_site.api).
    "heygem_site.api.ApiJsonErrorsMiddleware",
    "heygem_site.throttles.RateLimitHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # Pages and API answers for a signed-in user are kept by no cache.
    "heygem_site.middleware.PrivateNoStoreMiddleware",
    # Last, as django-axes asks: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins (in the database, so every process and host shares
# the count) and locks a username out from the address that failed too often.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "heygem_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "heygem_site.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/heygem"),
}
# Short-lived connections are reused by web workers; the qcluster's workers
# close theirs between tasks themselves.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "job-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Media is never served as a public folder: downloads go through views that
# check ownership (see jobs.views).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-public/"
# Where job and voice media live (jobs/storage.py): "filesystem" keeps it under
# MEDIA_ROOT (one box, or a shared mount at the same path on every box); "s3" puts it
# in a bucket of any S3-compatible store (MinIO, Ceph, AWS), so several GPU boxes
# share it without a shared filesystem. Empty keys fall back to boto3's own chain
# (AWS_ACCESS_KEY_ID, ~/.aws, an instance role).
MEDIA_STORE = env.str("HEYGEM_MEDIA_STORE", default="filesystem")
MEDIA_STORES = {
    "filesystem": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("HEYGEM_S3_BUCKET", default=""),
            "endpoint_url": env.str("HEYGEM_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("HEYGEM_S3_REGION", default="") or None,
            "access_key": env.str("HEYGEM_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("HEYGEM_S3_SECRET_ACCESS_KEY", default="") or None,
            # A key prefix, so one bucket can hold several sites.
            "location": env.str("HEYGEM_S3_PREFIX", default=""),
            # MinIO and most self-hosted stores want path-style addresses.
            "addressing_style": env.str("HEYGEM_S3_ADDRESSING_STYLE", default="path"),
            # Objects stay private: every download passes an owner check first.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("HEYGEM_DOWNLOAD_URL_SECONDS", default=300),
            # A stage's output replaces the file of an earlier attempt under the same name.
            "file_overwrite": True,
        },
    },
}
if MEDIA_STORE not in MEDIA_STORES:
    raise ImproperlyConfigured(
        f"HEYGEM_MEDIA_STORE is {MEDIA_STORE!r}: use one of {', '.join(MEDIA_STORES)}."
    )
if MEDIA_STORE == "s3" and not MEDIA_STORES["s3"]["OPTIONS"]["bucket_name"]:
    raise ImproperlyConfigured("HEYGEM_MEDIA_STORE=s3 needs HEYGEM_S3_BUCKET (the bucket's name).")
STORAGES = {
    "default": MEDIA_STORES[MEDIA_STORE],
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Downloads behind nginx: Django checks the owner and answers X-Accel-Redirect to
# nginx's internal location for MEDIA_ROOT (deploy/nginx/heygem.conf).
SENDFILE_BACKEND = "django_sendfile.backends.nginx"
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = "/protected-media"
# Uploads above this stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The first handler counts bytes and stops a parse past HEYGEM["MAX_UPLOAD_BYTES"].
FILE_UPLOAD_HANDLERS = [
    "heygem_site.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Throttles count requests here, so the cache is shared by every process and host:
# a table in the database by default (made by `migrate`), Redis with
# CACHE_URL=redis://host:6379/0. A per-process cache would let each worker allow the
# whole rate again.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://heygem_cache"),
    # Per-process and never shared: the job-detail payloads pollers ask for many
    # times a second (jobs.api.jobs), valid only while the job's version holds.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django-q": {"level": env.str("Q_LOG_LEVEL", default="WARNING")},
        # Lockouts are warnings; its start-up banner and every failed login are not.
        "axes": {"level": "WARNING"},
    },
}

# --- HeyGem Studio -----------------------------------------------------------
HEYGEM = {
    # Longest text accepted for one job (characters, before normalization).
    "MAX_TEXT_CHARS": env.int("HEYGEM_MAX_TEXT_CHARS", default=20_000),
    # Largest request body (speaker video, voice upload) accepted, in bytes.
    "MAX_UPLOAD_BYTES": env.int("HEYGEM_MAX_UPLOAD_BYTES", default=500_000_000),
    # A web process remembers an API token's user this long (0: look it up every
    # time); a revoked token keeps working at most this long.
    "API_TOKEN_CACHE_SECONDS": env.float("HEYGEM_API_TOKEN_CACHE_SECONDS", default=5.0),
    # A stage holds its slot for this long without renewing before the sweep
    # may take it back; stages renew every third of it.
    "LEASE_SECONDS": env.float("HEYGEM_LEASE_SECONDS", default=60.0),
    # How often `manage.py workers` reclaims expired leases, probes kept-out slots
    # and re-dispatches (it also sweeps at once when it starts).
    "SWEEP_SECONDS": env.float("HEYGEM_SWEEP_SECONDS", default=5.0),
    # This box's name: `manage.py workers` drives the slots of this host (issue 10).
    "HOST": env.str("HEYGEM_HOST", default="local"),
    # Stage workers beyond one per enabled slot: a worker paused or killed mid-stage
    # still holds its process until the sweep takes its slot back.
    "SPARE_WORKERS": env.int("HEYGEM_SPARE_WORKERS", default=2),
    # Workers for everything but stages (webhooks, schedules, joins, segments' media).
    "AUX_WORKERS": env.int("HEYGEM_AUX_WORKERS", default=2),
    # On stop, running stages get this long to reach a safe point before their
    # workers are killed (a killed stage is reclaimed by the next sweep).
    "STOP_GRACE_SECONDS": env.float("HEYGEM_STOP_GRACE_SECONDS", default=20.0),
    # A running stage checks this often that its job was not canceled.
    "BINDING_CHECK_SECONDS": env.float("HEYGEM_BINDING_CHECK_SECONDS", default=0.5),
    # Attempts per job before it fails for good (engine errors).
    "MAX_ATTEMPTS": env.int("HEYGEM_MAX_ATTEMPTS", default=3),
    # A stage whose worker died runs again without counting an attempt this many
    # times; past that each such loss counts (a job that kills its worker must end).
    "FREE_RECLAIMS": env.int("HEYGEM_FREE_RECLAIMS", default=3),
    # Backoff before a failed stage is tried again: base * 2**(attempt-1).
    "RETRY_BACKOFF_SECONDS": env.float("HEYGEM_RETRY_BACKOFF_SECONDS", default=5.0),
    # Consecutive engine failures after which a slot is marked unhealthy.
    "UNHEALTHY_AFTER": env.int("HEYGEM_UNHEALTHY_AFTER", default=3),
    # Bearer token Prometheus sends to /metrics (staff sessions may read it too).
    "METRICS_TOKEN": env.str("HEYGEM_METRICS_TOKEN", default=""),
    # Webhooks may target private or loopback addresses only when this is set
    # (they are an SSRF risk on a box that also runs the engines).
    "CALLBACK_ALLOW_PRIVATE": env.bool("HEYGEM_CALLBACK_ALLOW_PRIVATE", default=False),
    # Seconds before each retry of a failed webhook delivery (then it gives up).
    "WEBHOOK_RETRY_SECONDS": [
        int(s)
        for s in env.list(
            "HEYGEM_WEBHOOK_RETRY_SECONDS", default=["10", "60", "300", "1800", "7200"]
        )
    ],
    # After a secret rotation the old secret signs beside the new one this long.
    "WEBHOOK_ROTATION_GRACE_HOURS": env.float("HEYGEM_WEBHOOK_ROTATION_GRACE_HOURS", default=24.0),
    # Within a priority, owners who used the GPUs least in the last FAIR_SHARE_HOURS go
    # first (False: strictly by age).
    "FAIR_SHARE": env.bool("HEYGEM_FAIR_SHARE", default=True),
    "FAIR_SHARE_HOURS": env.float("HEYGEM_FAIR_SHARE_HOURS", default=1.0),
    # Seed behaviour: render on the GPU whose TTS slot made the speech.
    "PAIR_SAME_GPU": env.bool("HEYGEM_PAIR_SAME_GPU", default=False),
    # Speaker videos past these are refused at upload, naming the limit: the
    # engines render every frame, and a huge or endless clip only costs memory and time.
    "MAX_SPEAKER_SECONDS": env.float("HEYGEM_MAX_SPEAKER_SECONDS", default=600.0),
    "MAX_SPEAKER_SIDE": env.int("HEYGEM_MAX_SPEAKER_SIDE", default=4096),
    "MAX_SPEAKER_FPS": env.float("HEYGEM_MAX_SPEAKER_FPS", default=60.0),
    # Longest a watcher's request is held waiting for a change (Prefer: wait=N).
    "WATCH_MAX_SECONDS": env.float("HEYGEM_WATCH_MAX_SECONDS", default=25.0),
    # Held watchers per process (each keeps a server thread). deploy/gunicorn.conf.py
    # sets threads - 1, so every worker keeps a thread for pages; the rest poll every 5 s.
    "WATCH_MAX_HELD": env.int("HEYGEM_WATCH_MAX_HELD", default=50),
    # The GPU dashboard raises an alert when the media disk has less than this free.
    "DISK_LOW_BYTES": env.int("HEYGEM_DISK_LOW_BYTES", default=5_000_000_000),
    # Submits are refused (507) while the media disk has less than this free.
    "SUBMIT_MIN_FREE_BYTES": env.int("HEYGEM_SUBMIT_MIN_FREE_BYTES", default=1_000_000_000),
    # Per-owner caps (0: none); an owner's own limits in the admin replace them.
    # Jobs holding a GPU slot at once (more wait their turn, they are not refused):
    "CAP_RUNNING": env.int("HEYGEM_CAP_RUNNING", default=0),
    # Jobs waiting for a slot; a submit past it is refused (429).
    "CAP_QUEUED": env.int("HEYGEM_CAP_QUEUED", default=1000),
    # Text characters submitted in any 24 hours; a submit past it is refused (429).
    "CAP_CHARS_PER_DAY": env.int("HEYGEM_CAP_CHARS_PER_DAY", default=2_000_000),
    # Most rows in one batch (CSV or JSON list of jobs).
    "BATCH_MAX_ROWS": env.int("HEYGEM_BATCH_MAX_ROWS", default=500),
    # Days a finished job's media is kept before the purge removes it (0: for good);
    # pinned jobs are kept, and an owner's limits may say otherwise.
    "RETENTION_DAYS": env.float("HEYGEM_RETENTION_DAYS", default=30.0),
    # How often the purge schedule runs.
    "PURGE_EVERY_MINUTES": env.int("HEYGEM_PURGE_EVERY_MINUTES", default=60),
    # Who sends media downloads: "django" (streamed by gunicorn; the demo and tests),
    # "nginx" (X-Accel-Redirect after Django's owner check; production on a local or
    # shared disk) or "redirect" (a bucket: a 302 to a presigned URL valid
    # HEYGEM_DOWNLOAD_URL_SECONDS, for clients that reach the bucket themselves).
    # Where a mode does not fit the store, Django streams.
    "DOWNLOADS": env.str("HEYGEM_DOWNLOADS", default="django"),
    # Timeout for ffprobe on uploads and other quick media commands.
    "PROBE_TIMEOUT_SECONDS": env.float("HEYGEM_PROBE_TIMEOUT_SECONDS", default=20.0),
    # espeak-ng voice and words per minute for the embedded TTS engine.
    "ESPEAK_VOICE": env.str("HEYGEM_ESPEAK_VOICE", default="en-us"),
    "ESPEAK_WPM": env.int("HEYGEM_ESPEAK_WPM", default=165),
    # --- GPU engines over HTTP (ENGINES.md; docs/engines.md) ---
    # Seconds allowed to open a connection to an engine; read timeouts are per call.
    "ENGINE_CONNECT_TIMEOUT": env.float("HEYGEM_ENGINE_CONNECT_TIMEOUT", default=5.0),
    # HeyGem: the longest wait between two polls of a render (early in it), and the
    # shortest (as its expected end nears: the slot's speed × the audio's length).
    "RENDER_POLL_SECONDS": env.float("HEYGEM_RENDER_POLL_SECONDS", default=5.0),
    "RENDER_POLL_FINAL_SECONDS": env.float("HEYGEM_RENDER_POLL_FINAL_SECONDS", default=0.1),
    # A render is timed out after max(floor, factor × its expected time); the slot
    # is then quarantined and probed until the engine lets go of the task.
    "RENDER_TIMEOUT_FACTOR": env.float("HEYGEM_RENDER_TIMEOUT_FACTOR", default=3.0),
    "RENDER_TIMEOUT_FLOOR_SECONDS": env.float("HEYGEM_RENDER_TIMEOUT_FLOOR_SECONDS", default=120.0),
    # Expected render seconds per audio second until a slot has measured its own.
    "RENDER_DEFAULT_SPEED": env.float("HEYGEM_RENDER_DEFAULT_SPEED", default=2.0),
    # How long an engine may be unreachable during a render before the task counts as lost.
    "RENDER_UNREACHABLE_GRACE_SECONDS": env.float(
        "HEYGEM_RENDER_UNREACHABLE_GRACE_SECONDS", default=60.0
    ),
    # Fish-Speech: read timeout of one synthesis call = base + per-char × characters
    # (a T4 needed ~2.4 s per character, ENGINES.md #488).
    "TTS_TIMEOUT_BASE_SECONDS": env.float("HEYGEM_TTS_TIMEOUT_BASE_SECONDS", default=60.0),
    "TTS_TIMEOUT_PER_CHAR_SECONDS": env.float("HEYGEM_TTS_TIMEOUT_PER_CHAR_SECONDS", default=3.0),
    # Voice preparation (denoise + ASR of up to 30 s of audio).
    "TTS_PREPARE_TIMEOUT_SECONDS": env.float("HEYGEM_TTS_PREPARE_TIMEOUT_SECONDS", default=300.0),
    # Seconds before each retry of a voice preparation that failed for a passing reason.
    "TTS_PREPARE_RETRY_SECONDS": [
        float(s) for s in env.list("HEYGEM_TTS_PREPARE_RETRY_SECONDS", default=["2", "5"])
    ],
    # Silence put between the synthesized chunks of a long script.
    "TTS_PAUSE_SECONDS": env.float("HEYGEM_TTS_PAUSE_SECONDS", default=0.3),
    # --- One long job on many GPUs (docs/architecture.md, "Segments") ---
    # A job whose speech is estimated longer than this is cut at pauses into segments of
    # about this length, synthesized and rendered on several slots at once and joined.
    # 0 turns splitting off; otherwise 10 … 3600 (checked at start).
    "SEGMENT_SECONDS": env.float("HEYGEM_SEGMENT_SECONDS", default=60.0),
    # Characters of spoken text per second of speech, for that estimate until finished
    # jobs have measured it (English read aloud: about 150 words a minute, ~15 characters
    # a second; espeak-ng at 165 wpm reads ~15-16). 5 … 40.
    "SPEECH_CHARS_PER_SECOND": env.float("HEYGEM_SPEECH_CHARS_PER_SECOND", default=15.0),
    # The `lang` sent with preprocess_and_tran (the official client sends "zh").
    "TTS_LANG": env.str("HEYGEM_TTS_LANG", default="zh"),
}

# django-q2: the ORM broker keeps the queue in Postgres, so a crash loses no task.
# ``timeout`` must stay below ``retry``: redelivery is a backstop for a dead
# cluster, stage tasks are idempotent through the slot fence.
# `manage.py workers` runs two queues of one site: stage tasks on a queue per host
# (HEYGEM["STAGE_QUEUE"]), sized to its slots; everything else (webhooks, schedules)
# on the site's default queue. The name is the site's and signs every task.
Q_CLUSTER = {
    "name": "heygem",
    "ALT_CLUSTERS": {},
    "scheduler": env.bool("Q_SCHEDULER", default=True),
    "orm": "default",
    # The ORM broker, riding out a database restart (heygem_site/qbroker.py).
    "broker_class": "heygem_site.qbroker.ResilientORM",
    "workers": env.int("Q_WORKERS", default=4),
    "timeout": env.int("Q_TIMEOUT", default=4 * 3600),
    "retry": env.int("Q_RETRY", default=4 * 3600 + 600),
    "max_attempts": 2,
    # Seconds between looks at an idle queue when no wake-up came (heygem_site/qbroker.py:
    # an enqueue wakes its pusher at once through PostgreSQL's NOTIFY).
    "poll": env.float("Q_POLL", default=1.0),
    "guard_cycle": env.float("Q_GUARD_CYCLE", default=0.5),
    "save_limit": 1000,
    "ack_failures": True,
    "catch_up": False,
    "sync": env.bool("Q_SYNC", default=False),
    "label": "Task queue",
    "log_level": env.str("Q_LOG_LEVEL", default="WARNING"),
}


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "heygem_site.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "heygem_site.uploads.CappedMultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["heygem_site.throttles.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("HEYGEM_API_RATE_USER", default="120/min"),
        # Job and voice submissions, on top of the per-user rate.
        "submit": env.str("HEYGEM_API_RATE_SUBMIT", default="30/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # One error envelope for every v1 error (heygem_site.api); the seed keeps its own.
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
}

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "heygem_site.api.ErrorHandler",
    # An API client gets the JSON envelope for a crash in DEBUG too, never a debug page.
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429", "500"],
    # One 400 shape for every operation: code, detail and the field (attr) at fault.
    "ERROR_SCHEMAS": {"400": "heygem_site.api.BadRequestResponseSerializer"},
}

# Every page says where scripts, styles and media may come from: only this site.
# No inline script runs (the pages' scripts are static files; Swagger UI's set-up
# is served as one too), so an injected <script> or onclick= does nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI draws its icons from data: URIs.
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Logins: a username is locked out from the address that failed for it too often
# (username and address together, so nobody can lock a colleague out from afar).
AXES_FAILURE_LIMIT = env.int("HEYGEM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("HEYGEM_LOGIN_LOCKOUT_MINUTES", default=15.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# The address as the trusted proxies saw it (HEYGEM_TRUSTED_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "heygem_site.clientip.client_ip"

SPECTACULAR_SETTINGS = {
    "TITLE": "HeyGem Studio API",
    "DESCRIPTION": "Text to talking-head video on a box of GPUs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Multipart uploads get their own request component in the schema.
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags from the path after /api/v1/ (jobs, voices, slots …); the seed's API has its own.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Swagger UI is served from our static files: the machines have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Error components from drf-standardized-errors; enums named once.
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum",
        "JobStatusEnum": "jobs.models.Job.Status",
        "BatchStatusEnum": "jobs.selectors.BATCH_STATUSES",
        "StageEnum": "jobs.models.GpuSlot.Stage",
        "BackendEnum": "jobs.models.GpuSlot.Backend",
        "WebhookEventTypeEnum": "webhooks.models.EventType",
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}

# --- Behind a proxy, and production ---------------------------------------------
# How many proxies (the shipped nginx is one) stand between clients and gunicorn.
# With one or more, X-Forwarded-Proto says whether the client used TLS and the
# client's address is the one the nearest proxy saw (the last X-Forwarded-For
# entries are the proxies' own; anything before them a client may have forged).
TRUSTED_PROXIES = env.int("HEYGEM_TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and Prometheus ask gunicorn directly, over plain HTTP.
    # Probes reach gunicorn directly; the seed's five endpoints keep answering plain HTTP
    # on its port 5003 (deploy/nginx/heygem.conf), as the app they replace did.
    SECURE_REDIRECT_EXEMPT = [
        r"^healthz$",
        r"^metrics$",
        r"^api/(generate|queue|info|status/[^/]+|download/[^/]+)$",
    ]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)


def refuse_unsafe_production(secret_key: str, allowed_hosts: list[str]) -> None:
    """With DEBUG off, stop at start-up on a secret key anyone could know, or no hosts.

    The thresholds are Django's own (``check --deploy``, security.W009).
    """
    make_one = (
        "Set SECRET_KEY to a long random value of your own (python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'), or DEBUG=True on a development machine."
    )
    if not secret_key:
        raise ImproperlyConfigured(f"SECRET_KEY is not set and DEBUG is off. {make_one}")
    if secret_key == DEV_SECRET_KEY or secret_key.startswith(SECRET_KEY_INSECURE_PREFIX):
        raise ImproperlyConfigured(
            f"SECRET_KEY is the public development key and DEBUG is off. {make_one}"
        )
    if (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short or too plain ({len(secret_key)} characters, "
            f"{len(set(secret_key))} different; at least {SECRET_KEY_MIN_LENGTH} and "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS}). {make_one}"
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty and DEBUG is off: list the host names this site "
            "answers to, e.g. ALLOWED_HOSTS=heygem.example.com."
        )


if not DEBUG:
    refuse_unsafe_production(SECRET_KEY, ALLOWED_HOSTS)
