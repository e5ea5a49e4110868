"""/healthz on every host: database and broker state; 503 when one is down."""

import pytest
from django.db import connections

from config.health import check_broker, check_database

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", [None, "changshan", "weiqiao"])
def test_healthz_is_ok_on_every_host(api, slug) -> None:
    response = api(slug).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    assert body["township"] == slug


def test_healthz_is_503_when_the_broker_is_down(api, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = api("changshan").get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_database_check_reports_an_unreachable_server(settings) -> None:
    dead = {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": "1", "NAME": "x"}
    connections.settings["dead"] = dead
    try:
        assert check_database("dead").startswith("error")
    finally:
        del connections.settings["dead"]
        if hasattr(connections._connections, "dead"):
            delattr(connections._connections, "dead")
    assert check_database() == "ok"
    assert check_broker("redis://127.0.0.1:1/0").startswith("error")


def test_healthz_answers_a_load_balancer_that_uses_an_ip_address(api) -> None:
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="10.0.3.17:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/me/").status_code == 400  # other paths still refuse unknown hosts
