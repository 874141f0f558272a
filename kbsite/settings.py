"""kbsite settings. Everything deployment-specific comes from the environment.

Every variable read here is documented in docs/configuration.md and .env.example.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kbsite.caches import caches_from_url
from kbsite.env import env_bool, env_float, env_int, env_list, env_str, local_secret_key
from kbsite.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = local_secret_key(BASE_DIR / ".secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "csp",
    "kbsite.axes_app.AxesConfig",  # django-axes, with a translated name in the admin
    "django_celery_beat",
    "issues",
    "issues.pagecache",
    "issues.search",
    "probes",
    "diagnosis",
    "attachments",
    "gaps",
    "kbsite",  # the shared rate-limit counters and start-up checks (kbsite/ratelimit.py)
]

MIDDLEWARE = [
    "kbsite.middleware.ForwardedClientIpMiddleware",
    "kbsite.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kbsite.middleware.DatabaseOutageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "kbsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kbsite.wsgi.application"

# SQLite is the embedded default; PostgreSQL is the production database.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers and the writer must not block each other on a busy helpdesk.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded images and files (attachments app): a local folder by default, served only
# through the attachments view. With several app servers, share it or use object storage:
# KB_MEDIA_S3_BUCKET (+ AWS_* credentials, AWS_S3_ENDPOINT_URL for S3-compatible stores)
# stores them through django-storages instead. See docs/attachments.md.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT")) if env_str("MEDIA_ROOT") else BASE_DIR / "media"
_S3_BUCKET = env_str("KB_MEDIA_S3_BUCKET")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if _S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# Connectivity probes (probes app). Probes reach only public addresses unless a
# network or host is allowed here explicitly; see probes/guard.py.
PROBES_ALLOWED_NETWORKS = env_list("PROBES_ALLOWED_NETWORKS")  # CIDRs, e.g. "10.20.0.0/16"
PROBES_ALLOWED_HOSTS = env_list("PROBES_ALLOWED_HOSTS")  # names, e.g. "im.corp.example"
PROBES_TIMEOUT = env_float("PROBES_TIMEOUT", 5.0)  # seconds, per check
PROBES_MAX_CONCURRENCY = env_int("PROBES_MAX_CONCURRENCY", 64)  # checks in flight per run
PROBES_RATE_LIMIT = env_str("PROBES_RATE_LIMIT", "10/60")  # runs per user: "hits/seconds"
PROBES_CA_BUNDLE = env_str("PROBES_CA_BUNDLE")  # PEM file; empty = the system trust store
PROBES_MAX_REDIRECTS = env_int("PROBES_MAX_REDIRECTS", 5)
PROBES_DNS_NAMESERVERS = env_list("PROBES_DNS_NAMESERVERS")  # empty = /etc/resolv.conf
# Names are looked up here first, then in DNS, as the server's own programs do.
PROBES_HOSTS_FILE = env_str("PROBES_HOSTS_FILE", "/etc/hosts")

# Guided diagnosis: recorded walks are kept this long; walks left open this long count as abandoned.
DIAGNOSIS_SESSION_RETENTION_DAYS = env_int("DIAGNOSIS_SESSION_RETENTION_DAYS", 365)
DIAGNOSIS_ABANDON_AFTER_HOURS = env_int("DIAGNOSIS_ABANDON_AFTER_HOURS", 24)
DIAGNOSIS_START_RATE_LIMIT = env_str("DIAGNOSIS_START_RATE_LIMIT", "30/600")  # walks per client
# Queued runs (probes/tasks.py): a worker holds a run's lease while it executes and
# renews it; a run whose worker vanished is taken over when the lease lapses, at
# most PROBES_RUN_MAX_ATTEMPTS times, then marked failed.
PROBES_RUN_LEASE = env_int("PROBES_RUN_LEASE", 20)  # seconds
PROBES_RUN_MAX_ATTEMPTS = env_int("PROBES_RUN_MAX_ATTEMPTS", 3)
# Politeness toward the endpoints monitored: checks in flight per host (per run),
# and the least time between two monitor runs that dial the same host.
PROBES_HOST_CONCURRENCY = env_int("PROBES_HOST_CONCURRENCY", 4)
PROBES_HOST_MIN_INTERVAL = env_int("PROBES_HOST_MIN_INTERVAL", 30)  # seconds
# Monitors (probes/monitors.py): the state follows a new result only after it came
# PROBES_MONITOR_THRESHOLD times in a row; schedules no tighter than the minimum.
PROBES_MONITOR_THRESHOLD = env_int("PROBES_MONITOR_THRESHOLD", 3)
PROBES_MONITOR_MIN_INTERVAL = env_int("PROBES_MONITOR_MIN_INTERVAL", 60)  # seconds
PROBES_MONITOR_RUN_RETENTION_DAYS = env_int("PROBES_MONITOR_RUN_RETENTION_DAYS", 14)
# Alert deliveries are retried PROBES_ALERT_RETRY_SECONDS after a failure, doubling
# each time (10 s, 20 s … 160 s), PROBES_ALERT_ATTEMPTS attempts in all.
PROBES_ALERT_ATTEMPTS = env_int("PROBES_ALERT_ATTEMPTS", 6)
PROBES_ALERT_RETRY_SECONDS = env_float("PROBES_ALERT_RETRY_SECONDS", 10.0)
# Links in alerts: the site's public address, e.g. https://kb.example.com (empty = paths).
SITE_URL = env_str("SITE_URL")
# Alert e-mail goes through Django's mail settings (SMTP in production; the console
# with DEBUG on unless EMAIL_HOST is set).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kbsite@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not env_str("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)

# --- Background work: Celery (kbsite/celery.py, docs/production.md) ----------
# Production: Redis (CELERY_BROKER_URL=redis://127.0.0.1:6379/0). Unset with DEBUG
# on, a folder-based broker in .queue/ needs no server, so `make run` starts a
# worker beside runserver and nothing else. Task results are the database rows
# the site shows (runs, deliveries), so no result backend.
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL", "filesystem://localhost/" if DEBUG else "redis://127.0.0.1:6379/0"
)
CELERY_QUEUE_DIR = Path(env_str("CELERY_QUEUE_DIR", str(BASE_DIR / ".queue")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "messages"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "messages"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "polling_interval": 0.2,  # seconds: how soon a worker sees a new run (or a ping)
    }
else:
    # Unacknowledged messages return after this long if a whole worker vanished;
    # the sweep task takes such runs over sooner. A prefix keeps deployments that
    # share one Redis apart.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "global_keyprefix": env_str("CELERY_KEY_PREFIX", "kbsite:"),
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "kbsite")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a message is acknowledged when its task ends, not when taken
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back on the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Housekeeping; monitor schedules are edited in the admin (Monitors, Periodic tasks).
CELERY_BEAT_SCHEDULE = {
    "flush-view-counts": {"task": "issues.flush_view_counts", "schedule": 60.0},
    "prune-search-logs": {"task": "search.prune_search_logs", "schedule": 6 * 3600.0},
    "sweep-probe-runs": {"task": "probes.sweep_runs", "schedule": 60.0},
    "prune-monitor-runs": {"task": "probes.prune_monitor_runs", "schedule": 3600.0},
    "prune-diagnosis-sessions": {"task": "diagnosis.prune_sessions", "schedule": 3600.0},
    "collect-gaps": {"task": "gaps.collect", "schedule": 600.0},
    "prune-gaps": {"task": "gaps.prune", "schedule": 6 * 3600.0},
}
# An import that adds or changes at least this many rows queues a search-index rebuild.
KB_IMPORT_REBUILD_THRESHOLD = env_int("KB_IMPORT_REBUILD_THRESHOLD", 200)
# How long /healthz waits for workers to answer a ping.
CELERY_HEALTH_PING_TIMEOUT = env_float("CELERY_HEALTH_PING_TIMEOUT", 0.5)

# Rate limits (kbsite/ratelimit.py), each "hits/seconds". Counted in the cache when
# CACHE_URL is shared (Redis), else in the database: one count for every worker.
FEEDBACK_RATE_LIMIT = env_str("FEEDBACK_RATE_LIMIT", "5/600")  # answers per client address

# Search (issues.search). Query logs older than this are pruned by `manage.py
# prune_search_logs`, and by logging itself at most once an hour per process.
SEARCH_LOG_RETENTION_DAYS = env_int("SEARCH_LOG_RETENTION_DAYS", 180)
SEARCH_MAX_QUERY_LENGTH = 500

# Content gaps (gaps/, docs/gaps.md). The collector reads this many hours back each run; a
# search with results counts as abandoned when nothing was opened within the minutes given;
# an entry's helpfulness "fell" below the share over at least the answers given (90 days).
GAPS_LOOKBACK_HOURS = env_int("GAPS_LOOKBACK_HOURS", 48)
GAPS_ABANDON_MINUTES = env_int("GAPS_ABANDON_MINUTES", 30)
GAPS_HELPFUL_THRESHOLD = env_float("GAPS_HELPFUL_THRESHOLD", 0.5)
GAPS_HELPFUL_MIN_ANSWERS = env_int("GAPS_HELPFUL_MIN_ANSWERS", 5)
# Raw signals, feedback and search logs older than this go; daily counts stay.
GAPS_RETENTION_DAYS = env_int("GAPS_RETENTION_DAYS", SEARCH_LOG_RETENTION_DAYS)

# Editorial (issues/workflow.py, issues/admin_editorial.py). An issue not verified
# for this many days is listed as due for review; uploads to the admin importer are
# capped so a stray huge file cannot exhaust a worker.
KB_REVIEW_INTERVAL_DAYS = env_int("KB_REVIEW_INTERVAL_DAYS", 180)
# Nobody approves an entry they wrote or submitted, unless this is on (one-person teams).
KB_ALLOW_SELF_APPROVAL = env_bool("KB_ALLOW_SELF_APPROVAL", False)
KB_IMPORT_MAX_BYTES = env_int("KB_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
KB_ATTACHMENT_MAX_BYTES = env_int("KB_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
KB_IMAGE_MAX_PIXELS = env_int("KB_IMAGE_MAX_PIXELS", 40_000_000)
# Page views are counted in the cache and written to the database in batches
# (issues/pagecache/view_counts.py): after this many views of an issue, or on the first
# view once the oldest pending one is this many seconds old.
KB_VIEW_FLUSH_EVERY = env_int("KB_VIEW_FLUSH_EVERY", 20)
KB_VIEW_FLUSH_SECONDS = env_int("KB_VIEW_FLUSH_SECONDS", 60)
# Anonymous issue pages served whole from the cache without a database query
# (issues/pagecache/shared.py): "auto" turns it on when the cache is shared by every
# worker (CACHE_URL=redis://…), "on"/"off" force it. Entries expire after
# KB_PAGE_CACHE_SECONDS even if no edit replaced them.
KB_PAGE_CACHE = env_str("KB_PAGE_CACHE", "auto")
if KB_PAGE_CACHE not in {"auto", "on", "off"}:
    raise ImproperlyConfigured(f"KB_PAGE_CACHE must be auto, on or off, got {KB_PAGE_CACHE!r}")
KB_PAGE_CACHE_SECONDS = env_int("KB_PAGE_CACHE_SECONDS", 300)

# --- Production: HTTPS, cookies and security headers ------------------------
# HTTPS redirect and HSTS are opt-in: they are right only once TLS works end to
# end, and HSTS cannot be taken back for SECURE_HSTS_SECONDS. `manage.py check
# --deploy` lists what is still off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Secure cookies whenever DEBUG is off; SECURE_COOKIES=0 only for a plain-HTTP try-out.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from this origin, nothing
# inline: templates use static files and data- attributes, never <script> or
# style="" in the markup, so an injected snippet cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Production: static files -------------------------------------------------
# `make serve` collects hashed, compressed copies here and whitenoise serves
# them with far-future cache headers. Overridable so a container can use a
# read-only image path and tests a throwaway directory.
STATIC_ROOT = Path(env_str("STATIC_ROOT")) if env_str("STATIC_ROOT") else BASE_DIR / "staticfiles"

# --- Production: behind a reverse proxy (all opt-in) ------------------------
# Trust X-Forwarded-Proto only when the proxy sets it (and strips the client's).
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# How many proxies append to X-Forwarded-For; the client address (used by rate
# limits, login lockout and logs) is read from it. 0 = use the socket's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Production: database connections ---------------------------------------
# A database that stops answering must fail fast (friendly 503, see
# kbsite/outage.py), not hold a worker until gunicorn kills it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )

# --- Production: cache and sessions shared across app servers ---------------
# CACHE_URL=redis://host:6379/0 shares rate limits and cached sessions between
# every worker and app server; the default (process memory) suits one process.
CACHES = caches_from_url(
    env_str("CACHE_URL", "locmem://"), key_prefix=env_str("CACHE_KEY_PREFIX", "kbsite")
)
# Sessions live in the database (shared by every app server) with the cache in
# front; a cache outage falls back to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Production: admin login throttling and lockout (django-axes) ------------
AUTHENTICATION_BACKENDS = [
    "kbsite.security.LoginLockoutBackend",  # first: refuses locked-out logins early
    # ModelBackend with each user's permission set kept in the cache between requests.
    "issues.pagecache.permissions.CachedPermissionsBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Per (username, address): a wrong password from one desk does not lock a
# colleague behind the same office NAT out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kbsite.security.lockout_response"

# --- Production: logging ----------------------------------------------------
# LOG_FORMAT=json: one JSON object per line for a log shipper; every line and
# error carries the request id (X-Request-ID, see kbsite/middleware.py).
LOGGING = logging_config(
    log_format=env_str("LOG_FORMAT", "text"), level=env_str("LOG_LEVEL", "INFO").upper()
)
