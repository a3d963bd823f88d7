"""Safeguarding Hub settings: one module, driven by the environment (django-environ).

Run modes (``DJANGO_ENV``):
- ``production``: no defaults for secrets, MFA required, secure cookies; ``check --deploy`` is clean.
- ``development`` (default): DEBUG on, a fixed development secret, demo mode on.
- ``test``: like development, with fast password hashing.

Every variable read here is listed in ``ENV_VARS`` (name -> required in production?) so that the
compose file and ``.env.example`` can be checked against it (tests/test_deployment_config.py).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

# name -> (required in production, description). Kept in step with .env.example and docker-compose.yml.
ENV_VARS: dict[str, tuple[bool, str]] = {
    "DJANGO_ENV": (True, "production, development or test"),
    "SECRET_KEY": (True, "Django secret key (long and random)"),
    "DATABASE_URL": (True, "PostgreSQL URL, e.g. postgres://user:pass@host:5432/db"),
    "REDIS_URL": (True, "Redis URL for the Celery broker and the cache, e.g. redis://redis:6379/0"),
    "ALLOWED_HOSTS": (True, "comma-separated host names the site answers to"),
    "CSRF_TRUSTED_ORIGINS": (True, "comma-separated origins, e.g. https://hub.example.gov.uk"),
    "DEFAULT_FROM_EMAIL": (True, "sender address of every email"),
    "EMAIL_URL": (True, "email backend URL, e.g. smtp+tls://user:pass@smtp.example.gov.uk:587"),
    "SITE_URL": (True, "public base URL used in emails and calendar feeds"),
    "DEBUG": (False, "on only in development"),
    "DEMO_MODE": (False, "demo banner and MFA switch; never on in production"),
    "MFA_REQUIRED": (False, "require TOTP for every login (always on in production)"),
    "SESSION_IDLE_MINUTES": (False, "minutes of inactivity before a session ends (default 30)"),
    "SESSION_WARNING_MINUTES": (False, "minutes before the end when the timeout warning shows (default 2)"),
    "LOGIN_FAILURE_LIMIT": (False, "failed logins before an account/IP pair is locked (default 5)"),
    "LOGIN_COOLOFF_MINUTES": (False, "minutes a locked pair waits (default 15)"),
    "BREAK_GLASS_HOURS": (False, "how long break-glass access to a restricted record lasts (default 8)"),
    "SECURE_SSL_REDIRECT": (False, "redirect http to https in production (default on)"),
    "SECURE_HSTS_SECONDS": (False, "HSTS max-age in production (default 31536000)"),
    "LOG_LEVEL": (False, "root log level (default INFO)"),
    "TRUSTED_PROXY_COUNT": (False, "reverse proxies in front of the app that set X-Forwarded-For (default 0); "
                                   "login throttling then sees the real client address"),
    "MEDIA_ROOT": (False, "where uploaded files are kept (default var/media)"),
    "CONN_MAX_AGE": (False, "seconds a database connection is reused (default 60 in production, 0 otherwise)"),
    "TEST_DATABASE_NAME": (False, "name of the database the test suite creates (default test_safeguarding_hub)"),
    "STATUTORY_RULE_OVERRIDES": (False, "JSON: local changes to statutory clock rules, e.g. "
                                        '{"conference_minutes": {"amount": 10}} (see the rules page)'),
    "REMINDER_DAYS_BEFORE": (False, "working days before a due date when reminders go out (default 5,1)"),
    "ESCALATE_AFTER_WORKING_DAYS": (False, "working days overdue before the manager is told (default 3)"),
    "DIGEST_HOUR": (False, "hour of the day (0-23, Europe/London) when daily digests are sent (default 7)"),
    "CONFERENCE_QUORUM_OTHER_AGENCIES": (False, "agencies besides children's social care, with direct contact, "
                                                "that make a conference quorate (default 2)"),
    "CONFERENCE_CHILD_INVITATION_AGE": (False, "age from which the child is proposed as a conference invitee "
                                               "(default 12; the chair decides)"),
    "LADO_RESOLUTION_TARGETS": (False, "LADO: percent of cases to resolve within 1, 3 and 12 months "
                                       "(comma-separated; default 80,90,100)"),
    "LADO_RETENTION": (False, "LADO: retention periods per outcome as JSON, overriding lado.rules (default {})"),
    "LADO_RETENTION_PENSION_AGE": (False, "LADO: the age until which allegation records are kept when that is "
                                          "later than the period (default lado.rules.PENSION_AGE)"),
    "API_MAX_BODY_BYTES": (False, "largest request body the API accepts, in bytes; larger is a 413 (default 1048576)"),
    "UPLOAD_ROOT": (False, "where uploaded files are kept, outside every served directory (default var/uploads)"),
    "UPLOAD_MAX_BYTES": (False, "largest file that can be uploaded, in bytes (default 20971520, 20 MB)"),
    "CLAMD_URL": (False, "ClamAV daemon for virus scanning uploads: tcp://host:port or unix:///path "
                         "(unset: uploads wait for a scan and cannot be opened)"),
    "UPLOAD_SERVE_UNSCANNED": (False, "development only: open uploads before a virus scan has passed "
                                      "(default off; refused in production)"),
    "LETTERHEAD_NAME": (False, "the authority's name at the top of every PDF (outside production: the demo's)"),
    "LETTERHEAD_SERVICE": (False, "the service under the name on the letterhead"),
    "LETTERHEAD_ADDRESS": (False, "the letterhead's postal address, lines separated by semicolons"),
    "LETTERHEAD_TELEPHONE": (False, "the telephone number on the letterhead"),
    "LETTERHEAD_EMAIL": (False, "the email address on the letterhead"),
    "LETTERHEAD_LOGO": (False, "the logo on the letterhead: a path under static/, e.g. img/letterhead/council.svg"),
    "LOCAL_PROCEDURES_NAME": (False, "the name of the deployment's own safeguarding procedures, which the rules page "
                                     "cites as the source of every local rule (ADR 26)"),
    "LOCAL_PROCEDURES_URL": (False, "the address of those procedures, linked from the rules page (unset: no link)"),
}

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"production", "development", "test"}:
    raise environ.ImproperlyConfigured("DJANGO_ENV must be production, development or test")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    DEBUG = False
    DEMO_MODE = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-" + "x" * 40)
    DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
    DEMO_MODE = env.bool("DEMO_MODE", default=True)

# Statements compiled once (safeguarding.records.statements, ADR 31): in tests and under DEBUG every call is also
# built afresh and compared with the cached statement, so a cache key that misses something fails loudly.
STATEMENTS_CHECKED = DJANGO_ENV == "test" or DEBUG

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The local rules of the statutory clock follow the deployment's own procedures (the rules page cites them, ADR 26)
LOCAL_PROCEDURES_NAME = (env.str("LOCAL_PROCEDURES_NAME", default="")  # empty (as in .env.example): the default
                         or "this area's safeguarding children partnership procedures")
LOCAL_PROCEDURES_URL = env.str("LOCAL_PROCEDURES_URL", default="")
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL:
    raise environ.ImproperlyConfigured("SITE_URL is required in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # shared kernel
    "safeguarding.accounts",
    "safeguarding.access",
    "safeguarding.audit",
    "safeguarding.notify",
    "safeguarding.clock",
    "safeguarding.uploads",
    "safeguarding.home",  # the home page's parts, filled by the apps (ADR 26)
    "safeguarding.demo",
    # domain apps
    "cases",
    "conferences",
    "reviews",
    "lado",
    "partnership",
    "returns",
]

MIDDLEWARE = [
    # first, so that every answer under /api/ (Django's 404, 400, 500 included) is JSON in the API's error shape
    "safeguarding.api_errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # before the session and the person (both need the database): an unreachable PostgreSQL or Redis is a 503
    "safeguarding.unavailable.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safeguarding.accounts.sessions.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "safeguarding.accounts.middleware.LoginRequiredMiddleware",
    "safeguarding.access.middleware.AccessContextMiddleware",
    "safeguarding.accounts.middleware.ApiCallLogMiddleware",
]

ROOT_URLCONF = "safeguarding.urls"
WSGI_APPLICATION = "safeguarding.wsgi.application"

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
                "safeguarding.context_processors.hub",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/safeguarding_hub")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# JIT compilation costs more than it saves on our policy-filtered queries (docs/performance.md: child
# search 0.73 s -> 0.2 s, API list 646 ms -> 58 ms at 100,000 children), so it is off for our sessions.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
# a kept connection is checked before reuse, so no request fails after a PostgreSQL restart; a host that
# drops packets fails in seconds (the 503 page) rather than hanging a worker
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default="test_safeguarding_hub")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sgh",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# --- people, login, MFA -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-guardian stores explicit per-record grants; the policies decide (they honour the time box),
# so guardian's permission backend is deliberately not installed (and its warning silenced).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
MFA_REQUIRED = True if PRODUCTION else env.bool("MFA_REQUIRED", default=not DEMO_MODE)
OTP_TOTP_ISSUER = "Safeguarding Hub"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if DJANGO_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-axes: failed logins are throttled (locked per account + address) and logged.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Behind reverse proxies, lock by the client's address from X-Forwarded-For, not the proxy's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "safeguarding.accounts.ip.client_ip"

# Idle sessions end: the cookie's age is refreshed on every request, so it expires after idle time.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_WARNING_MINUTES = env.int("SESSION_WARNING_MINUTES", default=2)
# A session is written when it changes, or when less than the idle time is left of it
# (safeguarding/accounts/sessions.py): it then lives the idle time plus a minute from that save, so it
# never ends sooner than SESSION_IDLE_MINUTES after the last request, nor more than a minute later.
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + SESSION_REFRESH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "safeguarding.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
BREAK_GLASS_HOURS = env.int("BREAK_GLASS_HOURS", default=8)
# Child protection conferences: local practice (not timescales, which live in clock/rules.py)
CONFERENCE_QUORUM_OTHER_AGENCIES = env.int("CONFERENCE_QUORUM_OTHER_AGENCIES", default=2)
CONFERENCE_CHILD_INVITATION_AGE = env.int("CONFERENCE_CHILD_INVITATION_AGE", default=12)
# LADO: the share of cases the service aims to resolve within each band of clock.rules.LADO_RESOLUTION_BANDS_MONTHS
# (one month, three months, twelve months), in percent; the defaults are the guidance's 80 %, 90 % and all.
LADO_RESOLUTION_TARGETS = env.list("LADO_RESOLUTION_TARGETS", cast=int, default=[80, 90, 100])
# The letterhead on every PDF (safeguarding.documents.letterhead, ADR 28): the demo authority's outside
# production, nothing assumed in production.
_DEMO_LETTERHEAD = not PRODUCTION
LETTERHEAD_NAME = env.str("LETTERHEAD_NAME", default="Northmoor Borough Council" if _DEMO_LETTERHEAD else "")
LETTERHEAD_SERVICE = env.str("LETTERHEAD_SERVICE", default=(
    "Children's Services: Safeguarding and Quality Assurance" if _DEMO_LETTERHEAD else ""))
LETTERHEAD_ADDRESS = env.str("LETTERHEAD_ADDRESS", default=(
    "Northmoor Civic Centre; Market Street; Northmoor; NM1 1AA" if _DEMO_LETTERHEAD else ""))
LETTERHEAD_TELEPHONE = env.str("LETTERHEAD_TELEPHONE", default="01632 960100" if _DEMO_LETTERHEAD else "")
LETTERHEAD_EMAIL = env.str("LETTERHEAD_EMAIL", default=(
    "safeguarding@northmoor.gov.test" if _DEMO_LETTERHEAD else ""))
LETTERHEAD_LOGO = env.str("LETTERHEAD_LOGO", default=(
    "img/letterhead/northmoor-borough-council.svg" if _DEMO_LETTERHEAD else ""))
ACCESS_GRANT_MAX_DAYS = 90  # the longest a manager's explicit access grant may run

# --- security headers ------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- i18n ----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]

# --- static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# --- uploads (safeguarding.uploads, ADR 18) -----------------------------------------------------------
# Kept outside every served directory (a system check refuses overlaps), quarantined until ClamAV passes them.
UPLOAD_ROOT = env.path("UPLOAD_ROOT", default=BASE_DIR / "var" / "uploads")
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_TIMEOUT_SECONDS = 120  # one scan's socket timeout (a large file on a busy clamd)
UPLOAD_SCAN_MAX_ATTEMPTS = 10  # failed scans are retried after 5, 10, 20 ... minutes (at most 6 hours) this often
if PRODUCTION and env.bool("UPLOAD_SERVE_UNSCANNED", default=False):
    raise environ.ImproperlyConfigured("UPLOAD_SERVE_UNSCANNED is for development only: never in production")
UPLOAD_SERVE_UNSCANNED = False if PRODUCTION else env.bool("UPLOAD_SERVE_UNSCANNED", default=False)
# The first handler stops keeping a file's bytes past UPLOAD_MAX_BYTES (safeguarding/uploads/handlers.py).
FILE_UPLOAD_HANDLERS = [
    "safeguarding.uploads.handlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- email -------------------------------------------------------------------------------------
if PRODUCTION:
    EMAIL_CONFIG = env.email_url("EMAIL_URL")
else:
    EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 10  # seconds: a slow mail server must not hold a request or a sweep for long
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="" if PRODUCTION else "hub@localhost")
if PRODUCTION and not DEFAULT_FROM_EMAIL:
    raise environ.ImproperlyConfigured("DEFAULT_FROM_EMAIL is required in production")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = TIME_ZONE
WORKER_HEARTBEAT_SECONDS = 30


# --- the statutory clock ----------------------------------------------------------------------------
STATUTORY_RULE_OVERRIDES = env.json("STATUTORY_RULE_OVERRIDES", default={})
REMINDER_DAYS_BEFORE = [int(n) for n in env.list("REMINDER_DAYS_BEFORE", default=["5", "1"])]
ESCALATE_AFTER_WORKING_DAYS = env.int("ESCALATE_AFTER_WORKING_DAYS", default=3)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
SWEEP_EVERY_SECONDS = 5 * 60
# a claim not marked sent after this long belongs to a worker that died: the next sweep retries it
REMINDER_CLAIM_LEASE_SECONDS = 10 * 60

CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "safeguarding.tasks.heartbeat", "schedule": WORKER_HEARTBEAT_SECONDS},
    "reminder-sweep": {"task": "clock.sweep", "schedule": SWEEP_EVERY_SECONDS},
    # the one email outbox (ADR 8): every email, calendar invitations included; never the sweep
    "email-outbox": {"task": "notify.deliver_emails", "schedule": 60},
    "daily-digest": {"task": "notify.send_digests", "schedule": crontab(minute=0, hour=DIGEST_HOUR)},
    # virus scans whose commit-time task was lost, or that failed and wait to be tried again (uploads)
    "uploads-scan-sweep": {"task": "uploads.scan_sweep", "schedule": 5 * 60},
}

# --- API ----------------------------------------------------------------------------------------
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)  # a 413 above this
API_JSON_MAX_DEPTH = 32  # arrays and objects nested deeper are a 400 (the decoder recurses)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "safeguarding.accounts.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["safeguarding.api.IsAuthenticatedAndVerified"],
    "DEFAULT_PAGINATION_CLASS": "safeguarding.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["safeguarding.api.FilterBackend"],  # django-filter; an empty ?date= is a 400
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safeguarding.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["safeguarding.api.JSONParser"],  # JSON only: other media types are a 415
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["safeguarding.api.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguarding Hub API",
    "DESCRIPTION": "Partner agency API. Authenticate with `Authorization: Bearer <token>`; "
    "tokens are issued per agency by `create_api_client`. Errors always have the shape "
    '`{"error": {"status", "code", "message", "fields"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # several resources have a "status" with its own choices: each enum is named after its resource
    "ENUM_NAME_OVERRIDES": {
        "ConferenceStatusEnum": "conferences.models.Conference.Status",
        "ReviewStatusEnum": "reviews.models.Review.Status",
        "ReviewDecisionStatusEnum": "reviews.models.ReviewDecision.Status",
        "LadoReferralStatusEnum": "lado.api.serializers.ReferralStatus",
        "EscalationRouteEnum": "partnership.models.Escalation.Route",
        "EscalationCategoryEnum": "partnership.models.Escalation.Category",
        "EscalationOutcomeEnum": "partnership.models.Escalation.Outcome",
        "EscalationStepKindEnum": "partnership.models.EscalationStep.Kind",
        "PartnershipReferralKindEnum": "partnership.models.Referral.Kind",
    },
    # every operation documents the error answers it can give, in the one error shape
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "safeguarding.api.document_error_responses"],
}

# --- history & guardian ------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools log every font and render step at INFO
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- the LADO's retention policy (lado.rules.retention_rules; ADR 22): per outcome, JSON, e.g.
# {"malicious": {"years": 6, "until_pension_age": false, "note": "Local schedule 2027"}}
LADO_RETENTION = env.json("LADO_RETENTION", default={})
LADO_RETENTION_PENSION_AGE = env.int("LADO_RETENTION_PENSION_AGE", default=None)  # None: lado.rules.PENSION_AGE

# --- statutory returns (returns, ADR 27) ----------------------------------------------------------------------
# The authority's codes on its returns: the DfE's 3-digit LA code (CIN census LEA) and the ONS code the SSDA903
# validator checks placements against (the demo authority's by default outside production); the validators'
# own environment (make validators).
RETURNS_LA_CODE = env.str("RETURNS_LA_CODE", default="" if PRODUCTION else "823")
RETURNS_LA_ONS_CODE = env.str("RETURNS_LA_ONS_CODE", default="" if PRODUCTION else "E06000056")
RETURNS_VALIDATORS_PYTHON = env.str("RETURNS_VALIDATORS_PYTHON",
                                    default=str(BASE_DIR / ".venv-validators" / "bin" / "python"))
