"""Claimbook settings: one module, driven by environment variables.

CLAIMBOOK_ENV chooses the defaults. "local" (the default) is for a developer's machine:
SQLite, localhost names. "production" refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS and turns on secure cookies and HSTS. Either way DEBUG is off unless DEBUG=1
asks for it, and without a SECRET_KEY only local DEBUG use starts (with the committed,
local-only key): a server that forgets DEBUG and SECRET_KEY refuses to start instead of
running with a key everyone can read.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from claims.conf import DEFAULTS as claimbook_defaults
from config import proxies
from config.env import env_bool, env_int, env_list, env_rate

BASE_DIR = Path(__file__).resolve().parent.parent


ENVIRONMENT = os.environ.get("CLAIMBOOK_ENV", "local").strip().lower()
if ENVIRONMENT not in {"local", "production"}:
    raise ImproperlyConfigured(f"CLAIMBOOK_ENV must be 'local' or 'production', got {ENVIRONMENT!r}.")
PRODUCTION = ENVIRONMENT == "production"

# Used only with DEBUG on in CLAIMBOOK_ENV=local (make demo): it is in the repository, so
# anything else refuses to start with it.
LOCAL_ONLY_SECRET_KEY = "claimbook-local-only-insecure-key-do-not-deploy-4b1f0c9e7d2a"
HOW_TO_SET_SECRET_KEY = "export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"

DEBUG = env_bool("DEBUG", default=False)  # on only when asked for (DEBUG=1), in any environment
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == LOCAL_ONLY_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when CLAIMBOOK_ENV=production."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when CLAIMBOOK_ENV=production.")
elif not DEBUG and SECRET_KEY in {"", LOCAL_ONLY_SECRET_KEY}:
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set to a random value when DEBUG is off ({HOW_TO_SET_SECRET_KEY}); "
        "the committed local-only key serves only local development with DEBUG=1."
    )
elif not SECRET_KEY:
    SECRET_KEY = LOCAL_ONLY_SECRET_KEY  # local, DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names Claimbook serves when CLAIMBOOK_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "claims.api.exceptions.csrf_failure"  # JSON under /api/

INSTALLED_APPS = [
    "claims",  # first, so its admin templates (base_site.html) extend Django's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",  # throttles failed logins
    "csp",  # Content-Security-Policy on every page
    "huey.contrib.djhuey",  # the task queue that delivers webhooks (manage.py run_huey)
]

# -- reverse proxies: how many there are, and from which addresses the nearest one connects --------
PROXY_COUNT = env_int("CLAIMBOOK_PROXY_COUNT", 0, minimum=0)
try:
    TRUSTED_PROXIES = proxies.trusted_networks(os.environ.get("FORWARDED_ALLOW_IPS"), proxy_count=PROXY_COUNT)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",  # first: /healthz whatever the Host, over plain HTTP too
    "config.proxies.TrustedProxyMiddleware",  # X-Forwarded-Proto only from TRUSTED_PROXIES
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# -- cache: per process by default; REDIS_URL shares it between gunicorn's workers, so the
# anonymous throttle counts one client's requests across all of them, not per worker.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# -- the task queue (Huey): the worker (manage.py run_huey) delivers webhooks from it. With REDIS_URL
# the queue lives in that Redis (docker-compose, production); otherwise in a SQLite file next to the
# SQLite database (HUEY_SQLITE_PATH; make demo). Tasks only carry an outbox row's id: the outbox in
# the database is what must be delivered, so a lost queue loses nothing (claims/tasks.py re-enqueues).
HUEY_CONSUMER = {"workers": env_int("CLAIMBOOK_WORKER_THREADS", 2, minimum=1), "worker_type": "thread"}
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "claimbook",
        "url": REDIS_URL,
        "immediate": False,  # djhuey would otherwise run tasks in the web process whenever DEBUG is on
        "consumer": HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "claimbook",
        "filename": os.environ.get("HUEY_SQLITE_PATH", str(BASE_DIR / "huey.sqlite3")),
        "immediate": False,
        "consumer": HUEY_CONSUMER,
    }

# -- logins: django-axes locks a username on an IP address after repeated failures -------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CLAIMBOOK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CLAIMBOOK_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # a stranger cannot lock an editor out everywhere
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "claims.api.throttling.client_ip"  # the throttle's idea of the address

# -- Content-Security-Policy (django-csp): only Claimbook's own scripts, styles and images ------
# The API documentation pages widen it for what Swagger UI and Redoc need (claims/api/urls.py).
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

# -- request sizes: a source of MAX_SOURCE_CHARS fits; anything larger is a 413, not a crash ---
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CLAIMBOOK_MAX_FORM_BYTES", 10 * 1024 * 1024, minimum=1)

if PRODUCTION:
    # Static files from the app itself (collected into STATIC_ROOT); runserver serves them locally.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = os.environ.get("CLAIMBOOK_ROOT_URLCONF", "config.urls")  # bench.urls adds the baseline view

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.public.context.organisation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (postgres://user:pass@host:5432/name) switches
# to PostgreSQL through psycopg 3. Persistent connections with health checks so that a
# restarted PostgreSQL costs one failed check, not a broken worker.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
                conn_health_checks=True,
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Claimbook understands: {exc}") from exc
    if DATABASES["default"]["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...) or SQLite (sqlite:///...).")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each transaction takes SQLite's write lock when it begins, and waits up to 20 s for it: the
    # web process and the worker both write, and a deferred transaction that read first and then
    # writes fails at once ("database is locked") instead of waiting. It also makes a row's
    # updated_at (set at save) follow commit order, which the API's ETags rely on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The XML fixture format (backups) reads text fields back exactly; Django's strips their ends.
SERIALIZATION_MODULES = {"xml": "claims.xml_fixture"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

if PRODUCTION:
    # Believed only from TRUSTED_PROXIES: config.proxies.TrustedProxyMiddleware drops it otherwise.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; lockouts, at WARNING, are what matter.
    "loggers": {
        "axes": {"level": "WARNING"},
        # The worker's log (each task run, and any failure), once: run_huey adds no handler of its own then.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

REST_FRAMEWORK = {
    # Token first, so an unauthenticated request is a 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.ModelPermissionsOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["claims.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.ClaimbookAutoSchema",
    "EXCEPTION_HANDLER": "claims.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["claims.api.throttling.AnonymousThrottle"],
    # Whose address a request is: REMOTE_ADDR, or with N reverse proxies in front, the address
    # the outermost one saw (X-Forwarded-For's Nth entry from the right). DRF's default (None)
    # trusts the whole header, which lets any client pick a new address per request.
    "NUM_PROXIES": PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Claimbook API",
    "DESCRIPTION": (
        "Fact-checked claims with the exact span of the article they come from. Anonymous callers see "
        "verified claims; editors (token or session) see and write all of them."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from this app: the docs work offline
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims.api.schema.empty_query_values_count_as_absent",
    ],
    # Editors get notes and reviewer on top of the public shape; those may be absent.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "claims.workflow.Status",
        "UnitEnum": "claims.models.Claim.Unit",
        "VerdictEnum": "claims.api.serializers.FACT_STATUSES",  # a fact's status: never dismissed
    },
}

# Claimbook's own settings, read through claims.conf (claimbook_settings), which documents each
# key and holds its default.
CLAIMBOOK = {
    "MAX_SOURCE_CHARS": env_int("CLAIMBOOK_MAX_SOURCE_CHARS", claimbook_defaults["MAX_SOURCE_CHARS"], minimum=1),
    "ANON_THROTTLE_RATE": env_rate("CLAIMBOOK_ANON_THROTTLE_RATE", claimbook_defaults["ANON_THROTTLE_RATE"]),
    "ORGANIZATION_NAME": os.environ.get("CLAIMBOOK_ORGANIZATION_NAME", claimbook_defaults["ORGANIZATION_NAME"]),
    "ORGANIZATION_URL": os.environ.get("CLAIMBOOK_ORGANIZATION_URL", claimbook_defaults["ORGANIZATION_URL"]),
    "MAX_CANDIDATES_PER_SOURCE": env_int(
        "CLAIMBOOK_MAX_CANDIDATES_PER_SOURCE", claimbook_defaults["MAX_CANDIDATES_PER_SOURCE"], minimum=1
    ),
    "MAX_API_BODY_BYTES": env_int("CLAIMBOOK_MAX_API_BODY_BYTES", claimbook_defaults["MAX_API_BODY_BYTES"], minimum=1),
    "TRUSTED_PROXIES": TRUSTED_PROXIES,
    "SEARCH_CACHE_SECONDS": env_int(
        "CLAIMBOOK_SEARCH_CACHE_SECONDS", claimbook_defaults["SEARCH_CACHE_SECONDS"], minimum=0
    ),
    "WEBHOOK_RETRY_SCHEDULE": os.environ.get(
        "CLAIMBOOK_WEBHOOK_RETRY_SCHEDULE", claimbook_defaults["WEBHOOK_RETRY_SCHEDULE"]
    ),
    "WEBHOOK_TIMEOUT_SECONDS": env_int(
        "CLAIMBOOK_WEBHOOK_TIMEOUT_SECONDS", claimbook_defaults["WEBHOOK_TIMEOUT_SECONDS"], minimum=1
    ),
    "WEBHOOK_LEASE_SECONDS": env_int(
        "CLAIMBOOK_WEBHOOK_LEASE_SECONDS", claimbook_defaults["WEBHOOK_LEASE_SECONDS"], minimum=1
    ),
    "WEBHOOK_ALLOW_PRIVATE": env_bool(
        "CLAIMBOOK_WEBHOOK_ALLOW_PRIVATE", default=claimbook_defaults["WEBHOOK_ALLOW_PRIVATE"]
    ),
}
