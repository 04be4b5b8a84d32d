"""Settings for every environment; the environment variables switch behaviour.

See README.md ("Configuration") for the variables. `lms.settings.test` only
adjusts what a test run needs on top of this.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lms.settings.env import (
    BASE_DIR,
    cache_config,
    env,
    is_shared,
    notify_defaults,
    quiet_hours,
)
from lms.settings.sso import social_providers

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lms",
    "courses",
    "assessments",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.platform.users_app.UsersAppConfig",  # wagtail.users, the groups shown translated
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Sign-in
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Sign-in with the company's identity (lms/settings/sso.py, lms/sso/): each provider is
    # offered only when its credentials are set (SOCIALACCOUNT_PROVIDERS below).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.dingtalk",
    "allauth.socialaccount.providers.feishu",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tasks",
    # The database task backend's table: migrated everywhere, whichever backend runs tasks.
    "django_tasks_db",
    "csp",
    # The API's documentation page (/api/v1/docs) from our own static files, not a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every response, static files and the admin included (CONTENT_SECURITY_POLICY).
    "lms.platform.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Wagtail's site from the cache: two queries less on every page it serves.
    "lms.platform.middleware.SiteMiddleware",
    # After authentication: a signed-in person's saved language counts.
    "lms.platform.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A signed-in person without access to Wagtail's admin gets one clear 403 page there.
    "lms.platform.middleware.AdminAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.platform.middleware.AuditContextMiddleware",
    "lms.platform.middleware.RequireMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.platform.urls"
# A refused form (an expired page, signed out in between): a page in the site's layout.
CSRF_FAILURE_VIEW = "lms.platform.errors.csrf_failure"
WSGI_APPLICATION = "lms.wsgi.application"

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
                "lms.platform.navigation.navigation",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections for a minute: opening one costs more than most pages' queries together.
# Health checks drop a connection the database has closed, before it is used.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a command writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": cache_config(
        env.str("CACHE_URL", default="") or env.str("REDIS_URL", default=""),
        prefix=env.str("CACHE_KEY_PREFIX", default="lms"),
    )
}
# Redis unreachable: the site goes on from the database, slower (lms/platform/cache.py), and
# `/healthz` says the cache is down.
# With a shared cache (Redis), sessions are read from it and written through to the
# database: one query less on every signed-in page. Not with each process's own memory,
# where a sign-out in one process would leave the session alive in the others.
SHARED_CACHE = is_shared(CACHES["default"])
if SHARED_CACHE:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Routed pages, sites, lessons' rendered bodies and courses' outlines kept in the cache
# (lms/platform/routing.py): only where every process sees the same cache, or a change made in one
# (a publish, a restriction) would not show in the others.
LMS_PAGE_CACHE = env.bool("LMS_PAGE_CACHE", default=SHARED_CACHE)

# --- People and sign-in -----------------------------------------------------

AUTH_USER_MODEL = "lms.User"

AUTHENTICATION_BACKENDS = [
    "lms.platform.auth.ModelBackend",
    "lms.platform.auth.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "lms.platform.auth.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "lms.forms.LoginForm",
    # With LMS_SSO_ONLY, a set-password link sets nothing for staff (lms.forms).
    "reset_password_from_key": "lms.forms.ResetPasswordKeyForm",
    # ...nor do the pages that change or set one of a signed-in person.
    "change_password": "lms.forms.ChangePasswordForm",
    "set_password": "lms.forms.SetPasswordForm",
}
# Staff sign in with their employee number (the username) or their e-mail.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[LMS] ")
# Failed sign-ins (lms.platform.auth.AccountAdapter). Counting them per account alone would let
# anyone lock out any employee number, and per address alone would, behind the load balancer,
# lock out the whole company; so they count:
# - per client address: 10 a minute (the address is the real client's, see USE_X_FORWARDED_FOR);
# - per address and account together, in growing steps: after 5 failures in 5 minutes that pair
#   waits up to 5 minutes, after 10 in an hour up to an hour, after 20 in a day up to a day.
#   The account still signs in from any other address, and a password reset by e-mail is there;
# - per account from every address (`login_failed_account`): past 20 failures in an hour the
#   account is under attack, and every address (its owner's too) gets one try at it per 10
#   minutes (`login_paced`), the try of the right password included: a stranger can slow the
#   account down, never lock its owner out. A successful sign-in gives its try back.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key,10/h/key,20/d/key",
    "login_failed_account": "20/h/key",
    "login_paced": "1/10m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "lms.forms.AuthenticateForm",
    "reauthenticate": "lms.forms.ReauthenticateForm",
    "activate_totp": "lms.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Courier LMS")
# HR and Administrators must have a second factor (off in development by default).
LMS_ENFORCE_MFA = env.bool("LMS_ENFORCE_MFA", default=not DEBUG)

# Sign-in with the company's identity (OpenID Connect, DingTalk, Feishu; lms/sso/). A person is
# matched to the staff account HR made for them, never given a new one: by the employee number
# (LMS_OIDC_EMPLOYEE_CLAIM, Feishu's employee_no), then by the mobile on their staff profile
# (DingTalk, Feishu), then, with LMS_SSO_MATCH_EMAIL, by an e-mail the provider verified.
SOCIALACCOUNT_PROVIDERS = social_providers(env)
SOCIALACCOUNT_ADAPTER = "lms.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# The provider buttons POST (a GET of a provider's sign-in URL shows a confirmation page).
SOCIALACCOUNT_LOGIN_ON_GET = False
LMS_OIDC_EMPLOYEE_CLAIM = env.str("LMS_OIDC_EMPLOYEE_CLAIM", default="employee_number")
LMS_FEISHU_EMPLOYEE_FIELD = env.str("LMS_FEISHU_EMPLOYEE_FIELD", default="employee_no")
LMS_SSO_MATCH_EMAIL = env.bool("LMS_SSO_MATCH_EMAIL", default=False)
# Password sign-in and password reset only for administrators (their break-glass way in).
LMS_SSO_ONLY = env.bool("LMS_SSO_ONLY", default=False)
# The provider does the second factor: HR and administrators signing in through it are not
# asked for the site's TOTP (unless its ID token's `amr` says no second factor was used).
LMS_SSO_MFA_DELEGATED = env.bool("LMS_SSO_MFA_DELEGATED", default=False)
if LMS_SSO_ONLY and not SOCIALACCOUNT_PROVIDERS:
    raise ImproperlyConfigured(
        "LMS_SSO_ONLY is set but no identity provider is (LMS_OIDC_*, LMS_DINGTALK_*, "
        "LMS_FEISHU_*): only administrators could sign in."
    )

# --- Language and time --------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
# The project's own catalogue first (makemessages writes there), then locale_vendor: our
# translations of Wagtail's and allauth's strings that their zh_Hans catalogues miss or word
# differently from docs/glossary.md (makemessages never touches it: it holds no source).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_NAME = "lms_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

# --- Files ------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files people must never reach by URL (imported rosters and metrics): kept apart from
# the media files, which are served.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# S3-compatible object storage (AWS S3, MinIO, Ceph, Alibaba OSS, ...) for the uploads when
# AWS_STORAGE_BUCKET_NAME is set: every app server and task worker then sees the same files.
# The access keys are read from the environment by boto3 itself (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role), never kept in the settings.
S3_BUCKET = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if S3_BUCKET:
    _s3 = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "signature_version": "s3v4",
        # Two uploads of "photo.jpg" are two files, as on a disk (S3's default overwrites).
        "file_overwrite": False,
        # No ACL is sent: objects are as private as the bucket (buckets refuse ACLs nowadays).
        "default_acl": None,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": S3_BUCKET,
            "location": env.str("AWS_MEDIA_LOCATION", default="media"),
            # A public bucket or CDN in front: AWS_S3_CUSTOM_DOMAIN and AWS_QUERYSTRING_AUTH=false.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
        },
    }
    # Imports, certificate PDFs, drill evidence, print jobs: the views stream them from the
    # storage after checking who asks, so their URLs are only ever signed and short-lived,
    # never through the public domain. Best in a bucket of their own.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=S3_BUCKET),
            "location": env.str("AWS_PRIVATE_LOCATION", default="private"),
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }

# --- Uploads ----------------------------------------------------------------
# Every uploaded file is bounded by kind (lms/platform/uploads.py): in bytes as uploaded, in
# bytes unpacked (ZIP-based files: XLSX, DOCX...), in rows and in seconds of reading in the
# worker; each bound from LMS_<KIND>_MAX_BYTES, _MAX_UNPACKED_BYTES, _MAX_ROWS, _MAX_SECONDS.
# HR's imports: a million efficiency rows is ~60 MB of CSV.

_MB = 1024 * 1024
_UPLOAD_BOUNDS = {  # kind: (bytes, unpacked bytes, rows, seconds); None: not bounded so
    "import": (500 * _MB, 1024 * _MB, 2_000_000, 1800),
    "questions": (10 * _MB, 50 * _MB, None, None),  # rows and characters: LMS_QUESTION_IMPORT_*
    "evidence": (10 * _MB, 100 * _MB, None, None),
    "image": (10 * _MB, None, None, None),
    "document": (100 * _MB, 500 * _MB, None, None),
}


def _upload_bounds(index: int, name: str) -> dict[str, int]:
    return {
        kind: env.int(f"LMS_{kind.upper()}_MAX_{name}", default=bounds[index])
        for kind, bounds in _UPLOAD_BOUNDS.items()
        if bounds[index] is not None
    }


LMS_UPLOAD_MAX_BYTES = _upload_bounds(0, "BYTES")
LMS_UPLOAD_MAX_UNPACKED_BYTES = _upload_bounds(1, "UNPACKED_BYTES")
LMS_UPLOAD_MAX_ROWS = _upload_bounds(2, "ROWS")
LMS_UPLOAD_MAX_SECONDS = _upload_bounds(3, "SECONDS")
# how many times its packed size one part of a ZIP-based file may unpack to
LMS_UPLOAD_MAX_RATIO = env.int("LMS_UPLOAD_MAX_RATIO", default=100)
# Django: a request body other than files (form fields, JSON) is held in memory up to this;
# uploaded files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not to memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * _MB)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * _MB // 2)

# The most one question file (GIFT, Moodle XML, CSV, XLSX) may hold: questions or rows, and
# characters; a larger file is refused before it is read.
LMS_QUESTION_IMPORT_MAX_ROWS = env.int("LMS_QUESTION_IMPORT_MAX_ROWS", default=5000)
LMS_QUESTION_IMPORT_MAX_CHARS = env.int("LMS_QUESTION_IMPORT_MAX_CHARS", default=5_000_000)

# --- Wagtail ----------------------------------------------------------------

# The product's name in the admin (its dashboard, messages) and the invitation e-mail: in
# the reader's language, unless the deployment names the site (SITE_NAME).
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="") or _("Courier training and assessment")
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
# Wagtail e-mails every superuser when anything is submitted for review, beside the review's
# own reviewers. Here the only reviews are the drills', whose reviewers (the lead trainers)
# are told by the notifications ("drills.review", on the channels each chose; courses/
# receivers.py keeps Wagtail's e-mail to them out): a superuser who is also a lead trainer
# would be told twice, and every administrator of each drill the lead trainers review.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# Gravatar is unreachable in mainland China: avatars are drawn locally from initials
# (lms.platform.avatars, through the get_avatar_url hook) and nothing asks Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "lms.platform.search_backend"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = LMS_UPLOAD_MAX_BYTES["image"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("LMS_IMAGE_MAX_PIXELS", default=40_000_000)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "lms.platform.uploads.DocumentForm"
WAGTAILDOCS_EXTENSIONS = [
    "csv", "docx", "key", "m4v", "mp4", "odt", "ogv", "pdf", "pptx", "rtf", "txt", "webm", "xlsx",
    "zip",
]  # fmt: skip

# --- Background tasks (django-tasks) ----------------------------------------
# "immediate" (the default, for development and one machine): tasks run in the request or
# command that queues them. "database" (production): they are rows of a table, run by
# `manage.py worker` processes on any machine, each task by exactly one of them.

TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {TASKS_BACKEND!r}; it must be one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# What `manage.py worker` runs before taking its first task (see lms/management/commands).
LMS_WORKER_WARM_UP = ["assessments.certificates.pdf.warm_up"]
# A task worker holds a lease on the task it runs, renewed every quarter of it; a task whose
# lease ran out is taken up again (if safe, up to LMS_JOB_MAX_ATTEMPTS attempts) or given up
# (lms.platform.jobs). The worker tries to record a task's outcome through a database outage
# for LMS_JOB_RECORD_SECONDS. /healthz fails when a task has waited LMS_HEALTH_MAX_WAIT s.
LMS_JOB_LEASE_SECONDS = env.int("LMS_JOB_LEASE_SECONDS", default=120)
LMS_JOB_MAX_ATTEMPTS = env.int("LMS_JOB_MAX_ATTEMPTS", default=3)
LMS_JOB_RECORD_SECONDS = env.int("LMS_JOB_RECORD_SECONDS", default=60)
LMS_HEALTH_MAX_WAIT = env.int("LMS_HEALTH_MAX_WAIT", default=600)
if TASKS_BACKEND == "database" and not SHARED_CACHE:
    # The progress of imports and cycle computations, written by the workers, is read from
    # the cache by the app servers: one cache for all of them.
    raise ImproperlyConfigured(
        "TASKS_BACKEND=database needs a cache shared by the app servers and the workers: "
        "set CACHE_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0."
    )

# --- The API ----------------------------------------------------------------

# docs/api.md: calls per minute per integration token (429 and Retry-After beyond), and rows
# per call of the roster and metrics endpoints (413 beyond).
LMS_API_PER_MINUTE = env.int("LMS_API_PER_MINUTE", default=60)
LMS_API_MAX_ROWS = env.int("LMS_API_MAX_ROWS", default=5000)

# --- Learning ---------------------------------------------------------------

# Reminders go out this many days before a course's due date.
LMS_REMINDER_DAYS_BEFORE = env.int("LMS_REMINDER_DAYS_BEFORE", default=3)

# --- Certificates -----------------------------------------------------------

# Public look-ups of a verification code, per client address.
LMS_VERIFY_PER_MINUTE = env.int("LMS_VERIFY_PER_MINUTE", default=20)
LMS_VERIFY_PER_DAY = env.int("LMS_VERIFY_PER_DAY", default=200)
# The holder and HR are reminded this many days before a certificate expires.
LMS_CERTIFICATE_REMINDER_DAYS = env.int("LMS_CERTIFICATE_REMINDER_DAYS", default=30)
# Days to finish a course again once its certificate has expired.
LMS_CERTIFICATE_RETAKE_DAYS = env.int("LMS_CERTIFICATE_RETAKE_DAYS", default=30)
# A print job's joined PDF is removed this many days after it was made (the daily run).
LMS_PRINT_JOB_DAYS = env.int("LMS_PRINT_JOB_DAYS", default=7)

# --- Learning records (xAPI) ------------------------------------------------

# The Learning Record Store that receives the learning events as xAPI statements: its
# statements resource is {endpoint}/statements (e.g. https://lrs.example.com/xAPI), with
# HTTP basic authentication by the key and secret it gave the site. Unset: nothing is
# recorded or sent.
LMS_XAPI_ENDPOINT = env.str("LMS_XAPI_ENDPOINT", default="")
LMS_XAPI_KEY = env.str("LMS_XAPI_KEY", default="")
LMS_XAPI_SECRET = env.str("LMS_XAPI_SECRET", default="")
# Statements per POST, and seconds to wait for the LRS's answer.
LMS_XAPI_BATCH_SIZE = env.int("LMS_XAPI_BATCH_SIZE", default=50)
LMS_XAPI_TIMEOUT = env.float("LMS_XAPI_TIMEOUT", default=10.0)

# --- E-mail -----------------------------------------------------------------

if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="lms@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds to wait for the mail server: Django waits for ever, and a relay that accepts the
# connection and says nothing would hold a worker (or a password-reset request) as long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Security ---------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in an iframe of the admin (same origin),
# so framing is allowed for this origin only; hence the deploy check's W019 is silenced.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
# Content-Security-Policy (django-csp) on every page: scripts and styles only from our own
# files, no inline script, event handler or style attribute in our templates (a test reads
# them all), no plugins, no framing but our own (as X_FRAME_OPTIONS). Images and video may
# come from any https address: lessons' media live on S3 or a CDN when AWS_* is set, and a
# video block may point anywhere; neither can run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", "https:"],
        "media-src": [SELF, "blob:", "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
# Wagtail 8's admin still has inline scripts (inline panels, date pickers, modal choosers'
# responses) and inline styles (its widgets set style attributes): under /cms/ only, the policy
# allows both. Its page previews show our templates there too.
LMS_CSP_ADMIN_PREFIX = "/cms/"
LMS_CSP_ADMIN = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}

# Behind a proxy: the client's address is the last entry of X-Forwarded-For (lms.audit), for
# the audit log and the verification limits; allauth's sign-in limits read the same entry
# (one proxy of ours, the load balancer, adds it; the entries before it are the client's own).
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if USE_X_FORWARDED_FOR else 0
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task run and per page saved is noise; failures still show.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # pikepdf (merging certificates for the printer) says at INFO that it has loaded.
        "pikepdf": {"level": "WARNING"},
        # WeasyPrint says "Step 1" to "Step 7" at INFO for every certificate.
        "weasyprint": {"level": "WARNING"},
    },
}

SITE_TITLE = _("Courier training and assessment")

# Notifications (lms/notifications; README "Configuration", deploy/README.md "Notifications").
# The channels the company enables besides the in-app inbox (always on): email, dingtalk,
# wecom; a group robot only when some robot exists. The company-wide robots: DingTalk's custom
# robot webhook URL and its "加签" secret, WeCom's group robot webhook URL (with its key).
LMS_NOTIFY_CHANNELS = env.list("LMS_NOTIFY_CHANNELS", default=["email"])
LMS_DINGTALK_WEBHOOK = env.str("LMS_DINGTALK_WEBHOOK", default="")
LMS_DINGTALK_SECRET = env.str("LMS_DINGTALK_SECRET", default="")
LMS_WECOM_WEBHOOK = env.str("LMS_WECOM_WEBHOOK", default="")
# Administrators give a station or a team robots of its own (Organisation → the unit → Group
# robots); a person's robot is their unit's, else the nearest unit's above, else the company's
# above. A webhook pasted there must be HTTPS on one of these hosts (plain HTTP is accepted
# only for 127.0.0.1 or localhost, when listed: tests and trials).
LMS_ROBOT_HOSTS = env.list("LMS_ROBOT_HOSTS", default=["oapi.dingtalk.com", "qyapi.weixin.qq.com"])
# The most messages posted through one group robot in a minute (the vendors refuse the 21st).
LMS_ROBOT_PER_MINUTE = env.int("LMS_ROBOT_PER_MINUTE", default=20)
# The channels each kind is sent on until a person chooses otherwise, where the company wants
# other defaults than the product's: "results.published=email;certificates.issued=email" (the
# inbox always; "kind=" for the inbox alone). Kinds: deploy/README.md, Notifications.
LMS_NOTIFY_DEFAULTS = notify_defaults(env.str("LMS_NOTIFY_DEFAULTS", default=""))
# "22:00-07:00" (the site's time zone): non-urgent e-mail and robot messages wait until the end.
LMS_NOTIFY_QUIET_HOURS = quiet_hours(env.str("LMS_NOTIFY_QUIET_HOURS", default=""))
# A failed delivery is tried again after 1, 2, 4... times LMS_NOTIFY_RETRY_SECONDS (at most
# 2 hours), LMS_NOTIFY_MAX_ATTEMPTS tries in all, then shown as failed to administrators.
LMS_NOTIFY_RETRY_SECONDS = env.int("LMS_NOTIFY_RETRY_SECONDS", default=60)
LMS_NOTIFY_MAX_ATTEMPTS = env.int("LMS_NOTIFY_MAX_ATTEMPTS", default=6)
