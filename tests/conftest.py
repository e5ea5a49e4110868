"""The suite runs on real PostgreSQL (embedded unless DATABASE_URL is set).

The test database of each xdist worker is created once, migrated, and seeded with the
whole demo (ARCHITECTURE.md §6); the seed is committed, and every ordinary test runs in a
transaction that is rolled back. Tests that need another process to see their data
(the Celery worker, parallel connections, the browser) use ``committed`` fixtures that
clean up after themselves.
"""

from __future__ import annotations

import os
import uuid

# One broker queue per test session, shared by this process and the worker it starts,
# so parallel sessions (xdist workers, other checkouts) never take each other's tasks.
os.environ.setdefault("JFB_CELERY_QUEUE", f"jfb-test-{uuid.uuid4().hex[:12]}")

import pytest
from django.db import connection

pytest_plugins = ["tests.fixtures"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--benchmarks", action="store_true", default=False, help="run tests/benchmarks (make bench)"
    )


def pytest_ignore_collect(collection_path, config: pytest.Config) -> bool | None:  # type: ignore[no-untyped-def]
    if "benchmarks" in collection_path.parts and not config.getoption("--benchmarks"):
        return True
    return None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Migrate (pytest-django did the public schema) and seed the demo once per worker, on the
    day of the session's demo calendar (tests.fixtures.session_calendar)."""
    from config.demo.seed import seed_demo
    from tests.fixtures import session_calendar

    with django_db_blocker.unblock():
        seed_demo(today=session_calendar().today)
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _back_to_public_schema():  # type: ignore[no-untyped-def]
    yield
    connection.set_schema_to_public()
