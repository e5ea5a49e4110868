"""Every list endpoint runs the same number of queries for a page of 1 and a page of 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

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
    "months/2026-10/results/?kind=households&",
    "months/2026-10/results/?kind=units&",
    "months/2026-10/results/?kind=leaders&",
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
