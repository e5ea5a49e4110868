"""The ledger: credited once, append-only in the database, never negative, verifiable."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from rewards.ledger import ledger_verify, month_credit
from rewards.models import BeanAccount, LedgerEntry, MonthCredit
from scoring import services as scoring
from tests.rewards.conftest import give
from tests.scoring.conftest import AFTER_PAST

pytestmark = pytest.mark.django_db


def final_month(g):  # type: ignore[no-untyped-def]
    month = scoring.month_close(actor=g.admin, month=g.month, at=AFTER_PAST)
    return scoring.month_publish(actor=g.admin, month=month, override_reason="测试", at=AFTER_PAST)


def test_finalizing_credits_each_household_exactly_once(small_changshan) -> None:
    g = small_changshan(3)
    g.approve(g.households[0], "DZ02")  # +5
    g.approve(g.households[1], "DZ01", quantity=2)  # +6
    month = final_month(g)
    after = month.publicity_ends_at
    scoring.month_finalize(actor=g.admin, month=month, at=after)
    entries = LedgerEntry.objects.filter(source_type="month", source_id=month.pk)
    assert sorted(entries.values_list("account__household_id", "amount")) == sorted(
        [(g.households[0].pk, 5), (g.households[1].pk, 6)]
    )
    scoring.month_finalize(actor=g.admin, month=month, at=after)  # again: a no-op
    assert (
        month_credit(month=month, ratio=g.township.settings.points_to_beans, actor_user=None)
        is None
    )
    assert LedgerEntry.objects.filter(source_type="month", source_id=month.pk).count() == 2
    assert MonthCredit.objects.get(month=month).beans == 11
    assert ledger_verify() == []


def test_weiqiao_converts_points_at_its_ratio(small_weiqiao) -> None:
    g = small_weiqiao(2)
    g.approve(g.households[0], "CW01")  # +3 points, 1 point = 2 棉花豆
    month = final_month(g)
    scoring.month_finalize(actor=g.admin, month=month, at=month.publicity_ends_at)
    assert BeanAccount.objects.get(household=g.households[0]).balance == 6


def test_a_negative_month_empties_the_balance_and_carries_the_rest(small_changshan) -> None:
    g = small_changshan(2)
    household = g.households[1]
    give(household, 3, key="test:seed:neg")
    g.approve(household, "FZ02")  # −5
    g.approve(household, "ZZ01")  # +2
    g.approve(household, "FZ02", day=12)  # −5: the month is −8 points = −8 山药豆
    month = final_month(g)
    scoring.month_finalize(actor=g.admin, month=month, at=month.publicity_ends_at)
    account = BeanAccount.objects.get(household=household)
    assert (account.balance, account.deficit) == (0, 5)  # 3 taken, 5 still owed
    debit = LedgerEntry.objects.get(account=account, kind="month_debit")
    assert (debit.amount, debit.deficit_change, debit.balance_after) == (-3, 5, 0)
    assert ledger_verify() == []


def test_a_later_credit_pays_the_deficit_first(small_changshan) -> None:
    from tests.scoring.conftest import PAST

    g = small_changshan(2)
    household = g.households[1]
    g.approve(household, "FZ02")  # −5 with an empty account: all of it becomes deficit
    month = final_month(g)
    scoring.month_finalize(actor=g.admin, month=month, at=month.publicity_ends_at)
    assert BeanAccount.objects.get(household=household).deficit == 5
    from scoring.models import Month

    g.month = Month.objects.create(period=PAST.replace(month=4))
    g.approve(household, "DZ01", quantity=4)  # +12
    nxt = scoring.month_close(actor=g.admin, month=g.month, at=AFTER_PAST.replace(month=5))
    nxt = scoring.month_publish(
        actor=g.admin, month=nxt, override_reason="测试", at=AFTER_PAST.replace(month=5)
    )
    scoring.month_finalize(actor=g.admin, month=nxt, at=nxt.publicity_ends_at)
    account = BeanAccount.objects.get(household=household)
    assert (account.balance, account.deficit) == (7, 0)  # 12 − 5
    kinds = list(
        LedgerEntry.objects.filter(account=account)
        .order_by("id")
        .values_list("kind", "amount", "balance_after")
    )
    assert kinds == [("month_debit", 0, 0), ("month_credit", 12, 12), ("deficit_settlement", -5, 7)]
    assert ledger_verify() == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rewards_ledgerentry SET amount = amount + 100",
        "DELETE FROM rewards_ledgerentry",
        "TRUNCATE rewards_ledgerentry CASCADE",
    ],
)
def test_plain_sql_cannot_update_or_delete_the_ledger(statement) -> None:
    with schema_context("changshan"):
        assert LedgerEntry.objects.exists()
        before = list(LedgerEntry.objects.order_by("id").values_list("id", "amount")[:50])
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
        assert list(LedgerEntry.objects.order_by("id").values_list("id", "amount")[:50]) == before


def test_a_new_township_has_the_same_guard() -> None:
    from tenants.services import township_create

    township_create(slug="guardtest", name="守护镇", county_slug="zouping", template_code="weiqiao")
    with schema_context("guardtest"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'guardtest' AND c.relname = 'rewards_ledgerentry' AND NOT t.tgisinternal"
        )
        assert cursor.fetchone()[0] == 2


def test_verify_ledger_finds_a_tampered_balance() -> None:
    call_command("verify_ledger", township="changshan")  # clean: no exception
    with schema_context("changshan"):
        account = BeanAccount.objects.filter(balance__gt=0).first()
        BeanAccount.objects.filter(pk=account.pk).update(balance=account.balance + 1)
    with pytest.raises(CommandError, match="ledger check failed"):
        call_command("verify_ledger", township="changshan")
