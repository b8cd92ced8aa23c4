"""One settings file; every environment variable parsed strictly (see docs/architecture.md)."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TOUSU_DATA_DIR", Path.cwd() / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envsecret(name: str, default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(Path(unquote(parsed.path)))
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets the worker and the web server work side by side; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of deadlocking.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DEBUG = envbool("TOUSU_DEBUG", False)
SECRET_KEY = envsecret("TOUSU_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and envbool("TOUSU_REQUIRE_SECRET", False):
        raise ImproperlyConfigured("TOUSU_SECRET_KEY is required")
    SECRET_KEY = "insecure-local-key-for-demo-and-tests-only"
ALLOWED_HOSTS = [h for h in os.environ.get("TOUSU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tousu.org",
    "tousu.cases",
    "tousu.notify",
    "tousu.api",
    "tousu.web",
    "tousu.portal",
    "tousu.reports",
    "tousu.quality",
    "tousu.imports",
    "tousu.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tousu.org.services.ConfigurationPerRequest",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tousu.urls"
WSGI_APPLICATION = "tousu.wsgi.application"

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
                "django.template.context_processors.i18n",
            ]
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL) if DATABASE_URL else sqlite_database(DATA_DIR / "tousu.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TOUSU_TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "login"

EMAIL_BACKEND = os.environ.get("TOUSU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("TOUSU_FROM_EMAIL", "tousu@localhost")

# Worker timing (seconds).
TOUSU_WORKER_INTERVAL = float(os.environ.get("TOUSU_WORKER_INTERVAL", "5"))
TOUSU_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TOUSU_OUTBOX_MAX_ATTEMPTS", "6"))
# Seconds a worker round may spend starting deliveries before it sweeps deadlines again.
TOUSU_DELIVERY_BUDGET = float(os.environ.get("TOUSU_DELIVERY_BUDGET", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"tousu": {"handlers": ["console"], "level": os.environ.get("TOUSU_LOG_LEVEL", "INFO")}},
}
