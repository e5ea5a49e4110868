"""How long a new township takes: cloning the base schema versus replaying migrations."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.services import township_create
from tests.benchmarks.conftest import summary

pytestmark = pytest.mark.django_db


def test_create_township_clone_versus_migrations(table) -> None:
    clone_samples = []
    for i in range(5):
        result = township_create(
            slug=f"bench{i}", name=f"测速镇{i}", county_slug="zouping", template_code="changshan"
        )
        clone_samples.append(result.seconds)
    assert connection.schema_name == "public"

    replay_samples = []
    for i in range(2):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "replay{i}"')
        call_command("migrate_schemas", schema_name=f"replay{i}", interactive=False, verbosity=0)
        replay_samples.append(time.perf_counter() - started)
        connection.set_schema_to_public()

    t = table("create_township (seconds)", ["way", "runs", "min", "median", "max"])
    t.add("clone base schema + template + admin", len(clone_samples), *summary(clone_samples))
    t.add("replay every migration (schema only)", len(replay_samples), *summary(replay_samples))
    t.add(
        "ratio replay / clone (median)",
        "",
        "",
        summary(replay_samples)[1] / summary(clone_samples)[1],
        "",
    )
