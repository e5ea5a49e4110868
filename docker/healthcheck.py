"""Container health check of the application image (Dockerfile HEALTHCHECK and ECS).

JFB_PROCESS_TYPE selects what is probed:
  web (default)    GET http://127.0.0.1:$PORT/healthz must answer 200 (the endpoint reports the
                   database and the broker, and answers on any Host header)
  worker           this container's Celery worker must answer `celery inspect ping`
  beat, migrate    nothing to probe: the process being alive is the check

Exit status 0 = healthy, 1 = unhealthy.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request


def check_web() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # fixed loopback URL
            return 0 if response.status == 200 else 1
    except OSError as exc:  # URLError and HTTPError (non-2xx) are OSErrors
        sys.stderr.write(f"healthcheck: {url}: {exc}\n")
        return 1


def check_worker() -> int:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config.celery_app",
        "inspect",
        "ping",
        "--destination",
        f"celery@{socket.gethostname()}",
        "--timeout",
        "10",
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=30, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        sys.stderr.write("healthcheck: celery inspect ping timed out\n")
        return 1
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode(errors="replace")[-2000:])
    return 0 if result.returncode == 0 else 1


def main() -> int:
    process_type = os.environ.get("JFB_PROCESS_TYPE", "web")
    if process_type == "web":
        return check_web()
    if process_type == "worker":
        return check_worker()
    return 0


if __name__ == "__main__":
    sys.exit(main())
