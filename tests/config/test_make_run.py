"""``make run``'s supervisor: serves the demo, and Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from tests.fixtures import libpq_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, host: str, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_run_serves_the_demo_and_ctrl_c_stops_everything(tmp_path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": libpq_url(settings.DATABASES["default"]),
        "JFB_PORT": str(port),
        "JFB_DATA_DIR": str(tmp_path),  # beat's schedule file; the database is the test one
        "JFB_CELERY_QUEUE": f"run-test-{port}",
    }
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "config.run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            status = 0
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    status, _ = get(port, f"localhost:{port}", "/healthz")
                    if status == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.5)
            assert status == 200, log.read_text()[-3000:]
            status, body = get(port, f"changshan.localhost:{port}", "/api/v1/township/")
            assert status == 200
            assert "山药豆".encode() in body
            children = psutil.Process(proc.pid).children(recursive=True)
            assert len(children) >= 3  # web server, worker (and its pool), beat
            assert "jifenbao-demo" in log.read_text()
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], [p.info for p in alive]
    assert proc.returncode == 0
