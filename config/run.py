"""``make run``: the whole demo platform in one command.

Starts (or reuses) the embedded PostgreSQL unless DATABASE_URL is set, migrates every
schema, seeds the demo, then runs the web server, a Celery worker and Celery beat as
child processes and prints where to go. Ctrl-C stops every process it started; the data
stays in ``.data/`` (or your DATABASE_URL) for the next run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent


def _python() -> str:
    return sys.executable


def _step(title: str, *args: str) -> None:
    print(f"==> {title}", flush=True)
    subprocess.run([_python(), "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from config import env

    host = env.get("JFB_HOST", "127.0.0.1")
    port = env.get("JFB_PORT", "8000")
    print(
        "==> PostgreSQL:",
        "embedded (.data/postgres)" if env.using_embedded_database() else "DATABASE_URL",
    )
    env.database_url()  # starts the embedded server (it outlives this process)
    _step("migrating every schema", "migrate_schemas", "--noinput", "-v", "0")
    _step("seeding the demo (idempotent)", "seed_demo")

    children: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, argv: list[str]) -> None:
        print(f"==> starting {name}", flush=True)
        children.append(subprocess.Popen(argv, cwd=ROOT, start_new_session=True))

    celery = [_python(), "-m", "celery", "-A", "config.celery_app"]
    runserver = [_python(), "manage.py", "runserver", f"{host}:{port}"]
    if not env.flag("JFB_RELOAD"):
        runserver.append("--noreload")
    spawn("web server", runserver)
    spawn("Celery worker", [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"])
    spawn("Celery beat", [*celery, "beat", "--loglevel", "INFO"])
    _banner(port)

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                print(
                    f"!! a process exited (code {child.returncode}); stopping the others",
                    flush=True,
                )
                exit_code = child.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    _stop_all(children)
    return exit_code


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    print("\n==> stopping web server, worker and beat …", flush=True)
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    print("==> stopped. Data is kept; `make run` again reuses it.", flush=True)


def _banner(port: str) -> None:
    from config.demo.accounts import DEMO_PASSWORD, PUBLIC_ACCOUNTS, TOWNSHIP_ACCOUNTS, TOWNSHIPS

    base = f"http://localhost:{port}"
    lines = [
        "",
        "积分宝 Jifenbao demo is starting:",
        f"  public site      {base}/            (county 邹平市; health: {base}/healthz)",
    ]
    for slug, name, _template in TOWNSHIPS:
        lines.append(
            f"  {name:<8}     http://{slug}.localhost:{port}/   API: /api/v1/township/  docs: /api/docs/"
        )
    lines += [
        "",
        f"  password for every demo account: {DEMO_PASSWORD}",
        "  township accounts (on each township's host): "
        + ", ".join(u for u, _ in TOWNSHIP_ACCOUNTS),
        "  public-site accounts: " + ", ".join(u for u, _ in PUBLIC_ACCOUNTS),
        "",
        "  Ctrl-C stops everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
