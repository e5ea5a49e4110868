"""Shared fixtures: township hosts, API clients as demo users, a real Celery worker, the
demo's calendar."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.demo import months as demo_months
from config.demo.months import DemoCalendar
from governance.models import Household, Resident, RoleAssignment
from tenants.models import Township

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "jifenbao-demo"


@functools.cache
def session_calendar() -> DemoCalendar:
    """The demo's months for this test session (computed once per process, on the township's
    local date): tests/conftest.py seeds the demo with it, and the tests name the months
    through it, so the seed and the tests agree whatever day the suite runs on."""
    return demo_months.demo_calendar(timezone.localdate())


@pytest.fixture(scope="session")
def demo_calendar() -> DemoCalendar:
    """``demo_calendar.publicity_label`` → the month in publicity ("YYYY-MM"), and so on."""
    return session_calendar()


def host(slug: str | None) -> str:
    return f"{slug}.localhost" if slug else "localhost"


@pytest.fixture
def changshan(db: None) -> Township:
    return Township.objects.select_related("settings").get(schema_name="changshan")


@pytest.fixture
def weiqiao(db: None) -> Township:
    return Township.objects.select_related("settings").get(schema_name="weiqiao")


def make_client(slug: str | None, username: str | None = None) -> APIClient:
    """An API client on a township's host, authenticated with a real token of ``username``."""
    client = APIClient(HTTP_HOST=host(slug))
    if username:
        from tenants.accounts.models import User

        with schema_context(slug or "public"):
            user = User.objects.get(username=username)
            token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    connection.set_schema_to_public()
    return client


@pytest.fixture
def api(db: None) -> Callable[..., APIClient]:
    """``api("changshan", "group_leader")`` → a client on changshan's host as that user."""
    return make_client


@contextmanager
def committed(django_db_blocker: Any) -> Iterator[None]:
    """Run outside the test transaction: what happens here is visible to other processes."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _sqla_url(db: dict[str, Any]) -> str:
    from config.env import sqlalchemy_url

    return sqlalchemy_url(libpq_url(db), prefix="sqla+")


def libpq_url(db: dict[str, Any]) -> str:
    """The libpq URL of the test database (same server, test_… name)."""
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    hostname = db.get("HOST") or db.get("OPTIONS", {}).get("host") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    if hostname.startswith("/"):
        return f"postgresql://{user}{password}@/{db['NAME']}?host={hostname}"
    return f"postgresql://{user}{password}@{hostname}{port}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A real Celery worker process on this session's test database and queue.

    The broker is the one configured (CELERY_BROKER_URL) or, by default, kombu's SQLAlchemy
    transport on the test database itself; the queue name is unique to this session.
    """
    from config.celery_app import app

    db = settings.DATABASES["default"]
    broker = os.environ.get("CELERY_BROKER_URL") or _sqla_url(db)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    app.conf.broker_url = broker
    app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": libpq_url(db),
        "CELERY_BROKER_URL": broker,
        "JFB_CELERY_QUEUE": queue,
    }
    log = ROOT / ".data" / f"test-worker-{uuid.uuid4().hex[:8]}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "--loglevel",
                "INFO",
                "--pool",
                "threads",
                "--concurrency",
                "4",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while b"ready." not in log.read_bytes():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Celery worker did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
            yield {"queue": queue, "broker": broker, "log": str(log)}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.unlink(missing_ok=True)
            _close_broker_connections(app)


def _close_broker_connections(app: Any) -> None:
    """Let the test database be dropped: close this process's broker connections."""
    app.pool.force_close_all()
    from kombu.transport import sqlalchemy as kombu_sqla

    for engine, _session in kombu_sqla.Channel._engines.values():
        engine.dispose()
    kombu_sqla.Channel._engines.clear()


def wait_until(
    predicate: Callable[[], bool], *, timeout: float = 30, interval: float = 0.2
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# ---------------------------------------------------------------- the demo's places


@dataclass
class DemoPlaces:
    """Households of the demo, located through the demo accounts' own assignments."""

    slug: str
    group_households: list[int]
    microgrid_households: list[int]
    other_group_households: list[int]
    village_households: list[int]
    resident_household: int

    @property
    def in_scope(self) -> int:
        """A household in group_leader's group that is not the resident's own."""
        return next(h for h in self.group_households if h != self.resident_household)

    @property
    def out_of_scope(self) -> int:
        """A household in another village (group_leader_other's group)."""
        return self.other_group_households[0]


def demo_places(slug: str) -> DemoPlaces:
    with schema_context(slug):

        def unit_path(username: str, kind: str = "leader") -> str:
            return RoleAssignment.objects.get(
                user__username=username, kind=kind, ended_at__isnull=True
            ).unit.path

        def under(path: str) -> list[int]:
            return list(
                Household.objects.filter(unit__path__startswith=path)
                .order_by("pk")
                .values_list("pk", flat=True)
            )

        return DemoPlaces(
            slug=slug,
            group_households=under(unit_path("group_leader")),
            microgrid_households=under(unit_path("microgrid_leader")),
            other_group_households=under(unit_path("group_leader_other")),
            village_households=under(unit_path("village_leader")),
            resident_household=Resident.objects.get(user__username="resident").household_id,
        )


@pytest.fixture(params=["changshan", "weiqiao"])
def places(request, db) -> DemoPlaces:  # type: ignore[no-untyped-def]
    """Run the test on both demo townships (three levels, and four with a 管区 on top)."""
    return demo_places(request.param)


@pytest.fixture
def changshan_places(db: None) -> DemoPlaces:
    """For worked examples written against changshan's catalog."""
    return demo_places("changshan")
