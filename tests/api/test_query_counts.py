"""Every list endpoint runs the same number of queries for a page of 1 and a page of 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fixtures import session_calendar

pytestmark = pytest.mark.django_db

FINAL = session_calendar().last_final_label  # a final month of the demo, with results

ENDPOINTS = [
    "households",
    "residents",
    "grid/units",
    "grid/assignments",
    "audit-log",
    "users",
    "indicators",
    "records",
    "months",
    "objections",
    f"months/{FINAL}/results/?kind=households&",
    f"months/{FINAL}/results/?kind=units&",
    f"months/{FINAL}/results/?kind=leaders&",
    "ledger",
    "ledger/accounts",
    "merchants",
    "products",
    "redemptions",
    "negative-list",
    "roster/imports",
]


@pytest.mark.parametrize("username", ["town_admin", "village_leader"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_constant_queries_whatever_the_page_size(api, endpoint, username) -> None:
    client = api("changshan", username)
    separator = "" if endpoint.endswith("&") else "/?"
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{endpoint}{separator}page_size={size}")
        assert response.status_code in (200, 403), response.content
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{endpoint}: {counts}"
