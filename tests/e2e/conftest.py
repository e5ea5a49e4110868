"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

The live server serves the session's test database, seeded with the demo. Chromium resolves
``changshan.localhost`` to the loopback address, so a township is reached on its own host.

pytest-django gives every live-server test ``transactional_db``, whose teardown FLUSHES the
database: it would truncate the public schema (townships, domains, settings) under the rest
of the session. Here the live server only needs the database unblocked; each test deletes
what it made itself (``tests.fixtures.committed``), so the demo stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "jifenbao-demo"


@pytest.fixture(autouse=True)
def _live_server_helper(request: pytest.FixtureRequest) -> Iterator[None]:
    """Replaces pytest-django's helper of the same name for tests/e2e: no flush."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        yield


TOWNSHIPS = ("changshan", "weiqiao")


def _traces() -> dict[str, Any]:
    """What a browser leaves behind just by logging in: sessions, login logs, last logins."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session
    from django_tenants.utils import schema_context

    from tenants.accounts.models import User

    traces: dict[str, Any] = {}
    for schema in (*TOWNSHIPS, "public"):
        with schema_context(schema):
            traces[schema] = {
                "sessions": set(Session.objects.values_list("session_key", flat=True)),
                "logs": {
                    model: model.objects.order_by("-id").values_list("id", flat=True).first() or 0
                    for model in (AccessLog, AccessAttempt, AccessFailureLog)
                },
                "last_login": dict(User.objects.values_list("pk", "last_login")),
            }
    return traces


def _erase_traces(before: dict[str, Any]) -> None:
    from django.contrib.sessions.models import Session
    from django_tenants.utils import schema_context

    from tenants.accounts.models import User

    for schema, was in before.items():
        with schema_context(schema):
            Session.objects.exclude(session_key__in=was["sessions"]).delete()
            for model, last_id in was["logs"].items():
                model.objects.filter(id__gt=last_id).delete()
            for pk, last_login in was["last_login"].items():
                User.objects.filter(pk=pk).exclude(last_login=last_login).update(
                    last_login=last_login
                )


@pytest.fixture(autouse=True)
def _leave_the_demo_as_it_was(request: pytest.FixtureRequest) -> Iterator[None]:
    """Browser logins are committed by the live server: undo them after each test (the data a
    test itself makes, it deletes itself)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_live_server_helper")
    before = _traces()
    yield
    _erase_traces(before)
    connections.close_all()


@pytest.fixture
def _sync_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API keeps an event loop in the test's thread; the test's own ORM
    calls (set-up and clean-up, outside any request) are still plain synchronous code."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(tmp_path: Path, _sync_orm_beside_playwright: None) -> Iterator[Any]:
    """A fresh chromium profile (its own user-data dir) with a Chinese locale."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run config/bin/system-deps.sh (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()
            # While Playwright's loop runs, Django keeps this thread's database connections
            # in context-local storage (asgiref): close the ones the test made, here, or they
            # outlive the test and block dropping the test database at the end.
            connections.close_all()


@pytest.fixture
def township_url(live_server: Any) -> Any:
    """``township_url("changshan", "/board/")`` → the page on the township's own host."""
    port = urlsplit(live_server.url).port

    def url(slug: str, path: str = "/") -> str:
        return f"http://{slug}.localhost:{port}{path}"

    return url


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
