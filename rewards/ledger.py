"""The bean ledger's two primitives. Every balance change in the product goes through them.

Invariants (docs/adr/0005-bean-ledger.md):
- ``account.balance`` = Σ entry.amount and ``account.deficit`` = Σ entry.deficit_change;
- a balance never goes below zero: the account row is locked (SELECT … FOR UPDATE) for the
  whole transaction, so concurrent spends serialize on it, and the database refuses a
  negative balance anyway (CHECK constraints on the account and on ``balance_after``);
- an idempotency key is unique: a retried credit or spend is recorded once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from governance.models import Household
from rewards.models import BeanAccount, LedgerEntry, MonthCredit
from scoring.models import HouseholdMonthResult, Month
from tenants.accounts.models import User
from tenants.errors import Conflict


class InsufficientBeans(Conflict):
    default_code = "insufficient_beans"


def beans_for(points: int, ratio: Decimal) -> int:
    """Points → beans: × the township's ratio, rounded half away from zero."""
    value = (Decimal(points) * ratio).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return int(value)


def account_locked(*, household: Household | int) -> BeanAccount:
    """The household's account, created on first use, locked until the transaction ends."""
    household_id = household if isinstance(household, int) else household.pk
    BeanAccount.objects.get_or_create(household_id=household_id)
    return BeanAccount.objects.select_for_update().get(household_id=household_id)


