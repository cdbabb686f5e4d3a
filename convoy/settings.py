"""Convoy settings. Every deployment difference comes from the environment; see README.md."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from convoy.env import email_settings, env_bool, env_int, env_list, env_moment, env_str, local_secret_key
from convoy.security import csp_source

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random string. Only a development set-up (DEBUG=1) "
            "makes one of its own, in var/secret_key."
        )
    SECRET_KEY = local_secret_key(BASE_DIR / "var" / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # the admin without autodiscovery: django-leaflet's admin module needs GeoDjango's GDAL, which Convoy does not
    # use; convoy/apps.py imports the admin modules Convoy registers
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "conference",
    "delegates",
    "logistics",
    "api",
    "desk",
    "convoy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "convoy.urls"
WSGI_APPLICATION = "convoy.wsgi.application"

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
                "desk.pages.navigation",
            ],
        },
    },
]

# Default: a SQLite file beside manage.py (git-ignored). Production: postgres://user:pass@host:5432/convoy
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'convoy.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # the web server and the embedded worker write to one file: readers never wait (WAL), writers queue
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": f"{DATABASES['default']['NAME']}_test"}
# Each process keeps its own copy of the itineraries it served (see api/itineraries.py): the keys
# name the published version and the data revision, so no process can serve a stale one.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "itineraries": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "itineraries",
        "TIMEOUT": 6 * 3600,
        "OPTIONS": {"MAX_ENTRIES": env_int("ITINERARY_CACHE_ENTRIES", 20000)},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"  # storage; pages show each conference in its own time zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded scenario files are read in memory; a summit's CSVs are about 1 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Celery. With REDIS_URL (or CELERY_BROKER_URL) the workers share Redis. Without one, the embedded default: a
# broker in files under var/broker (kombu's filesystem transport, nothing to install) served by the worker that
# `make demo` starts beside the web server, so no request ever waits for a recompute.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or "filesystem://"
EMBEDDED_BROKER = CELERY_BROKER_URL == "filesystem://"
BROKER_FOLDER = BASE_DIR / "var" / "broker"
if EMBEDDED_BROKER:
    for folder in ("processed", "control"):
        (BROKER_FOLDER / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER),
        "data_folder_out": str(BROKER_FOLDER),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    # a broker that cannot be reached fails a send within seconds (the dispatcher sends it later); a message a
    # worker took and never acknowledged (it died) comes back after the longest task can have run
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (None if EMBEDDED_BROKER else CELERY_BROKER_URL)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_IMPORTS = [
    "logistics.services.schedule",
    "logistics.services.notifications",
    "logistics.services.alerts",
]  # the modules that define tasks
CELERY_BEAT_SCHEDULE = {
    "dispatch-schedule-runs": {
        "task": "logistics.services.schedule.dispatch_schedule_runs",
        "schedule": env_int("SCHEDULE_DISPATCH_SECONDS", 5),
    },
    # the outbox sweep: sends what is due (retries, and what a lost message or a killed worker left behind)
    "deliver-notifications": {
        "task": "logistics.services.notifications.deliver_notifications",
        "schedule": env_int("NOTIFY_SWEEP_SECONDS", 5),
    },
    # the desk's exceptions: trips not acknowledged before they start, vehicles silent on a trip
    "check-alerts": {"task": "logistics.services.alerts.check_alerts", "schedule": 60},
}
# Webhook deliveries: seconds to wait for a receiver's answer.
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", 10)
# E-mails "your itinerary changed": changes to one person within this many seconds go out as one message (a change
# to a leg that starts within NOTIFY_URGENT_MINUTES goes at once).
NOTIFY_SETTLE_SECONDS = env_int("NOTIFY_SETTLE_SECONDS", 120)
NOTIFY_URGENT_MINUTES = env_int("NOTIFY_URGENT_MINUTES", 120)
# The live pages (dashboard, board, fleet) look for news this often.
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 10)
# Where people reach this site: the links in e-mails start with it.
PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail: EMAIL_URL (smtp://user:password@host:587, smtps://..., console://, file:///folder), or the usual Django
# variables (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS). Neither: each message is
# written to a file in var/mail, so nothing goes out by accident and nothing is lost.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Convoy transport desk <transport@localhost>")
EMAIL_FOLDER = BASE_DIR / "var" / "mail"
if env_str("EMAIL_URL"):
    globals().update(email_settings(env_str("EMAIL_URL"), default_folder=EMAIL_FOLDER))
elif env_str("EMAIL_HOST"):
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(EMAIL_FOLDER)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

# Scheduling. Changes to the inputs queue a recompute; changes within the debounce share one run.
SCHEDULE_AUTO_RECOMPUTE = env_bool("SCHEDULE_AUTO_RECOMPUTE", default=True)
SCHEDULE_DEBOUNCE_SECONDS = env_int("SCHEDULE_DEBOUNCE_SECONDS", 5)
# A queued run whose task was sent this long ago and is still not claimed is sent again (its message was lost).
SCHEDULE_RESEND_SECONDS = env_int("SCHEDULE_RESEND_SECONDS", 60)
# A running run whose worker gave no sign of life for this long is marked failed and asked for again.
SCHEDULE_RUN_STALE_SECONDS = env_int("SCHEDULE_RUN_STALE_SECONDS", 120)
# A rehearsal clock: runs whose clock is not given take this moment (ISO with offset) instead of the time they start.
SCHEDULE_CLOCK = env_moment("SCHEDULE_CLOCK")
# An OSRM-compatible routing service: its /table replaces the travel-time formula, its /route draws the map's lines.
ROUTING_SERVICE_URL = env_str("ROUTING_SERVICE_URL")
# The live map marks a vehicle's position stale when it is older than this.
MAP_STALE_MINUTES = env_int("MAP_STALE_MINUTES", 5)

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (8.98, -79.52),
    "DEFAULT_ZOOM": 12,
    "TILES": [
        (
            "OpenStreetMap",
            env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            {"attribution": env_str("MAP_TILES_ATTRIBUTION", "&copy; OpenStreetMap contributors"), "maxZoom": 19},
        )
    ],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ConvoyAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.error_response",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "Convoy API",
    "DESCRIPTION": (
        "Itineraries, the published movement schedule, fleet status and resource requests of a conference's "
        "transport desk. Authenticate with `Authorization: Token <key>` (see `manage.py add_user --token`). "
        "What a caller sees depends on its role; objects of another delegation or vehicle answer 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "VehicleStatusEnum": "logistics.models.VehicleStatus",
        "RequestStatusEnum": "logistics.models.RequestStatus",
        "RunStatusEnum": "logistics.models.RunStatus",
        "RoleEnum": "conference.models.Role",
        "VenueKindEnum": "conference.models.VenueKind",
        "SessionKindEnum": "conference.models.SessionKind",
        "VehicleKindEnum": "logistics.models.VehicleKind",
        "RequestKindEnum": "logistics.models.RequestKind",
        "StatusOutcomeEnum": "logistics.models.StatusOutcome",
        "FlightKindEnum": "delegates.models.FlightKind",
        "MovementKindEnum": "logistics.models.MovementKind",
        "TripEventKindEnum": "logistics.models.TripEventKind",
        "BoardingStatusEnum": "logistics.models.BoardingStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}


# ---------------------------------------------------------------------------------------------------------------------
# Security: HTTPS, HSTS, cookies, referrer policy and the Content-Security-Policy (README.md, "Running for real").
# HTTPS is expected when DEBUG is off and localhost is not among ALLOWED_HOSTS: `make demo` (DEBUG=1), the test suite
# (DEBUG off, plain HTTP on localhost) and a docker compose left on localhost keep plain HTTP. Every default below
# can be set on its own from the environment.
HTTPS_EXPECTED = not DEBUG and "localhost" not in ALLOWED_HOSTS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS_EXPECTED)
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]  # the orchestrator's probes speak plain HTTP to the container
# Behind a proxy that ends TLS, "HTTP_X_FORWARDED_PROTO,https" takes its X-Forwarded-Proto for the request's scheme:
# only when the proxy sets that header on every request and nothing but the proxy reaches the app.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", [])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2 or not _proxy_ssl_header[0].startswith("HTTP_"):
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER is a request header as Django names it and the value that means HTTPS, "
            "e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS_EXPECTED else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a deliberate choice that is hard to undo, so it is off by default and not worth a warning.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=HTTPS_EXPECTED)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
# The Content-Security-Policy (django-csp), on every answer: scripts, styles, fonts and requests from the site only,
# no inline script, no style attribute; images from the site and the map's tile server (MAP_TILES_URL). A page that
# must place things by the numbers (the board's timeline) writes a <style nonce="{{ request.csp_nonce }}"> block.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        # data: for Leaflet's blank image (it cancels tile loads with it) and Swagger UI's icons (in its CSS)
        "img-src": [SELF, "data:", *filter(None, (csp_source(tiles[1]) for tiles in LEAFLET_CONFIG["TILES"]))],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env_str("CSP_REPORT_URI") or None,
    }
}


# ---------------------------------------------------------------------------------------------------------------------
# Login lockout and API rate limits (README.md, "Running for real"; convoy/logins.py, api/throttling.py).
from convoy.env import env_rate  # noqa: E402  (kept in this block)

# The client's address: REMOTE_ADDR, and X-Forwarded-For is ignored (any client can write it). Behind N reverse
# proxies that each append the address they saw, PROXY_COUNT=N takes the address the outermost one saw.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Login lockout (django-axes), for the desk's login page and the admin's: after LOGIN_FAILURE_LIMIT failed logins of
# one user name from one address, that pair is refused, the right password too, until LOGIN_COOLOFF_MINUTES have
# passed without an attempt (each attempt while locked out starts the wait again); the page says so (status 429).
# The same user name from another address, and other user names, are not affected, so nobody can lock a user out
# from everywhere. A successful login clears the pair's failures. Attempts are kept in the database, which every
# web process shares (axes' database handler; the admin lists them under Axes, where deleting one unlocks it).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES are whole numbers of at least 1")
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # turns a refused attempt into the lockout page
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "convoy.logins.cool_off"  # LOGIN_COOLOFF_MINUTES, read when asked (tests change it)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_CLIENT_IP_CALLABLE = "convoy.logins.client_address"
AXES_LOCKOUT_CALLABLE = "convoy.logins.locked_out"
AXES_VERBOSE = False  # no banner on every manage.py command; failures and lockouts are still logged (warnings)

# API rate limits (Django REST framework's throttles, api/throttling.py); each a rate such as 60/min, or off. Past
# one, the answer is 429 with Retry-After. A user (token or session) may make API_USER_RATE requests, far above a
# driver app or the live map polling every 5 s; a caller without credentials API_ANON_RATE per address. Failed token
# authentications count per address: past API_TOKEN_FAILURE_RATE every token from that address is answered 429, a
# valid one too, until the oldest failure leaves the window.
_auth = REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
_auth[_auth.index("rest_framework.authentication.TokenAuthentication")] = "api.throttling.LimitedTokenAuthentication"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["api.throttling.UserThrottle", "api.throttling.AnonThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "user": env_rate("API_USER_RATE", "1200/min"),
    "anon": env_rate("API_ANON_RATE", "60/min"),
    "token_failure": env_rate("API_TOKEN_FAILURE_RATE", "30/min"),
}
REST_FRAMEWORK["NUM_PROXIES"] = PROXY_COUNT
# The throttles' counts: with REDIS_URL in Redis, shared by every web process (gunicorn's workers, every machine),
# so a limit is one limit; short timeouts, and api/throttling.py lets requests through if Redis cannot be reached.
# Without it, each process counts for itself (a limit is then per worker: with 3 workers up to 3 times as much).
if env_str("REDIS_URL"):
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
        "KEY_PREFIX": "convoy-throttle",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
else:
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }

# --- Import limits (logistics/services/imports/, the import page and the import_scenario command) ---------------
# A file over IMPORT_MAX_FILE_MB is refused before it is read; one with more than IMPORT_MAX_ROWS rows below the
# header is refused when the row past the limit is reached. The largest file of a 5,000-delegate summit
# (scenario_gen.py --delegates 5000 --days 5) is attendance.csv: 1.2 MB, 62,747 rows; the defaults are 8 and 2.4
# times that. The command line overrides both (--max-file-mb, --max-rows). The import page keeps at most
# IMPORT_MAX_FILE_MB of each uploaded file and counts the rest without keeping it (desk/views/imports.py); what it
# keeps is in memory while the request is under FILE_UPLOAD_MAX_MEMORY_SIZE, on disk above. DATA_UPLOAD_MAX_MEMORY_SIZE
# bounds the form's other fields only, so an oversized file is named next to its field, not answered with a 400.
IMPORT_MAX_FILE_MB = env_int("IMPORT_MAX_FILE_MB", 10)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 150_000)
if IMPORT_MAX_FILE_MB < 1 or IMPORT_MAX_ROWS < 1:
    raise ValueError("IMPORT_MAX_FILE_MB and IMPORT_MAX_ROWS must be whole numbers of at least 1")
