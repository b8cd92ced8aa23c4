"""One settings file; every environment variable parsed strictly (see docs/architecture.md)."""

import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
# Where data lives without TOUSU_DATA_DIR: ./var, or the folder of ./var that the demo last ran
# in (`make demo PRESET=bank` runs in var/bank and writes "bank" into var/current-demo), so
# every `tousu` command started in the same folder finds the demo's database.
DEFAULT_DATA_DIR = Path.cwd() / "var"
DATA_DIR_POINTER = DEFAULT_DATA_DIR / "current-demo"


def default_data_dir() -> Path:
    try:
        name = DATA_DIR_POINTER.read_text(encoding="utf-8").strip()
    except OSError:
        return DEFAULT_DATA_DIR
    if not name or Path(name).name != name or name in (".", ".."):
        raise ImproperlyConfigured(f"{DATA_DIR_POINTER} must name one folder beside it, not {name!r}")
    return DEFAULT_DATA_DIR / name


DATA_DIR = Path(os.environ["TOUSU_DATA_DIR"]) if os.environ.get("TOUSU_DATA_DIR") else default_data_dir()


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return strictbool(name, value)


def strictbool(name: str, value: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envcount(name: str, default: int, *, minimum: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.strip().isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def envint(name: str, default: int) -> int:
    return envcount(name, default, minimum=0)


def envsecret(name: str, default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {e.strerror}") from None
    return os.environ.get(name, default)


def database_from_url(url: str) -> dict:
    """A database from a URL: postgres://user:password@host:port/name?sslmode=require&...
    (parsed by django-environ: query options such as sslmode go to OPTIONS, conn_max_age and
    conn_health_checks to the connection), or sqlite:///absolute/path.sqlite3."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        if parsed.query:
            raise ImproperlyConfigured("DATABASE_URL: a sqlite URL takes no options")
        return sqlite_database(Path(unquote(parsed.path)))
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or sqlite://, not {url.split(':', 1)[0]!r}")
    if not parsed.path.strip("/"):
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://user@host:5432/NAME)")
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as e:  # a port that is not a number, say
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {e}") from None
    config.setdefault("CONN_MAX_AGE", 60)
    config.setdefault("CONN_HEALTH_CHECKS", True)
    for key in ("CONN_HEALTH_CHECKS", "ATOMIC_REQUESTS", "AUTOCOMMIT", "DISABLE_SERVER_SIDE_CURSORS"):
        if isinstance(config.get(key), str):
            config[key] = strictbool(f"DATABASE_URL's {key.lower()}", config[key])
    if not isinstance(config["CONN_MAX_AGE"], int | None) or isinstance(config["CONN_MAX_AGE"], bool):
        raise ImproperlyConfigured("DATABASE_URL's conn_max_age must be a number of seconds or None")
    return config


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


def email_settings() -> dict:
    """Mail: TOUSU_EMAIL_URL (smtp+tls://user:password@host:587, smtp+ssl://...:465), or
    TOUSU_SMTP_HOST with TOUSU_SMTP_PORT/USER/PASSWORD/TLS/SSL, or TOUSU_EMAIL_BACKEND; the
    console by default (mail is printed, not sent)."""
    url = envsecret("TOUSU_EMAIL_URL", "")
    host = os.environ.get("TOUSU_SMTP_HOST", "")
    if url and host:
        raise ImproperlyConfigured("set TOUSU_EMAIL_URL or TOUSU_SMTP_HOST, not both")
    timeout = envint("TOUSU_SMTP_TIMEOUT", 10)
    if url:
        scheme = url.split("://", 1)[0] if "://" in url else ""
        if scheme not in ("smtp", "smtps", "smtp+tls", "smtp+ssl"):
            raise ImproperlyConfigured(
                f"TOUSU_EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl://, not {scheme!r}")
        try:
            config = environ.Env.email_url_config(url)
        except ValueError as e:
            raise ImproperlyConfigured(f"TOUSU_EMAIL_URL cannot be read: {e}") from None
        config.pop("EMAIL_FILE_PATH", None)
        if config.get("EMAIL_PORT") is None:
            config["EMAIL_PORT"] = 465 if config.get("EMAIL_USE_SSL") else 587 if config.get("EMAIL_USE_TLS") else 25
        return {**config, "EMAIL_TIMEOUT": timeout}
    if host:
        tls, ssl = envbool("TOUSU_SMTP_TLS", True), envbool("TOUSU_SMTP_SSL", False)
        if tls and ssl:
            raise ImproperlyConfigured("TOUSU_SMTP_TLS (STARTTLS) and TOUSU_SMTP_SSL cannot both be true")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": host,
            "EMAIL_PORT": envint("TOUSU_SMTP_PORT", 465 if ssl else 587 if tls else 25),
            "EMAIL_HOST_USER": os.environ.get("TOUSU_SMTP_USER", ""),
            "EMAIL_HOST_PASSWORD": envsecret("TOUSU_SMTP_PASSWORD", ""),
            "EMAIL_USE_TLS": tls,
            "EMAIL_USE_SSL": ssl,
            "EMAIL_TIMEOUT": timeout,
        }
    return {"EMAIL_BACKEND": os.environ.get("TOUSU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}


DEBUG = envbool("TOUSU_DEBUG", False)
# Commands that may start without TOUSU_SECRET_KEY: the demo makes its own key in its data
# folder (tousu/demo.py), the message catalogue commands sign nothing. Every other start
# refuses: a key written here would be public.
KEYLESS_COMMANDS = {"demo", "makemessages", "compilemessages"}
SECRET_KEY = envsecret("TOUSU_SECRET_KEY", "")
if not SECRET_KEY and not os.environ.get("TOUSU_DATA_DIR"):
    # A command started where the demo ran (./var, or the folder var/current-demo names) works
    # on the demo's data, so it signs with the demo's own random key (tousu/demo.py writes it).
    try:
        SECRET_KEY = (DATA_DIR / "secret_key").read_text().strip()
    except OSError:
        pass
if not SECRET_KEY and not (len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS):
    raise ImproperlyConfigured(
        "TOUSU_SECRET_KEY is not set: set it (or TOUSU_SECRET_KEY_FILE) to a long random secret, "
        "for example the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'")
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
    "tousu.routing",
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

DATABASE_URL = envsecret("DATABASE_URL", "")
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

globals().update(email_settings())  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ...
DEFAULT_FROM_EMAIL = os.environ.get("TOUSU_FROM_EMAIL", "tousu@localhost")

# Worker timing (seconds).
TOUSU_WORKER_INTERVAL = float(os.environ.get("TOUSU_WORKER_INTERVAL", "5"))
TOUSU_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("TOUSU_OUTBOX_MAX_ATTEMPTS", "6"))
# Seconds a worker round may spend starting deliveries before it sweeps deadlines again.
TOUSU_DELIVERY_BUDGET = float(os.environ.get("TOUSU_DELIVERY_BUDGET", "5"))

# --- expiry (API tokens, idempotency keys) and clock retries ---


# A new API token works for this many days (an administrator may change a token's expiry).
TOUSU_API_TOKEN_DAYS = envcount("TOUSU_API_TOKEN_DAYS", 90, minimum=1)
# An Idempotency-Key is remembered for this many hours; the worker then forgets it.
TOUSU_IDEMPOTENCY_HOURS = envcount("TOUSU_IDEMPOTENCY_HOURS", 24, minimum=1)
# A clock whose warning or breach fails is tried again after this many seconds, doubling with
# each failure up to the maximum; other clocks go on meanwhile.
TOUSU_CLOCK_RETRY_SECONDS = envcount("TOUSU_CLOCK_RETRY_SECONDS", 60, minimum=1)
TOUSU_CLOCK_RETRY_MAX_SECONDS = envcount("TOUSU_CLOCK_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)

# --- operations: outgoing HTTP guard, health, metrics and logs ---
# Hosts (names, addresses or networks such as 10.1.2.0/24) that webhooks and robots may reach
# although they are internal: an intranet robot gateway. Everything else internal is refused.
TOUSU_WEBHOOK_ALLOW_HOSTS = [h.strip() for h in os.environ.get("TOUSU_WEBHOOK_ALLOW_HOSTS", "").split(",")
                             if h.strip()]
for _host in TOUSU_WEBHOOK_ALLOW_HOSTS:
    if "://" in _host or " " in _host:
        raise ImproperlyConfigured(f"TOUSU_WEBHOOK_ALLOW_HOSTS lists host names or addresses, not {_host!r}")
# /metrics answers only a request carrying "Authorization: Bearer <this token>"; unset, it is off.
TOUSU_METRICS_TOKEN = envsecret("TOUSU_METRICS_TOKEN", "")
# /healthz fails when no worker has finished a round for this many seconds, or when more
# notifications than this are due and still waiting in the outbox.
TOUSU_HEALTH_WORKER_SILENCE = float(os.environ.get("TOUSU_HEALTH_WORKER_SILENCE", "120"))
TOUSU_HEALTH_OUTBOX_BACKLOG = int(os.environ.get("TOUSU_HEALTH_OUTBOX_BACKLOG", "1000"))
# Ended cases are counted for /metrics at most this often (seconds); open ones on every scrape.
TOUSU_METRICS_ENDED_EVERY = float(os.environ.get("TOUSU_METRICS_ENDED_EVERY", "300"))
# text (the default) or json: one JSON object per line, each with the request id.
TOUSU_LOG_FORMAT = os.environ.get("TOUSU_LOG_FORMAT", "text")
if TOUSU_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"TOUSU_LOG_FORMAT must be text or json, not {TOUSU_LOG_FORMAT!r}")
MIDDLEWARE = ["tousu.ops.logs.RequestIdMiddleware", "tousu.ops.metrics.LatencyMiddleware", *MIDDLEWARE]


def logging_config(log_format: str, level: str) -> dict:
    """Log lines to stderr, each with the request id (or "-" outside a request): as text, or
    as one JSON object per line."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "tousu.notify.request_id.RequestIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                     "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                     "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format,
                                 "filters": ["request_id"]}},
        "loggers": {
            "tousu": {"handlers": ["console"], "level": level},
            "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }


LOGGING = logging_config(TOUSU_LOG_FORMAT, os.environ.get("TOUSU_LOG_LEVEL", "INFO"))

# --- security: shared rate limits, login lockout, production settings (issue 15) ---


def envrate(name: str, default: str) -> tuple[int, int]:
    """A limit as ATTEMPTS/SECONDS, for example 10/600 (ten attempts in ten minutes)."""
    value = os.environ.get(name, default)
    attempts, _slash, seconds = value.partition("/")
    if not (attempts.isdigit() and seconds.isdigit() and int(seconds) > 0):
        raise ImproperlyConfigured(f"{name} must be ATTEMPTS/SECONDS, for example 10/600, not {value!r}")
    return int(attempts), int(seconds)


def envnetworks(name: str) -> list:
    """Addresses or networks, comma-separated (127.0.0.1, 10.0.0.0/8, ::1)."""
    found = []
    for item in filter(None, (part.strip() for part in os.environ.get(name, "").split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an IP address or network") from None
    return found


# The shared cache. Rate limits count here, so every web process sees the same counts and a
# restart forgets nothing: Redis where REDIS_URL is set, else a table in the database (made by
# portal migration 0003, so `migrate` is all a fresh install needs).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
     "KEY_PREFIX": "tousu"}
    if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tousu_cache",
     # Past MAX_ENTRIES Django deletes a third of the live rows: make that take a flood.
     "OPTIONS": {"MAX_ENTRIES": envint("TOUSU_CACHE_MAX_ENTRIES", 200_000)}}
)}

# The client's address is the direct peer's, unless the peer is one of these proxies: then the
# right-most address in X-Forwarded-For that is not a trusted proxy (tousu/org/client_address.py).
TOUSU_TRUSTED_PROXIES = envnetworks("TOUSU_TRUSTED_PROXIES")

# The portal's limits, ATTEMPTS/SECONDS each (tousu/portal/limits.py).
TOUSU_LIMITS = {
    "lookup_client": envrate("TOUSU_LIMIT_LOOKUP_CLIENT", "10/600"),
    "lookup_code": envrate("TOUSU_LIMIT_LOOKUP_CODE", "10/86400"),
    "submit_client": envrate("TOUSU_LIMIT_SUBMIT_CLIENT", "10/3600"),
    "request_client": envrate("TOUSU_LIMIT_REQUEST_CLIENT", "10/3600"),
    "request_case": envrate("TOUSU_LIMIT_REQUEST_CASE", "3/86400"),
}

# Staff log-in: django-axes locks a username at one address after failures (kept in the
# database, so every process sees them); Django's validators refuse weak new passwords.
INSTALLED_APPS += ["axes", "csp"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = envint("TOUSU_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("TOUSU_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tousu.org.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "tousu.web.lockout.locked_out"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": envint("TOUSU_PASSWORD_MIN_LENGTH", 8)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A session ends after a working day without a request (each request moves the end).
SESSION_COOKIE_AGE = envint("TOUSU_SESSION_SECONDS", 9 * 3600)
SESSION_SAVE_EVERY_REQUEST = True

# Behind a TLS proxy (TOUSU_HTTPS=true): secure cookies, HSTS, and the proxy's
# X-Forwarded-Proto believed (the proxy must set it, overwriting what the client sent).
TOUSU_HTTPS = envbool("TOUSU_HTTPS", False)
if TOUSU_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes from inside, over plain http
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("TOUSU_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("TOUSU_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("TOUSU_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Asking browsers to preload the domain binds every subdomain for good: the domain's
        # owner decides that (TOUSU_HSTS_PRELOAD=true), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy on every response (django-csp): scripts only from our own static
# files; inline styles stay allowed (ECharts' tooltips and Swagger UI write them).
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}}

# --- production web tier (tousu serve, tousu/ops/management/commands/serve.py) ---
TOUSU_BIND = os.environ.get("TOUSU_BIND", "127.0.0.1:8000")  # host:port, or unix:/run/tousu/web.sock
TOUSU_WEB_WORKERS = envint("TOUSU_WEB_WORKERS", 0)  # 0: 2 x cores + 1, at most 12
TOUSU_WEB_TIMEOUT = envint("TOUSU_WEB_TIMEOUT", 30)  # seconds a request may take before its worker is restarted
TOUSU_ACCESS_LOG = envbool("TOUSU_ACCESS_LOG", False)  # gunicorn's access log on stdout (nginx keeps one too)
# Static files are served by whitenoise from STATIC_ROOT (`tousu serve` collects them first),
# compressed and with far-future caching; nginx may serve the same folder instead.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- event chain and personal data ---
# The key of the case event chains (HMAC-SHA256), kept outside the database: TOUSU_CHAIN_KEY, or
# the file TOUSU_CHAIN_KEY_FILE names; without either, the file TOUSU_DATA_DIR/chain_key (the
# demo writes one there on its first run). Nothing falls back to a built-in key: an action or
# `tousu verify-events` without a key stops with one clear line (tousu/cases/events.py).
TOUSU_CHAIN_KEY = envsecret("TOUSU_CHAIN_KEY", "")
TOUSU_CHAIN_KEY_PATH = DATA_DIR / "chain_key"
