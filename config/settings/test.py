"""The test suite: real PostgreSQL (embedded unless DATABASE_URL is set), real Celery worker."""

from config.settings.base import *

DEBUG = False
# Argon2 is the product's hasher (base.py); the suite hashes thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "10000/min", "login": "1000/min"},
}
JFB_BASE_DOMAIN = "localhost"
ALLOWED_HOSTS = ["localhost", ".localhost", "testserver"]
MEDIA_ROOT = DATA_DIR / "test-media"
# Static files straight from the apps (no collectstatic outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Two suites on one server (several checkouts, or engineers sharing a machine) must not
# share a test database: JFB_TEST_DB_SUFFIX tells them apart (xdist adds _gw0 …).
DATABASES["default"]["TEST"] = {"NAME": f"test_jifenbao{env.get('JFB_TEST_DB_SUFFIX')}"}
