"""GET /api/v1/township/: each host shows its own township's public settings."""

import pytest

pytestmark = pytest.mark.django_db


def test_changshan_shows_shanyaodou_and_its_three_levels(api) -> None:
    body = api("changshan").get("/api/v1/township/").json()
    assert body["name"] == "长山镇"
    assert body["bean_name"] == "山药豆"
    assert body["leader_weights"] == {"own_household": "0.50", "unit_average": "0.50"}
    assert [level["name"] for level in body["levels"]] == ["村级网格", "微网格", "联户小组"]
    assert body["levels"][0]["capabilities"] == ["audit", "view"]
    assert body["publicity_days"] == 7
    assert body["timezone"] == "Asia/Shanghai"


def test_weiqiao_shows_its_own_bean_weights_and_hierarchy(api) -> None:
    body = api("weiqiao").get("/api/v1/township/").json()
    assert body["bean_name"] == "棉花豆"
    assert body["leader_weights"] == {"own_household": "0.60", "unit_average": "0.40"}
    assert [level["name"] for level in body["levels"]] == [
        "管区",
        "村级网格",
        "片区网格",
        "联户小组",
    ]
    assert body["points_to_beans"] == "2.00"


def test_unknown_host_is_404_with_a_code(api) -> None:
    response = api("nosuchtown").get("/api/v1/township/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "township_not_found"


def test_openapi_schema_and_docs(api) -> None:
    client = api("changshan")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/township/" in document["paths"]
    assert "/api/v1/auth/token/" in document["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # served from the sidecar package, offline
