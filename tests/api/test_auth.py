"""Tokens per township; one error format; login throttling."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from tenants.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "jifenbao-demo"


def test_token_login_and_me(api) -> None:
    client = api("changshan")
    response = client.post("/api/v1/auth/token/", {"username": "town_admin", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "town_admin"
    assert me["township"] == {"slug": "changshan", "name": "长山镇"}
    assert {r["role"] for r in me["roles"]} == {"township_admin"}


def test_a_changshan_token_is_401_on_weiqiao(api) -> None:
    token = (
        api("changshan")
        .post("/api/v1/auth/token/", {"username": "town_admin", "password": PASSWORD})
        .json()["token"]
    )
    other = APIClient(HTTP_HOST="weiqiao.localhost", HTTP_AUTHORIZATION=f"Token {token}")
    response = other.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_a_changshan_user_cannot_log_in_on_weiqiao(api) -> None:
    with schema_context("changshan"):
        User.objects.create_user(username="only_changshan", password="s3cret-pass-word")
    ok = api("changshan").post(
        "/api/v1/auth/token/", {"username": "only_changshan", "password": "s3cret-pass-word"}
    )
    assert ok.status_code == 200
    refused = api("weiqiao").post(
        "/api/v1/auth/token/", {"username": "only_changshan", "password": "s3cret-pass-word"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "invalid_credentials"


def test_no_token_is_401_in_the_error_format(api) -> None:
    response = api("changshan").get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "not_authenticated",
                "detail": response.json()["errors"][0]["detail"],
                "attr": None,
            }
        ],
    }


def test_validation_errors_name_the_field(api) -> None:
    response = api("changshan").post("/api/v1/auth/token/", {"username": "town_admin"})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "password"
    assert body["errors"][0]["code"] == "required"


def test_five_failures_lock_the_login_even_for_the_right_password(api) -> None:
    client = api("weiqiao")
    codes = [
        client.post(
            "/api/v1/auth/token/", {"username": "resident", "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    assert codes == [400, 400, 400, 400, 429]  # the fifth failure locks
    locked = client.post("/api/v1/auth/token/", {"username": "resident", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["errors"][0]["code"] == "login_locked"
    # Another user from the same address is not locked.
    assert (
        client.post(
            "/api/v1/auth/token/", {"username": "merchant", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_revoking_a_token(api) -> None:
    client = api("changshan", "village_leader")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_login_is_rate_limited(api, monkeypatch) -> None:
    from django.core.cache import cache
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()  # earlier tests' logins from the same address count against the window
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    client = api("changshan")
    codes = [
        client.post("/api/v1/auth/token/", {"username": f"nobody{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_me_lists_the_merchant_operators_counter(api) -> None:
    roles = api("changshan", "merchant").get("/api/v1/me/").json()["roles"]
    assert [r["role"] for r in roles] == ["merchant_operator"]
    assert roles[0]["scope"]["name"].endswith("共富超市")
