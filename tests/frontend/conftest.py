"""Django test clients on a township's host, logged in as a demo account (a real session in
the township's schema), for the server-rendered pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenants.accounts.models import User
from tests.fixtures import host


def make_web(slug: str | None, username: str | None = None) -> Client:
    client = Client(HTTP_HOST=host(slug))
    if username:
        with schema_context(slug or "public"):
            client.force_login(User.objects.get(username=username))
    connection.set_schema_to_public()
    return client


@pytest.fixture
def web(db: None) -> Callable[..., Client]:
    """``web("changshan", "group_leader")`` → a browser-like client on changshan's host."""
    return make_web


def html(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def field_errors(response: object, name: str) -> list[str]:
    """The errors shown right under a form field (``_field.html``)."""
    import re

    page = html(response)
    block = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)</div>', page, flags=re.S)
    if block is None:
        return []
    return re.findall(r'<p class="error field-error">([^<]+)</p>', block.group(1))


def count_queries(client: Client, url: str) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


def hidden(response: object, name: str) -> str:
    """The value of a hidden input of the page (a form's key, a card code …)."""
    import re

    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html(response))
    assert match is not None, f"no hidden input {name}"
    return match.group(1)


def give_beans(slug: str, household_id: int, beans: int, *, key: str) -> None:
    """Test set-up: put beans on a household's account through the ledger (as an award
    would), inside the test's transaction."""
    from django_tenants.utils import schema_context

    from rewards.ledger import account_locked, ledger_post
    from rewards.models import LedgerEntry

    with schema_context(slug):
        ledger_post(
            account=account_locked(household=household_id),
            kind=LedgerEntry.Kind.TIER_AWARD,
            amount=beans,
            source_type="test",
            source_id=0,
            idempotency_key=key,
            note="测试奖励",
        )
    connection.set_schema_to_public()