def ledger_post(
    *,
    account: BeanAccount,
    kind: str,
    amount: int,
    source_type: str,
    source_id: int,
    idempotency_key: str,
    actor_user: User | None = None,
    note: str = "",
    reverses: LedgerEntry | None = None,
    deficit_change: int = 0,
    at: datetime | None = None,
) -> tuple[LedgerEntry, bool]:
    """Append one entry to a LOCKED account and move its balance; (entry, created).

    A key seen before returns the earlier entry and changes nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger_post runs inside the caller's transaction")
    existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    new_balance = account.balance + amount
    if new_balance < 0:
        raise InsufficientBeans(
            f"积分豆余额不足：当前 {account.balance}，需要 {-amount}。", code="insufficient_beans"
        )
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        deficit_change=deficit_change,
        balance_after=new_balance,
        source_type=source_type,
        source_id=source_id,
        reverses=reverses,
        actor=actor_user,
        note=note[:200],
        idempotency_key=idempotency_key,
        created_at=at or timezone.now(),
    )
    account.balance = new_balance
    account.deficit += deficit_change
    account.save(update_fields=["balance", "deficit", "updated_at"])
    return entry, True


def month_credit(*, month: Month, ratio: Decimal, actor_user: User | None) -> MonthCredit | None:
    """Credit a final month's beans to every household, exactly once (set-based SQL).

    Positive beans first pay off the household's deficit; negative beans take what the
    balance holds and carry the rest as deficit (a balance never goes negative, and a
    deduction is not forgotten). Returns None when the month was credited before.
    """
    credit, created = MonthCredit.objects.get_or_create(
        month=month, defaults={"ratio": ratio, "households": 0, "beans": 0}
    )
    if not created:
        return None
    hr = HouseholdMonthResult._meta.db_table
    acc = BeanAccount._meta.db_table
    entry = LedgerEntry._meta.db_table
    params = {"month": month.pk, "ratio": ratio, "actor": getattr(actor_user, "pk", None)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {acc} (household_id, balance, deficit, updated_at)
            SELECT household_id, 0, 0, now() FROM {hr} WHERE month_id = %(month)s AND points <> 0
            ON CONFLICT (household_id) DO NOTHING
            """,  # noqa: S608
            params,
        )
        # Lock the accounts this month moves (in id order: no deadlock with a redemption).
        cursor.execute(
            f"""
            SELECT 1 FROM {acc} WHERE household_id IN (
                SELECT household_id FROM {hr} WHERE month_id = %(month)s AND points <> 0
            ) ORDER BY id FOR UPDATE
            """,  # noqa: S608
            params,
        )
        cursor.execute(
            f"""
            CREATE TEMP TABLE rewards_month_credit ON COMMIT DROP AS
            SELECT a.id AS account_id, a.household_id, a.balance AS bal, a.deficit AS def, s.beans AS b,
                   CASE WHEN s.beans >= 0 THEN LEAST(s.beans, a.deficit) ELSE 0 END AS settle,
                   CASE WHEN s.beans < 0 THEN LEAST(-s.beans, a.balance) ELSE 0 END AS debit
            FROM (
                SELECT household_id, ROUND(points * %(ratio)s)::integer AS beans
                FROM {hr} WHERE month_id = %(month)s AND points <> 0
            ) s
            JOIN {acc} a ON a.household_id = s.household_id
            WHERE s.beans <> 0
            """,  # noqa: S608
            params,
        )
        cursor.execute(
            f"""
            INSERT INTO {entry} (account_id, kind, amount, deficit_change, balance_after, source_type, source_id,
                                 actor_id, note, idempotency_key, created_at)
            SELECT account_id,
                   CASE WHEN b >= 0 THEN 'month_credit' ELSE 'month_debit' END,
                   CASE WHEN b >= 0 THEN b ELSE -debit END,
                   CASE WHEN b >= 0 THEN 0 ELSE -b - debit END,
                   CASE WHEN b >= 0 THEN bal + b ELSE bal - debit END,
                   'month', %(month)s, %(actor)s, '',
                   'month:' || %(month)s || ':household:' || household_id, now()
            FROM rewards_month_credit ORDER BY household_id
            """,  # noqa: S608
            params,
        )
        households = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {entry} (account_id, kind, amount, deficit_change, balance_after, source_type, source_id,
                                 actor_id, note, idempotency_key, created_at)
            SELECT account_id, 'deficit_settlement', -settle, -settle, bal + b - settle, 'month', %(month)s,
                   %(actor)s, '', 'month:' || %(month)s || ':settle:' || household_id, now()
            FROM rewards_month_credit WHERE settle > 0 ORDER BY household_id
            """,  # noqa: S608
            params,
        )
        cursor.execute(
            f"""
            UPDATE {acc} a SET
                balance = CASE WHEN c.b >= 0 THEN c.bal + c.b - c.settle ELSE c.bal - c.debit END,
                deficit = CASE WHEN c.b >= 0 THEN c.def - c.settle ELSE c.def - c.b - c.debit END,
                updated_at = now()
            FROM rewards_month_credit c WHERE a.id = c.account_id
            """,  # noqa: S608
        )
        cursor.execute("SELECT COALESCE(SUM(b), 0) FROM rewards_month_credit")
        beans = cursor.fetchone()[0]
        cursor.execute("DROP TABLE rewards_month_credit")
    credit.households = households
    credit.beans = beans
    credit.save(update_fields=["households", "beans"])
    return credit


def ledger_verify() -> list[str]:
    """Every account whose cached balance or deficit differs from its entries, or whose
    entries' running balance is inconsistent (empty list = clean)."""
    acc = BeanAccount._meta.db_table
    entry = LedgerEntry._meta.db_table
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.id, a.household_id, a.balance, a.deficit,
                   COALESCE(SUM(e.amount), 0), COALESCE(SUM(e.deficit_change), 0)
            FROM {acc} a LEFT JOIN {entry} e ON e.account_id = a.id
            GROUP BY a.id
            HAVING a.balance <> COALESCE(SUM(e.amount), 0) OR a.deficit <> COALESCE(SUM(e.deficit_change), 0)
                OR a.balance < 0 OR a.deficit < 0
            """  # noqa: S608
        )
        problems += [
            f"account {row[0]} (household {row[1]}): balance {row[2]} vs entries {row[4]}, "
            f"deficit {row[3]} vs entries {row[5]}"
            for row in cursor.fetchall()
        ]
        cursor.execute(
            f"""
            SELECT account_id, id, balance_after, running FROM (
                SELECT account_id, id, balance_after,
                       SUM(amount) OVER (PARTITION BY account_id ORDER BY id) AS running
                FROM {entry}
            ) x WHERE balance_after <> running OR running < 0
            """  # noqa: S608
        )
        problems += [
            f"account {row[0]}: entry {row[1]} says balance {row[2]}, running sum is {row[3]}"
            for row in cursor.fetchall()
        ]
    return problems
