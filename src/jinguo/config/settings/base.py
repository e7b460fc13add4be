"""Settings shared by every environment; everything that differs comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = SRC_DIR / "jinguo"
PROJECT_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("JINGUO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("JINGUO_SECRET_KEY", "")
# Key ring for field-level encryption of sensitive personal data: one base64 key of 32 bytes, or
# "kid:base64,kid:base64" with the current key first (jinguo.core.crypto, docs/operations.md).
DATA_KEY = os.environ.get("JINGUO_DATA_KEY", "")
# Blind-index key (base64, 32 bytes); required once DATA_KEY holds several keys.
INDEX_KEY = os.environ.get("JINGUO_INDEX_KEY", "")
DEBUG = env_bool("JINGUO_DEBUG", False)
ALLOWED_HOSTS = env_list("JINGUO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("JINGUO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Only so that the API docs page loads Swagger UI from our static files, not from a CDN.
    "ninja",
    "jinguo.core",
    "jinguo.audit",
    "jinguo.orgunits",
    "jinguo.accounts",
    "jinguo.people",
    "jinguo.programmes",
    "jinguo.activities",
    "jinguo.donations",
    "jinguo.metrics",
    "jinguo.reports",
    "jinguo.imports",
    "jinguo.api",
    "jinguo.web",
    "jinguo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jinguo.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jinguo.accounts.middleware.PasswordChangeRequiredMiddleware",
    # Axes must come last so that it sees failed logins from every authentication path.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jinguo.config.urls"
WSGI_APPLICATION = "jinguo.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jinguo.web.context_processors.navigation",
            ],
        },
    }
]


def database_config(url: str) -> dict[str, object]:
    """Parse DATABASE_URL; SQLite gets WAL, a busy timeout and immediate write transactions."""
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # Seconds to wait for a competing writer instead of failing with "database is locked".
            "timeout": 20,
            # Take the write lock at BEGIN so read-then-write transactions cannot deadlock.
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        }
    return config


DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jinguo.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "jinguo.accounts.passwords.CharacterClassValidator"},
    {"NAME": "jinguo.accounts.passwords.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: five failures lock the username for 15 minutes (等保 2.0 practice).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by address would lock a whole township office: its staff share one NAT address.
# Guessing is limited per account instead (docs/decisions.md).
# models.W040: covering indexes (INCLUDE) are a PostgreSQL optimisation of the figures; SQLite
# builds the same index without the extra columns, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Imports of sheets longer than this are read and parsed in a second process (imports/ahead.py);
# 0 reads every sheet ahead, a huge number none.
IMPORT_READ_AHEAD_ROWS = int(os.environ.get("JINGUO_IMPORT_READ_AHEAD_ROWS", "5000"))

# Idle timeout: the session expires this many seconds after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("JINGUO_SESSION_TIMEOUT", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry at set-up and are served from here, never a CDN.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "jinguo.core.middleware.RequestContextLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("JINGUO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# How long audit entries must stay online before they may be archived (days).
AUDIT_RETENTION_DAYS = 180
