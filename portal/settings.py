"""Settings for the portal, read from the environment.

Development defaults are safe (SQLite in ``var/``, local-memory cache). With
``DEBUG`` off, nothing secret has a usable default: the app refuses to start.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# Tests run with DEBUG off, like production, but may use a development key.
TESTING = envbool("PORTAL_TESTING", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "reversion",
    "taggit",
    "csp",
    "axes",
    "tags",
    "news",
    "translations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cached page is answered without them.
    "portal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LocaleMiddleware",
    # After the language is known (its 400 page is translated), before anything reads the query.
    "portal.security.ControlCharactersMiddleware",
    "portal.faults.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Only reads attributes the login path sets; costs nothing on other requests.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

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
                "portal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or hangs costs a visitor seconds, not minutes (portal.faults answers 503).
    # libpq waits at least 2 s for a connection; 0 turns the statement limit off (long maintenance commands).
    # Keepalives and tcp_user_timeout notice a dead link; the client deadline (portal.postgresql) a server
    # that keeps the connection open and never answers. 0 turns the deadline off.
    DB_STATEMENT_TIMEOUT_MS = envint("DB_STATEMENT_TIMEOUT_MS", 5000)
    DB_CLIENT_TIMEOUT = envint(
        "DB_CLIENT_TIMEOUT", DB_STATEMENT_TIMEOUT_MS // 1000 + 1 if DB_STATEMENT_TIMEOUT_MS else 0
    )
    DATABASES["default"]["ENGINE"] = "portal.postgresql"
    DATABASES["default"]["CLIENT_TIMEOUT"] = DB_CLIENT_TIMEOUT
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": envint("DB_CONNECT_TIMEOUT", 2),
            "options": f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}",
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": 1000 * DB_CLIENT_TIMEOUT,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
            # A Redis that is down or unreachable costs a page a fraction of a second, not a hang.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}

# The page cache (portal.cache): anonymous visitors' pages, never stale.
PAGE_CACHE = envbool("PAGE_CACHE", not TESTING)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_TIMEOUT = envint("PAGE_CACHE_TIMEOUT", 3600)
# What shared caches (a reverse proxy, a CDN) are told: keep a page this long, and serve it
# while they ask again for that much longer.
PAGE_CACHE_S_MAXAGE = envint("PAGE_CACHE_S_MAXAGE", 60)
PAGE_CACHE_STALE_WHILE_REVALIDATE = envint("PAGE_CACHE_STALE_WHILE_REVALIDATE", 30)
# Without Redis, the processes of one machine share the content version through this file.
PAGE_CACHE_VERSION_FILE = Path(os.environ.get("PAGE_CACHE_VERSION_FILE", VAR_DIR / "page-cache-version"))
PAGE_CACHE_PRIVATE_PATHS = ["/admin/"]
PAGE_CACHE_NEXT_CHANGE = "news.caching.next_publication"
PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "").strip()
# Costly query results (a list's counts per language) kept per content version, never stale (portal.query_cache).
QUERY_CACHE = envbool("QUERY_CACHE", not TESTING)

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: a user name, or an address, is locked out after AXES_FAILURE_LIMIT failures in a row.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_address"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. Everything the site knows about a language is here; code asks the
# registry built from it (translations.languages), never a literal code.
# Django calls Simplified Chinese "zh-hans"; visitors see the shorter /zh/ prefix.
# PORTAL_LANGUAGES picks which are enabled, the first being the default source language.
LANGUAGE_DEFINITIONS = {
    "zh-hans": {
        "name": _("Chinese"),
        "local_name": "中文",
        "prefix": "zh",
        "folders": ["zh", "zh-cn", "zh-hans", "cn"],
        "gettext": "zh_Hans",
        "plural_forms": "nplurals=1; plural=0;",
        "og_locale": "zh_CN",
        # Han characters, CJK punctuation and full-width forms.
        "script": r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]",
        "script_priority": 1,
        "search_config": "simple",
    },
    "en": {
        "name": _("English"),
        "local_name": "English",
        "prefix": "en",
        "folders": ["en", "en-us", "en-gb"],
        "gettext": "en",
        "plural_forms": "nplurals=2; plural=(n != 1);",
        "og_locale": "en_US",
        "script": None,
        "script_priority": 0,
        "search_config": "english",
    },
    "ja": {
        "name": _("Japanese"),
        "local_name": "日本語",
        "prefix": "ja",
        "folders": ["ja", "ja-jp", "jp"],
        "gettext": "ja",
        "plural_forms": "nplurals=1; plural=0;",
        "og_locale": "ja_JP",
        # Hiragana and katakana tell Japanese from Chinese.
        "script": r"[\u3040-\u30ff\u31f0-\u31ff]",
        "script_priority": 2,
        "search_config": "simple",
    },
}
PORTAL_LANGUAGES = envlist("PORTAL_LANGUAGES", ["zh-hans", "en"])
_unknown = [code for code in PORTAL_LANGUAGES if code not in LANGUAGE_DEFINITIONS]
if _unknown or not PORTAL_LANGUAGES:
    raise ImproperlyConfigured(
        f"PORTAL_LANGUAGES={PORTAL_LANGUAGES!r}: each must be one of {sorted(LANGUAGE_DEFINITIONS)}"
    )
LANGUAGES = [(code, LANGUAGE_DEFINITIONS[code]["name"]) for code in PORTAL_LANGUAGES]
# The interface's fallback language: English when enabled, else the first.
LANGUAGE_CODE = "en" if "en" in PORTAL_LANGUAGES else PORTAL_LANGUAGES[0]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = PORTAL_LANGUAGES[0]
MODELTRANSLATION_LANGUAGES = tuple(PORTAL_LANGUAGES)
# Fallbacks are decided per article (its source language), not globally.
MODELTRANSLATION_ENABLE_FALLBACKS = False
# Where the segment editor and `export_translations --suggest` get suggestions (translations.memory):
# dotted paths of providers. In the editor, those other than the memory answer when asked ("Suggest").
# The default is the site's own translations; nothing uses the network.
# translations.providers.LibreTranslate is shipped, not enabled: it asks LIBRETRANSLATE_URL.
TRANSLATION_SUGGESTION_PROVIDERS = envlist("TRANSLATION_SUGGESTION_PROVIDERS", ["translations.memory.SiteMemory"])
LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL", "")
LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY", "")
# Seconds a machine translation provider may take for one segment before the editor says it failed.
TRANSLATION_SUGGESTION_TIMEOUT = envint("TRANSLATION_SUGGESTION_TIMEOUT", 3)
# modeltranslation reads this name without its usual prefix; the tabs need jQuery UI, served locally.
JQUERY_UI_URL = "vendor/jquery-ui.min.js"

TAGGIT_CASE_INSENSITIVE = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests render pages without running collectstatic first.
WHITENOISE_MANIFEST_STRICT = not TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Development and tests serve from the finders; STATIC_ROOT exists only after collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Uploaded images (news.image_checks): largest file, and most pixels read from the header before decoding.
IMAGE_MAX_BYTES = envint("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = envint("IMAGE_MAX_PIXELS", 40_000_000)

SITE_NAME = _("Open Source Community Portal")
# Absolute links (feeds, sitemaps, canonical URLs) use the request's host.
SERVE_MEDIA = envbool("SERVE_MEDIA", DEBUG)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and not TESTING and envbool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere; JSON-LD blocks are data, not scripts. Images may come from other https sites
# (a body may show an external picture). portal.security allows inline styles in the admin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
