"""Scaling on one PostgreSQL: 2 → 200 township schemas (docs/scaling.md, issue 6).

One run, in this order:

1. catalog and disk with the 2 demo townships; request latency on changshan's host, and one
   request to each township's host in turn from a fresh connection;
2. 198 more townships from the demo templates (200 in all), timed one by one; at 2, 50, 100
   and 200 townships, ``migrate_schemas --tenant`` with nothing pending (in this process) —
   the per-schema cost every deploy pays, and how it grows with the catalog;
3. catalog, disk and the same requests with 200 townships;
4. the 201st township;
5. ``manage.py migrate_schemas`` in a subprocess, as a deploy runs it: standard and
   multiprocessing executors.

Everything runs OUTSIDE the test transaction. A clone holds about 1,300 locks until its
transaction ends; on a default server (max_locks_per_transaction 64, max_connections 100)
the 24th clone in one transaction fails with "out of shared memory". The migrate
subprocesses must also see the schemas. The townships created here are deleted and their
schemas dropped at the end, in a ``finally``.

Timings are printed, never asserted. ``JFB_SCALING_TOWNSHIPS`` (default 200) and
``JFB_SCALING_REQUESTS`` (default 200) make a quick trial run possible.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tenants.models import Township
from tenants.services import base_schema_ensure, township_create
from tests.fixtures import ROOT, committed, libpq_url, make_client, session_calendar
from tests.tenants.test_schema_design import (  # noqa: F401 - the test also runs here, first:
    design_checks,  # being this module's one django_db test, it makes pytest-django create
    test_schema_design_keeps_citus_schema_sharding_possible,  # the test database for a lone run
)

TOTAL = int(os.environ.get("JFB_SCALING_TOWNSHIPS", "200"))
REQUESTS = int(os.environ.get("JFB_SCALING_REQUESTS", "200"))
WARMUP = 10
CHECKPOINTS = (50, 100)  # and 2 and TOTAL: where migrate_schemas is timed as schemas grow
DEMO = ("changshan", "weiqiao")
SLUG_REGEX = r"^s[0-9]{3}$"  # s001 … s199: nothing else in the demo looks like this
FINAL_MONTH = session_calendar().last_final_label  # a final month of the demo
ENDPOINTS = [
    ("GET /api/v1/township/", "town_admin", "/api/v1/township/"),
    ("GET /api/v1/me/", "town_admin", "/api/v1/me/"),
    ("GET /api/v1/households/?page_size=50", "town_admin", "/api/v1/households/?page_size=50"),
    (
        f"GET /api/v1/months/{FINAL_MONTH}/results/?kind=units",
        "village_leader",
        f"/api/v1/months/{FINAL_MONTH}/results/?kind=units",
    ),
]

# ---------------------------------------------------------------- helpers


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


def kib(n: int) -> str:
    return f"{n / 1024:.0f} KiB"


def scalar(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as c:
        c.execute(sql, params or [])
        return c.fetchone()[0]


def timed_get(client: APIClient, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return seconds


def catalog_state() -> dict[str, int]:
    connection.set_schema_to_public()
    return {
        "database": scalar("SELECT pg_database_size(current_database())"),
        "pg_class": scalar("SELECT count(*) FROM pg_class"),
        "pg_attribute": scalar("SELECT count(*) FROM pg_attribute"),
        "pg_catalog": scalar(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r'"
        ),
        "townships": Township.objects.count(),
    }


def schema_size(schema: str) -> tuple[int, int, int]:
    """(tables, relations of every kind, bytes of its tables with their indexes and TOAST)."""
    with connection.cursor() as c:
        c.execute(
            """
            SELECT count(*) FILTER (WHERE c.relkind IN ('r', 'p')),
                   count(*),
                   coalesce(sum(pg_total_relation_size(c.oid))
                            FILTER (WHERE c.relkind IN ('r', 'p')), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s
            """,
            [schema],
        )
        tables, relations, size = c.fetchone()
    return tables, relations, int(size)


def cache_memory() -> int:
    """Bytes in this backend's catalog caches (CacheMemoryContext and its children)."""
    return int(
        scalar(
            """
            SELECT coalesce(sum(c.total_bytes), 0)
            FROM pg_backend_memory_contexts c,
                 (SELECT path[level] AS id FROM pg_backend_memory_contexts
                  WHERE name = 'CacheMemoryContext') cm
            WHERE cm.id = ANY (c.path)
            """
        )
    )


def request_latency(clients: dict[str, APIClient]) -> dict[str, list[float]]:
    """REQUESTS sequential requests per endpoint on changshan's host, fresh connection first."""
    connection.close()
    result = {}
    for label, username, path in ENDPOINTS:
        client = clients[username]
        for _ in range(WARMUP):
            timed_get(client, path)
        result[label] = [timed_get(client, path) for _ in range(REQUESTS)]
    return result


def rotation(slugs: list[str]) -> tuple[list[float], list[float], int]:
    """GET /api/v1/me/ on every township's host in turn, as its town_admin.

    A fresh connection first, so the first pass is each schema's first request on that
    backend (cold catalog caches for the schema's tables) and the later passes are warm.
    Returns both passes and the backend's catalog-cache bytes after them.
    """
    clients = [make_client(slug, "town_admin") for slug in slugs]
    connection.close()
    scalar("SELECT 1")  # the new backend's start-up is not any township's first request
    passes = max(2, -(-REQUESTS // len(slugs)))  # at least REQUESTS requests in all
    cold = [timed_get(client, "/api/v1/me/") for client in clients]
    warm = [timed_get(client, "/api/v1/me/") for _ in range(passes - 1) for client in clients]
    return cold, warm, cache_memory()


def migrate_subprocess(*args: str) -> float:
    """``manage.py migrate_schemas`` as a deploy runs it, on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": libpq_url(settings.DATABASES["default"]),
    }
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert completed.returncode == 0, completed.stderr[-3000:]
    return seconds


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def cleanup(demo_tokens: dict[str, set[str]]) -> float:
    """Drop what this benchmark made: townships s001…, their schemas, the demo tokens."""
    started = time.perf_counter()
    connection.set_schema_to_public()
    Township.objects.filter(schema_name__regex=SLUG_REGEX).delete()  # domains, settings, events
    with connection.cursor() as c:
        c.execute("SELECT nspname FROM pg_namespace WHERE nspname ~ %s", [SLUG_REGEX])
        for (schema,) in c.fetchall():
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    for slug, keys in demo_tokens.items():
        with schema_context(slug):
            Token.objects.exclude(key__in=keys).delete()
    connection.set_schema_to_public()
    return time.perf_counter() - started


# ---------------------------------------------------------------- the benchmark


def test_two_hundred_townships_on_one_postgresql(
    django_db_setup: None, django_db_blocker: Any, table: Callable[..., Any]
) -> None:
    bench_started = time.perf_counter()
    load_start = os.getloadavg()[0]
    run_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert len(DEMO) < TOTAL
    new_slugs = [f"s{i:03d}" for i in range(1, TOTAL - len(DEMO) + 1)]
    extra_slug = f"s{TOTAL - len(DEMO) + 1:03d}"
    checkpoints = sorted({n for n in (*CHECKPOINTS, TOTAL) if len(DEMO) <= n <= TOTAL})
    series: list[dict[str, float]] = []  # one row per checkpoint
    demo_tokens: dict[str, set[str]] = {}
    cleanup_seconds = 0.0

    def checkpoint(townships: int, recent_creates: list[float]) -> None:
        """Catalog size, and migrate_schemas over every township schema, at this count."""
        connection.set_schema_to_public()
        relations = scalar("SELECT count(*) FROM pg_class")
        seconds = timed(
            lambda: call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        )
        connection.set_schema_to_public()
        series.append(
            {
                "townships": townships,
                "pg_class": relations,
                "create": statistics.median(recent_creates) if recent_creates else float("nan"),
                "migrate": seconds,
                "per_schema": seconds / townships,
            }
        )

    with committed(django_db_blocker):
        assert sorted(Township.objects.values_list("schema_name", flat=True)) == list(DEMO)
        assert not Township.objects.filter(schema_name__regex=SLUG_REGEX).exists()
        for slug in DEMO:
            with schema_context(slug):
                demo_tokens[slug] = set(Token.objects.values_list("key", flat=True))
        try:
            # ------------------------------------------------ 1. two townships
            cross_fks, own_narrow, other_narrow = design_checks()
            server = server_description()
            at_2 = catalog_state()
            changshan_size = schema_size("changshan")
            changshan_rows = demo_rows("changshan")
            base_size = schema_size(settings.TENANT_BASE_SCHEMA)
            clients = {
                "town_admin": make_client("changshan", "town_admin"),
                "village_leader": make_client("changshan", "village_leader"),
            }
            latency_2 = request_latency(clients)
            cache_2_single = cache_memory()
            rot_2 = rotation(list(DEMO))
            checkpoint(len(DEMO), [])

            # ------------------------------------------------ 2. 198 more
            create_samples: list[float] = []
            create_total = 0.0
            for i, slug in enumerate(new_slugs):
                result = township_create(
                    slug=slug,
                    name=f"测速镇{slug}",
                    county_slug="zouping",
                    template_code=DEMO[i % 2],
                )
                create_samples.append(result.seconds)
                create_total += result.seconds
                if len(DEMO) + i + 1 in checkpoints:
                    checkpoint(len(DEMO) + i + 1, create_samples[-10:])
            assert Township.objects.count() == TOTAL
            assert scalar(
                "SELECT count(*) FROM pg_namespace WHERE nspname ~ %s", [SLUG_REGEX]
            ) == len(new_slugs)

            # ------------------------------------------------ 3. two hundred townships
            at_200 = catalog_state()
            empty_size = schema_size(new_slugs[0])
            latency_200 = request_latency(clients)
            cache_200_single = cache_memory()
            rot_200 = rotation([*DEMO, *new_slugs])
            ensure_samples = [timed(base_schema_ensure) for _ in range(3)]

            # ------------------------------------------------ 4. the 201st
            extra = township_create(
                slug=extra_slug,
                name="第二百零一镇",
                county_slug="zouping",
                template_code="changshan",
            )
            connection.set_schema_to_public()
            schemas_now = Township.objects.count()
            assert schemas_now == TOTAL + 1

            # ------------------------------------------------ 5. migrate as a deploy does
            migrate_public = migrate_subprocess("--shared")
            migrate_standard = migrate_subprocess("--executor=standard")
            migrate_multi = migrate_subprocess("--executor=multiprocessing")
            migrate_multi_skip = migrate_subprocess("--executor=multiprocessing", "--skip-checks")
            assert Township.objects.count() == TOTAL + 1
        finally:
            cleanup_seconds = cleanup(demo_tokens)
            assert sorted(Township.objects.values_list("schema_name", flat=True)) == list(DEMO)

    bench_seconds = time.perf_counter() - bench_started
    n_new = len(new_slugs)

    # ---------------------------------------------------------------- the tables
    t = table(
        f"scaling: request latency on changshan's host, {REQUESTS} sequential requests each "
        f"(ms, Django test client, one connection)",
        ["request", "user", "2: median", "2: p95", f"{TOTAL}: median", f"{TOTAL}: p95",
         f"median {TOTAL}/2", f"p95 {TOTAL}/2"],
    )  # fmt: skip
    for label, username, _path in ENDPOINTS:
        a, b = latency_2[label], latency_200[label]
        t.add(
            label,
            username,
            ms(statistics.median(a)),
            ms(p95(a)),
            ms(statistics.median(b)),
            ms(p95(b)),
            statistics.median(b) / statistics.median(a),
            p95(b) / p95(a),
        )

    t = table(
        "scaling: GET /api/v1/me/ on every township's host in turn, fresh connection (ms)",
        ["townships", "requests (first/later)", "first request per schema: median", "p95",
         "later: median", "p95", "backend catalog cache after"],
    )  # fmt: skip
    for n, (cold, warm, cache) in ((len(DEMO), rot_2), (TOTAL, rot_200)):
        t.add(n, f"{len(cold)}/{len(warm)}", ms(statistics.median(cold)), ms(p95(cold)),
              ms(statistics.median(warm)), ms(p95(warm)), kib(cache))  # fmt: skip
    t.add("changshan's host only", "", "", "", "", "",
          f"{kib(cache_2_single)} (2) → {kib(cache_200_single)} ({TOTAL})")  # fmt: skip

    first, last = create_samples[:10], create_samples[-10:]
    t = table(
        f"scaling: provisioning (township_create: clone {settings.TENANT_BASE_SCHEMA}, "
        "template, first admin) (s)",
        ["measure", "value"],
    )
    t.add(f"{n_new} townships, total (sum of township_create)", create_total)
    t.add("per township: median", statistics.median(create_samples))
    t.add("per township: p95", p95(create_samples))
    t.add("per township: max", max(create_samples))
    t.add(f"townships #{len(DEMO) + 1}–#{len(DEMO) + len(first)}: median",
          statistics.median(first))  # fmt: skip
    t.add(f"townships #{TOTAL - len(last) + 1}–#{TOTAL}: median", statistics.median(last))
    t.add(f"township #{TOTAL + 1} (one more)", extra.seconds)
    t.add(f"  of which base_schema_ensure() at {TOTAL} (median of 3)",
          statistics.median(ensure_samples))  # fmt: skip

    # Per-schema cost of a no-op migrate grows with the catalog: fit a + b × schemas.
    xs = [row["townships"] for row in series]
    ys = [row["per_schema"] for row in series]
    slope, intercept = statistics.linear_regression(xs, ys) if len(xs) > 1 else (0.0, ys[0])

    def projected(schemas: int) -> float:
        return schemas * (intercept + slope * schemas)

    t = table(
        "scaling: as the township count grows (migrate_schemas --tenant, nothing pending, "
        "in process, standard executor)",
        ["townships", "pg_class rows", "township_create: median of last 10 (s)",
         "migrate all (s)", "per schema (s)"],
    )  # fmt: skip
    for row in series:
        t.add(int(row["townships"]), int(row["pg_class"]),
              "" if row["create"] != row["create"] else row["create"],
              row["migrate"], row["per_schema"])  # fmt: skip
    t.add("fit: per schema = a + b × schemas", "", "",
          f"a = {intercept:.4f}", f"b = {slope * 1000:.4f} ms/schema")  # fmt: skip
    province = 2_000
    if slope > 0:  # a trial run with a handful of schemas has nothing to extrapolate from
        t.add(f"projection: {province:,} schemas", "", "", f"{projected(province) / 60:.0f} min",
              f"{intercept + slope * province:.3f}")  # fmt: skip

    t = table(
        f"scaling: manage.py migrate_schemas as a deploy runs it, nothing pending, public + "
        f"{schemas_now} township schemas (s)",
        ["how", "total", "public only (startup + public)", "per township schema",
         "2,000 schemas at this per-schema rate (min)"],
    )  # fmt: skip
    for how, total in (
        ("--executor=standard", migrate_standard),
        ("--executor=multiprocessing (2 processes)", migrate_multi),
        ("--executor=multiprocessing --skip-checks", migrate_multi_skip),
    ):
        per = (total - migrate_public) / schemas_now
        t.add(how, total, migrate_public, per, f"{per * 2000 / 60:.1f}")

    t = table(
        "scaling: disk and catalog",
        ["measure", f"{len(DEMO)} townships", f"{TOTAL} townships", "per township added"],
    )
    for key, label, fmt in (
        ("database", "pg_database_size", mib),
        ("pg_class", "pg_class rows", str),
        ("pg_attribute", "pg_attribute rows", str),
        ("pg_catalog", "pg_catalog tables on disk", mib),
    ):
        per = (at_200[key] - at_2[key]) / n_new
        per_text = kib(per) if fmt is mib else f"{per:.0f}"
        t.add(label, fmt(at_2[key]), fmt(at_200[key]), per_text)
    for label, (tables, relations, size) in (
        ("schema changshan (demo data)", changshan_size),
        (f"schema {new_slugs[0]} (template only)", empty_size),
        (f"schema {settings.TENANT_BASE_SCHEMA} (empty)", base_size),
    ):
        t.add(label, f"{tables} tables, {relations} relations", kib(size), "")
    t.add("changshan holds", changshan_rows, "", "")

    t = table(
        "scaling: schema design checks (Citus prerequisites) and the run", ["check", "result"]
    )
    t.add("foreign keys that cross a schema boundary", len(cross_fks))
    t.add("INTEGER primary keys in our apps' tables", len(own_narrow))
    t.add("INTEGER primary keys in Django/third-party tables", ", ".join(other_narrow) or "none")
    t.add("PostgreSQL", server)
    t.add("machine", f"{os.cpu_count()} cores ({cpu_model()}), {platform.system()} "
          f"{platform.machine()}, Python {platform.python_version()}")  # fmt: skip
    t.add("load average (1 min) at start → end", f"{load_start:.2f} → {os.getloadavg()[0]:.2f}")
    t.add("run at", run_at)
    t.add("cleanup (delete rows, drop schemas)", f"{cleanup_seconds:.1f} s")
    t.add("whole benchmark (without the session's database setup)", f"{bench_seconds:.1f} s")


def demo_rows(slug: str) -> str:
    from governance.models import Household, Resident
    from scoring.models import Month, PointRecord

    with schema_context(slug):
        return (
            f"{Household.objects.count()} households, {Resident.objects.count()} residents, "
            f"{Month.objects.count()} months, {PointRecord.objects.count()} point records"
        )


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def server_description() -> str:
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        version = c.fetchone()[0]
        c.execute("SHOW max_locks_per_transaction")
        locks = c.fetchone()[0]
        c.execute("SHOW max_connections")
        conns = c.fetchone()[0]
        c.execute("SHOW shared_buffers")
        buffers = c.fetchone()[0]
    return (
        f"{version} (shared_buffers {buffers}, max_connections {conns}, "
        f"max_locks_per_transaction {locks})"
    )
