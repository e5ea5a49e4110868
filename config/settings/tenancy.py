"""django-tenants: one PostgreSQL schema per township (ARCHITECTURE.md §3)."""

from config import env

# Users, tokens, sessions, object permissions and login attempts exist in BOTH the
# public schema (county and platform users) and every township schema (township users):
# a user of one township does not exist in another.
_PER_SCHEMA_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "guardian",
    "axes",
    "tenants.accounts",
]

SHARED_APPS = [
    "django_tenants",
    "tenants",
    *_PER_SCHEMA_APPS,
    "django.contrib.postgres",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "config.demo",
    "api",
    "frontend",
]

TENANT_APPS = [
    *_PER_SCHEMA_APPS,
    "governance",
    "scoring",
    "rewards",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Township"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "config.urls_township"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"

# New townships clone this migrated, empty schema instead of replaying every migration.
# tenants.provisioning keeps it migrated before each clone.
TENANT_BASE_SCHEMA = "jfb_base_template"
TENANT_CREATION_FAKES_MIGRATIONS = True

JFB_BASE_DOMAIN = env.get("JFB_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [JFB_BASE_DOMAIN, f".{JFB_BASE_DOMAIN}", *env.csv("JFB_EXTRA_HOSTS")]

# `migrate_schemas --executor=multiprocessing` (the production migration task): how many
# schemas migrate at once. Size it to the database's cores (docs/scaling.md §6.2).
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(env.get("JFB_MIGRATE_PROCESSES", "2"))
