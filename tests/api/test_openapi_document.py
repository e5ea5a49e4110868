"""docs/openapi*.yaml are the API's contract: regenerated with ``make schema``, and this test
fails when they drift from the code (or when drf-spectacular warns)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("urlconf", "filename"),
    [("config.urls_township", "openapi.yaml"), ("api.urls_public_schema", "openapi-public.yaml")],
)
def test_committed_openapi_document_matches_the_code(tmp_path, urlconf, filename) -> None:
    generated = tmp_path / filename
    call_command(
        "spectacular", file=str(generated), urlconf=urlconf, validate=True, fail_on_warn=True
    )
    committed = ROOT / "docs" / filename
    assert committed.exists(), "run `make schema`"
    assert generated.read_text() == committed.read_text(), "docs/ is stale: run `make schema`"
