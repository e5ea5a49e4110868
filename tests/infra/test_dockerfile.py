"""Checks of the application image definition (no Docker engine needed) and of its helper scripts."""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from tests.infra._hcl import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
HEALTHCHECK_SCRIPT = REPO_ROOT / "docker" / "healthcheck.py"
GUNICORN_CONFIG = REPO_ROOT / "docker" / "gunicorn.conf.py"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, arguments = line.partition(" ")
        result.append((keyword.upper(), arguments.strip()))
    assert not pending, "Dockerfile ends inside a continuation line"
    return result


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for keyword, arguments in instructions():
        if keyword == "FROM":
            found.append([])
        assert found, "instructions before the first FROM"
        found[-1].append((keyword, arguments))
    return found


def arguments_of(keyword: str, stage: list[tuple[str, str]] | None = None) -> list[str]:
    return [a for k, a in (stage or instructions()) if k == keyword]


def test_multi_stage_on_python_311_slim_bookworm() -> None:
    froms = arguments_of("FROM")
    assert len(froms) >= 2
    assert froms[-1].split()[0] == "python:3.11-slim-bookworm"
    assert all(":latest" not in f and ":" in f.split()[0] for f in froms)


def test_builder_builds_wheels_from_pyproject_into_a_venv() -> None:
    builder = stages()[0]
    runs = " ".join(arguments_of("RUN", builder))
    assert "pip wheel" in runs
    assert "python -m venv" in runs
    runtime = stages()[-1]
    assert any("--from=builder" in c for c in arguments_of("COPY", runtime))


def test_runtime_has_cjk_fonts_and_weasyprint_libraries() -> None:
    runs = " ".join(arguments_of("RUN", stages()[-1]))
    for package in (
        "fonts-noto-cjk",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libffi8",
    ):
        assert re.search(rf"(^|\s){re.escape(package)}(\s|$)", runs), package
    assert "--no-install-recommends" in runs
    assert "rm -rf /var/lib/apt/lists" in runs


def test_runs_as_a_non_root_user() -> None:
    users = arguments_of("USER", stages()[-1])
    assert users, "no USER in the runtime stage"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_healthcheck_probes_healthz() -> None:
    (healthcheck,) = arguments_of("HEALTHCHECK")
    assert "CMD" in healthcheck
    referenced = "/healthz" in healthcheck or (
        "/app/docker/healthcheck.py" in healthcheck
        and "/healthz" in HEALTHCHECK_SCRIPT.read_text(encoding="utf-8")
    )
    assert referenced


def test_no_remote_add() -> None:
    for arguments in arguments_of("ADD"):
        assert not re.search(r"https?://", arguments), f"ADD of a URL: {arguments}"


def test_static_files_are_collected_with_the_production_settings() -> None:
    runtime = stages()[-1]
    env = " ".join(arguments_of("ENV", runtime))
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in env
    runs = " ".join(arguments_of("RUN", runtime))
    assert "manage.py collectstatic --noinput" in runs


def test_default_command_is_gunicorn_with_the_wsgi_application() -> None:
    (cmd,) = arguments_of("CMD")
    command = json.loads(cmd)  # exec form
    assert command[0] == "gunicorn"
    assert "config.wsgi:application" in command
    config_path = command[command.index("--config") + 1]
    assert config_path == "/app/docker/gunicorn.conf.py"
    assert GUNICORN_CONFIG.is_file()


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", ".data", ".env", "infra", "tests"} <= ignored
    assert "docker" not in ignored
    assert "README.md" not in ignored  # pyproject.toml's readme


# --------------------------------------------------------------------------------- scripts


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_config_binds_the_container_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8000")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    config = _load(GUNICORN_CONFIG, "jfb_gunicorn_conf")
    assert config.bind == "0.0.0.0:8000"
    assert config.workers == 5
    # Shorter than the ECS stop timeout, longer-lived keep-alive than the ALB idle timeout.
    assert config.graceful_timeout < 30
    assert config.keepalive > 60


class _Healthz(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return


@pytest.fixture
def healthz_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "expected"), [(200, 0), (503, 1)])
def test_healthcheck_script_reports_the_healthz_status(
    healthz_server: HTTPServer, monkeypatch: pytest.MonkeyPatch, status: int, expected: int
) -> None:
    monkeypatch.setattr(_Healthz, "status", status)
    monkeypatch.setenv("PORT", str(healthz_server.server_address[1]))
    monkeypatch.setenv("JFB_PROCESS_TYPE", "web")
    script = _load(HEALTHCHECK_SCRIPT, "jfb_healthcheck")
    assert script.main() == expected


def test_healthcheck_script_fails_when_nothing_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Healthz)
    free_port = server.server_address[1]
    server.server_close()
    monkeypatch.setenv("PORT", str(free_port))
    monkeypatch.delenv("JFB_PROCESS_TYPE", raising=False)
    assert _load(HEALTHCHECK_SCRIPT, "jfb_healthcheck").main() == 1


def test_healthcheck_script_has_nothing_to_probe_for_beat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JFB_PROCESS_TYPE", "beat")
    assert _load(HEALTHCHECK_SCRIPT, "jfb_healthcheck").main() == 0
