"""The one place that reads the process environment.

Everything configurable comes from here, so settings modules, the ``make run``
runner and the test suite agree on where the database and the broker are.
When ``DATABASE_URL`` is unset the project starts (or reuses) its own embedded
PostgreSQL under ``.data/postgres``; when ``CELERY_BROKER_URL`` is unset the
broker is kombu's SQLAlchemy transport on that same PostgreSQL, so a fresh
machine needs nothing but Python.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("JFB_DATA_DIR", str(BASE_DIR / ".data")))
DEFAULT_DB_NAME = "jifenbao"
# Production settings switch this off: there, a missing DATABASE_URL is an error, not a
# reason to start a private PostgreSQL inside the container.
EMBEDDED_ALLOWED = True


def get(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def flag(name: str, *, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def csv(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in get(name, default).split(",") if item.strip()]


@cache
def database_url() -> str:
    """The PostgreSQL URL of this installation (embedded unless DATABASE_URL is set)."""
    explicit = os.environ.get("DATABASE_URL")
    if explicit:
        return explicit
    if not EMBEDDED_ALLOWED:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_URL must be set (the embedded PostgreSQL is for development)."
        )
    from config.embedded_db import ensure_embedded_database

    return ensure_embedded_database(DATA_DIR / "postgres", DEFAULT_DB_NAME)


def using_embedded_database() -> bool:
    return not os.environ.get("DATABASE_URL")


def broker_url() -> str:
    explicit = os.environ.get("CELERY_BROKER_URL")
    if explicit:
        return explicit
    return sqlalchemy_url(database_url(), prefix="sqla+")


def sqlalchemy_url(db_url: str, *, prefix: str = "") -> str:
    """Turn a libpq URL into a SQLAlchemy one that names the psycopg2 driver.

    SQLAlchemy 2 would otherwise look for psycopg 3. A unix-socket URL
    (``postgresql://user@/db?host=/path``) keeps its ``host`` query argument.
    """
    parts = urlsplit(db_url)
    scheme = "postgresql+psycopg2"
    netloc = parts.netloc or ""
    query = parts.query
    if not parts.hostname and "host" not in parse_qs(query):
        query = (query + "&" if query else "") + "host=/var/run/postgresql"
    return f"{prefix}{scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")
