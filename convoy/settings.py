"""Convoy settings. Every deployment difference comes from the environment; see README.md."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from convoy.env import env_bool, env_int, env_list, env_str, local_secret_key

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

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG and "localhost" not in ALLOWED_HOSTS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Celery. Without a broker URL every task runs in-process, at once (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_IMPORTS = ["logistics.services.schedule"]  # the modules that define tasks

# Scheduling. Changes to the inputs queue a recompute; changes within the debounce share one run.
SCHEDULE_AUTO_RECOMPUTE = env_bool("SCHEDULE_AUTO_RECOMPUTE", default=True)
SCHEDULE_DEBOUNCE_SECONDS = env_int("SCHEDULE_DEBOUNCE_SECONDS", 5)
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
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
