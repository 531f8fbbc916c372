"""Django settings for the school's confidentiality service.

Everything that differs between machines comes from the environment (see ``environment.py``).
Development (``DEBUG=true``, as ``make run`` and ``make test`` set) generates its own keys once;
production (the default, ``DEBUG=false``) refuses to start without real secrets.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from . import environment as env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env.flag("DEBUG", default=False)
# With DEBUG on (the demo, ``make run``) people still see the school's own 403, 404 and 500
# pages; a developer who wants Django's technical pages (URL map, traceback) sets this.
TECHNICAL_ERROR_PAGES = env.flag("TECHNICAL_ERROR_PAGES", default=False)
_secrets = env.load_secrets(DEBUG, VAR_DIR / "local-secrets.json")
SECRET_KEY = _secrets["SECRET_KEY"]
FIELD_ENCRYPTION_KEYS = _secrets["FIELD_ENCRYPTION_KEYS"]
BLIND_INDEX_KEY = _secrets["BLIND_INDEX_KEY"]
AUDIT_CHAIN_KEY = _secrets["AUDIT_CHAIN_KEY"]
# Seals the backup files (backups.sealed_file); kept apart from the field keys.
BACKUP_KEY = _secrets["BACKUP_KEY"]

ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

# Trust only the proxy we run: with BEHIND_TLS_PROXY the client's address is the entry
# TRUSTED_PROXY_HOPS from the right of X-Forwarded-For (one per proxy of ours); without it every
# forwarded header is ignored (confidentiality.middleware.client_address).
BEHIND_TLS_PROXY = env.flag("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_HOPS = env.integer("TRUSTED_PROXY_HOPS", 1, minimum=1)
CSRF_TRUSTED_ORIGINS = env.csv("CSRF_TRUSTED_ORIGINS")

# The school's monitoring sends it (Authorization: Bearer ...) to read /healthz's details (the
# age of the last backup, of a stuck alert); without it /healthz says only ok or unavailable.
HEALTH_TOKEN = env.str_("HEALTH_TOKEN", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "auditlog",
    "django_tasks_db",
    "confidentiality",
    "records",
    "safeguarding",
    "performance",
    "governance",
    "transfers",
    "subject_access",
    "retention",
    "backups",
    # Last: the demo school (``seed_demo``) is composed from every app above.
    "demo",
]

MIDDLEWARE = [
    # First: every line logged while a request is served carries its id (confidentiality.logs).
    "confidentiality.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database that does not answer gets a page saying so (503), from wherever it was found.
    "confidentiality.database_unavailable.DatabaseUnavailableMiddleware",
    "confidentiality.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle sign-out's clock: the session's expiry moves on at most once a minute.
    "confidentiality.idle_clock.IdleClockMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # PostgreSQL cannot store a NUL character: such a request gets our 400 page, not a 500.
    "confidentiality.middleware.RefuseNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Pages for a signed-in person are never stored by the browser or a cache.
    "confidentiality.middleware.NoStoreForSignedInMiddleware",
    # The school's own error pages under DEBUG too (the demo); after sign-in so the menu shows.
    "confidentiality.middleware.ProductErrorPagesMiddleware",
    # P11, P16, P25: after sign-in and the second factor are known, before any page is served.
    "confidentiality.middleware.AgreementRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # auditlog's own middleware, with the address from client_address (never a spoofed header).
    "confidentiality.middleware.ClientAddressAuditlogMiddleware",
    "confidentiality.middleware.SecondFactorMiddleware",
    # A server that cannot seal (key rotation under way) answers with a clear 503, not a 500.
    "confidentiality.crypto.middleware.KeyUnavailableMiddleware",
    # Axes must be last: it turns a lock-out raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

# Pages people who must sign the confidentiality agreement may use before signing it. Logging a
# safeguarding concern is here because reporting is never blocked (P3). Every name must be one the
# site defines: a misspelt one fails the start-up check (confidentiality/checks.py).
AGREEMENT_EXEMPT_URL_NAMES = frozenset(
    {
        "agreement",
        "login",
        "logout",
        "healthz",
        # Choosing a new (or a first) password comes before any agreement can be signed.
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "safeguarding:log_concern",
        # Raising a concern about an adult, and asking the team for advice (P22), with the list of
        # one's own requests that the advice form returns to: never blocked either (P3).
        "safeguarding:log_adult_concern",
        "safeguarding:ask_advice",
        "safeguarding:my_advice_list",
        # The concern form's autosave and "start again", and the confirmation shown after
        # sending (the author's own words only): a report is never lost for want of a signature.
        "safeguarding:autosave",
        "safeguarding:discard_draft",
        "safeguarding:my_concern",
    }
)

ROOT_URLCONF = "confidentiality.urls"
WSGI_APPLICATION = "confidentiality.wsgi.application"
ASGI_APPLICATION = "confidentiality.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "confidentiality.context_processors.school",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.str_("DATABASE_URL", f"sqlite:///{VAR_DIR / 'confidentiality.sqlite3'}"),
        conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A page's queries are short, but a permission subquery can look costly to the planner, and
    # PostgreSQL's JIT then spent seconds compiling what runs in milliseconds (the head's
    # performance overview took 12.5 s on a medium school, 12.45 s of it compiling).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "confidentiality.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions expire: a request pushes the expiry on (at most once a minute,
# confidentiality.idle_clock), so only inactivity ends a session.
SESSION_COOKIE_AGE = env.integer("SESSION_IDLE_MINUTES", 30) * 60
# Kept in the database sealed with the field keys (the messages waiting for the next page).
SESSION_ENGINE = "confidentiality.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Messages after an action name children, schools and words marked for redaction: kept in the
# server-side session, never in a signed (readable) cookie as Django's default storage would.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "confidentiality.views.accounts.csrf_failure"

# django-axes: wrong passwords for one username from one address lock that pair; an address
# trying many usernames is locked as a whole after a higher limit (confidentiality.lockout).
AXES_HANDLER = "confidentiality.lockout.PairAndAddressLockout"
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env.integer("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("LOGIN_LOCKOUT_MINUTES", 15))
# What a successful sign-in forgives: that pair's own failures, not the address's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "confidentiality.middleware.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# django-otp
OTP_TOTP_ISSUER = "School confidentiality"
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_THROTTLE_FACTOR = 1

# django-guardian: no anonymous user row; permissions are never granted to the anonymous.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# django-auditlog: the actor and address come from the middleware; masked fields are starred whole.
AUDITLOG_MASK_CALLABLE = "confidentiality.audit.mask_completely"
AUDITLOG_INCLUDE_ALL_MODELS = False

# Throttles (password-reset requests) count in the cache: a file cache is shared by every
# server process on one machine, where a per-process memory cache would multiply the limits.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env.str_("CACHE_DIR", str(VAR_DIR / "cache")),
    }
}

# The newest audit seal, kept outside the database: cutting the newest entries (or emptying both
# tables) is caught by ``verify_audit --checkpoint`` and the periodic safeguarding check.
AUDIT_CHECKPOINT_FILE = Path(
    env.str_("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoint.json"))
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# /healthz answers 503, and the safeguarding team's dashboard says what is wrong, when alerts to
# the safeguarding team are not flowing (confidentiality.pipeline_health): a task waiting longer
# than this, the periodic check not run for this long, an email failing for this long.
HEALTH_TASK_WAIT_MINUTES = env.integer("HEALTH_TASK_WAIT_MINUTES", 5, minimum=1)
HEALTH_PERIODIC_CHECK_MINUTES = env.integer("HEALTH_PERIODIC_CHECK_MINUTES", 10, minimum=1)
HEALTH_FAILING_EMAIL_MINUTES = env.integer("HEALTH_FAILING_EMAIL_MINUTES", 30, minimum=1)
# /healthz calls a backup older than this "old" (it is not a 503: alerts still flow).
HEALTH_BACKUP_HOURS = env.integer("HEALTH_BACKUP_HOURS", 48, minimum=1)
# A task still "running" after this long lost its worker (killed, machine restarted): the
# periodic check puts it back in the queue. Longer than any email can take to send.
TASK_STALE_AFTER_MINUTES = env.integer("TASK_STALE_AFTER_MINUTES", 10, minimum=2)

# Safeguarding (P3): an urgent concern nobody acknowledges within this many school minutes
# escalates (deputies, then the head teacher). School hours are when the clock runs.
SAFEGUARDING_ESCALATE_AFTER_MINUTES = env.integer("SAFEGUARDING_ESCALATE_AFTER_MINUTES", 15)
SAFEGUARDING_SCHOOL_HOURS = ("08:00", "18:00")
SAFEGUARDING_SCHOOL_TIME_ZONE = "Europe/London"
SAFEGUARDING_CLOSURE_DATES = env.csv("SAFEGUARDING_CLOSURE_DATES")
# Where links in emails point (emails carry no content, only "sign in to see it").
SITE_URL = env.str_("SITE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str_("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    # whitenoise serves from the finders in development; the (empty) root keeps it quiet.
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

_mail_backend = env.str_(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": {
            "host": env.str_("EMAIL_HOST", "localhost"),
            "port": env.integer("EMAIL_PORT", 25),
        }
        if _mail_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str_("DEFAULT_FROM_EMAIL", "safeguarding@school.invalid")

SCHOOL_NAME = env.str_("SCHOOL_NAME", "Riverside Primary School")
# The school's unique reference number: named in the child-protection files it sends (P14).
SCHOOL_URN = env.str_("SCHOOL_URN", "")
# Which bank holidays close the school (the school calendar adds them to its closures).
SCHOOL_NATION = env.str_("SCHOOL_NATION", "england-and-wales")
if SCHOOL_NATION not in ("england-and-wales", "scotland", "northern-ireland"):
    raise ImproperlyConfigured(
        f"SCHOOL_NATION must be england-and-wales, scotland or northern-ireland, "
        f"not {SCHOOL_NATION!r}"
    )
# Shown to anyone raising a concern about an adult: they may always go to the LADO directly.
# An example number in development only; unset in production, the pages point to the policy.
LADO_CONTACT = env.str_(
    "LADO_CONTACT",
    "Local authority designated officer (LADO): 01632 960000, lado@council.example"
    if DEBUG
    else "",
)

# Told to whoever logs an urgent concern, for when nobody from the safeguarding team can be found
# (out of hours): the local children's social care front door (MASH). An example in development.
CHILDRENS_SERVICES_FRONT_DOOR = env.str_(
    "CHILDRENS_SERVICES_FRONT_DOOR",
    "Children's social care front door (example): 01632 960111; out of hours 01632 960999"
    if DEBUG
    else "",
)

# Security headers. CSP applies in development too, so an inline script without a nonce
# breaks on a developer's screen before it ships.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DEFAULT_EXCEPTION_REPORTER_FILTER = (
    "confidentiality.error_reports.ConfidentialExceptionReporterFilter"
)

# One JSON object a line, naming no one (confidentiality.logs): what a school hands an auditor.
# With DEBUG a developer may ask for readable lines instead (LOG_FORMAT=human).
LOG_FORMAT = env.str_("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "human") or (LOG_FORMAT == "human" and not DEBUG):
    raise ImproperlyConfigured("LOG_FORMAT must be json (or human, with DEBUG only)")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "confidentiality.logs.JsonFormatter"},
        "human": {"()": "confidentiality.logs.HumanFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str_("LOG_LEVEL", "INFO")},
    "loggers": {
        # Never let a request's POST data or a template's context reach the log.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.template": {"level": "WARNING", "propagate": True},
        # Never a query with its values (a search, a sign-in), whatever LOG_LEVEL says.
        "django.db.backends": {"level": "INFO", "propagate": True},
    },
}
