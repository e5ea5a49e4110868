"""The ledger is append-only in the database itself, whatever the application does."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION rewards_ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rewards_ledgerentry is append-only: % refused; record a reversing entry instead', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER rewards_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON rewards_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION rewards_ledger_append_only();
CREATE TRIGGER rewards_ledgerentry_no_truncate
    BEFORE TRUNCATE ON rewards_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION rewards_ledger_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS rewards_ledgerentry_no_truncate ON rewards_ledgerentry;
DROP TRIGGER IF EXISTS rewards_ledgerentry_append_only ON rewards_ledgerentry;
DROP FUNCTION IF EXISTS rewards_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_ledger_merchants_awards")]

    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, reverse_sql=REVERSE)]
