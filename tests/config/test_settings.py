"""Security baseline: Argon2, and ``check --deploy`` clean with the production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.fixtures import libpq_url

ROOT = Path(__file__).resolve().parents[2]


def test_base_settings_hash_with_argon2() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert base.AUTHENTICATION_BACKENDS[0].startswith("axes.")


@pytest.mark.django_db
def test_check_deploy_with_production_settings_reports_nothing() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "production-like-secret-value-0123456789-abcdefgh",
        "DATABASE_URL": libpq_url(settings.DATABASES["default"]),
        "JFB_BASE_DOMAIN": "jifenbao.example.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_database_url() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "x" * 60}
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


@pytest.mark.django_db
def test_pages_are_chinese_unless_the_user_chose_english(api) -> None:
    client = api("changshan")
    chinese = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert chinese["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    english = client.get("/login/")
    assert english["Content-Language"] == "en"
    client.cookies["django_language"] = "xx"
    assert client.get("/login/")["Content-Language"] == "zh-hans"
