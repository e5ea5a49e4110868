"""What keeps Citus schema-based sharding possible (docs/scaling.md): no foreign key crosses
a schema boundary, and our own tables' primary keys are BIGINT."""

from __future__ import annotations

import pytest
from django.db import connection

OWN_TABLE_PREFIXES = ("tenants_", "accounts_", "governance_", "scoring_", "rewards_")


def design_checks() -> tuple[list[tuple[str, ...]], list[str], list[str]]:
    """Cross-schema foreign keys; INTEGER primary keys in our tables and in others'."""
    with connection.cursor() as c:
        c.execute(
            """
            SELECT con.conname, sn.nspname || '.' || s.relname, tn.nspname || '.' || t.relname
            FROM pg_constraint con
            JOIN pg_class s ON s.oid = con.conrelid
            JOIN pg_namespace sn ON sn.oid = s.relnamespace
            JOIN pg_class t ON t.oid = con.confrelid
            JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE con.contype = 'f' AND sn.nspname <> tn.nspname
            """
        )
        cross = c.fetchall()
        c.execute(
            """
            SELECT DISTINCT n.nspname, cl.relname
            FROM pg_index i
            JOIN pg_class cl ON cl.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = ANY (i.indkey)
            WHERE i.indisprimary AND n.nspname IN ('public', 'changshan')
              AND a.atttypid IN ('int2'::regtype, 'int4'::regtype)
            ORDER BY 2, 1
            """
        )
        narrow = [f"{schema}.{table}" for schema, table in c.fetchall()]
    own = [t for t in narrow if t.split(".", 1)[1].startswith(OWN_TABLE_PREFIXES)]
    others = sorted({t.split(".", 1)[1] for t in narrow if t not in own})
    return cross, own, others


@pytest.mark.django_db
def test_schema_design_keeps_citus_schema_sharding_possible() -> None:
    cross, own, _others = design_checks()
    assert cross == [], cross
    assert own == [], own
