"""Redemption at the counter: beans and stock in one transaction, idempotent, never an
overdraft, cancellable the same day; and 50 racing redemptions on one household."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from governance.models import Household
from rewards import services
from rewards.ledger import ledger_verify
from rewards.models import BeanAccount, LedgerEntry, Merchant, Product, Redemption
from tenants.errors import ApplicationError, Conflict
from tenants.models import Township
from tests.fixtures import committed
from tests.rewards.conftest import actor, give


def household_in(merchant: Merchant, *, skip: int = 0) -> Household:
    return Household.objects.filter(unit__path__startswith=merchant.village.path).order_by(
        "number"
    )[skip]


def balance(household: Household) -> int:
    account = BeanAccount.objects.filter(household=household).first()
    return account.balance if account else 0


@pytest.mark.django_db
def test_the_counter_flow_through_the_api(api, shop) -> None:
    merchant, product = shop
    with schema_context("changshan"):
        household = household_in(merchant, skip=3)
        give(household, 35, key="test:counter")
        before = balance(household)
    client = api("changshan", "merchant")
    looked = client.get(
        f"/api/v1/redemptions/lookup/?card=JFB1:changshan:{household.card_code}"
    ).json()
    assert looked["household"] == household.pk
    assert looked["balance"] == before
    assert "*" in looked["head"]  # the counter sees a masked name
    body = {
        "merchant": merchant.pk,
        "card": household.card_code,
        "lines": [{"product": product.pk, "quantity": 2}],
    }
    first = client.post(
        "/api/v1/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY="till-3-0042"
    )
    assert first.status_code == 201, first.content
    retry = client.post(
        "/api/v1/redemptions/", body, format="json", HTTP_IDEMPOTENCY_KEY="till-3-0042"
    )
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    with schema_context("changshan"):
        assert balance(household) == before - 20
        assert Product.objects.get(pk=product.pk).stock == 3
        entry = LedgerEntry.objects.get(source_type="redemption", source_id=first.json()["id"])
        assert (entry.amount, entry.kind) == (-20, "redemption")
    # the household sees it in its ledger
    resident_view = (
        api("changshan", "town_admin").get(f"/api/v1/ledger/?household={household.pk}").json()
    )
    assert resident_view["results"][0]["kind"] == "redemption"


@pytest.mark.django_db
def test_overdraft_and_out_of_stock_are_refused_with_clear_errors(api, shop) -> None:
    merchant, product = shop
    with schema_context("changshan"):
        household = household_in(merchant, skip=5)
        start = balance(household)
        give(household, 25 - start if start < 25 else 0, key="test:overdraft")
        have = balance(household)
    client = api("changshan", "merchant")
    too_much = {
        "merchant": merchant.pk,
        "card": household.card_code,
        "lines": [{"product": product.pk, "quantity": have // 10 + 1}],
    }
    if have // 10 + 1 <= 5:
        response = client.post("/api/v1/redemptions/", too_much, format="json")
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "insufficient_beans"
        assert "余额不足" in response.json()["errors"][0]["detail"]
    no_stock = {
        "merchant": merchant.pk,
        "card": household.card_code,
        "lines": [{"product": product.pk, "quantity": 6}],
    }
    response = client.post("/api/v1/redemptions/", no_stock, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "out_of_stock"
    with schema_context("changshan"):
        assert balance(household) == have
        assert Product.objects.get(pk=product.pk).stock == 5


@pytest.mark.django_db
def test_only_the_merchants_operators_redeem(api, shop) -> None:
    merchant, product = shop
    with schema_context("changshan"):
        household = household_in(merchant)
    body = {
        "merchant": merchant.pk,
        "card": household.card_code,
        "lines": [{"product": product.pk}],
    }
    for role in ("village_leader", "group_leader", "resident"):
        assert (
            api("changshan", role).post("/api/v1/redemptions/", body, format="json").status_code
            == 403
        )


@pytest.mark.django_db
def test_cancel_the_same_day_reverses_and_returns_stock(shop) -> None:
    merchant, product = shop
    with schema_context("changshan"):
        operator = actor("merchant")
        household = household_in(merchant, skip=7)
        give(household, 40, key="test:cancel")
        before = balance(household)
        redemption, _ = services.redemption_create(
            actor=operator,
            merchant=merchant,
            household=household,
            lines=[services.RedemptionLineInput(product, 3)],
        )
        assert balance(household) == before - 30
        services.redemption_cancel(actor=operator, redemption=redemption, reason="顾客退货")
        assert balance(household) == before
        assert Product.objects.get(pk=product.pk).stock == 5
        reversal = Redemption.objects.get(pk=redemption.pk).cancel_entry
        assert (reversal.amount, reversal.reverses_id) == (30, redemption.entry_id)
        with pytest.raises(Conflict) as excinfo:
            services.redemption_cancel(actor=operator, redemption=redemption, reason="再撤")
        assert excinfo.value.code == "already_cancelled"
        other, _ = services.redemption_create(
            actor=operator,
            merchant=merchant,
            household=household,
            lines=[services.RedemptionLineInput(product, 1)],
        )
        with pytest.raises(Conflict) as excinfo:
            services.redemption_cancel(
                actor=operator,
                redemption=other,
                reason="次日",
                at=timezone.now() + timedelta(days=1),
            )
        assert excinfo.value.code == "not_same_day"
        assert ledger_verify() == []


@pytest.mark.django_db
def test_a_household_barred_from_preferential_policies_cannot_take_them(shop) -> None:
    merchant, _ = shop
    with schema_context("changshan"):
        admin = actor("town_admin")
        bank = Merchant.objects.get(kind="bank")
        preferential = Product.objects.get(merchant=bank, is_preferential=True)
        plain = Product.objects.get(merchant=bank, is_preferential=False)
        household = household_in(merchant, skip=9)
        give(household, 500, key="test:pref")
        services.negative_entry_create(
            actor=admin,
            household=household,
            kind="no_preferential_policies",
            reason="拒不整改违建",
            starts_on=timezone.localdate(),
        )
        with pytest.raises(ApplicationError) as excinfo:
            services.redemption_create(
                actor=admin,
                merchant=bank,
                household=household,
                lines=[services.RedemptionLineInput(preferential, 1)],
            )
        assert excinfo.value.code == "negative_list"
        services.redemption_create(
            actor=admin,
            merchant=bank,
            household=household,
            lines=[services.RedemptionLineInput(plain, 1)],
        )


def test_fifty_parallel_redemptions_against_a_balance_for_exactly_ten(django_db_blocker) -> None:
    """50 threads, each on its own database connection, redeem 10 beans from a household
    holding exactly 100: exactly 10 succeed, the balance ends at 0, the stock is right,
    and verify_ledger is clean. Runs on a throwaway township, dropped afterwards."""
    from tenants.services import township_create

    slug = "racetown"
    with committed(django_db_blocker):
        township_create(slug=slug, name="并发镇", county_slug="zouping", template_code="changshan")
        try:
            with schema_context(slug):
                from governance import services as grid

                admin = actor("town_admin", slug)
                village = grid.unit_create(actor=admin, name="并发村")
                micro = grid.unit_create(actor=admin, name="第1微网格", parent=village)
                group = grid.unit_create(actor=admin, name="第1联户小组", parent=micro)
                household = grid.household_create(actor=admin, unit=group, number="R-001")
                merchant = services.merchant_create(
                    actor=admin, name="并发村共富超市", kind="supermarket", village=village
                )
                product = services.product_save(
                    actor=admin, merchant=merchant, name="面粉", bean_price=10, stock=30
                )
                from django.db import transaction

                with transaction.atomic():
                    give(household, 100, key="race:seed")
            township = Township.objects.get(schema_name=slug)
            outcomes: list[str] = []
            lock = threading.Lock()
            barrier = threading.Barrier(50)

            def redeem(index: int) -> None:
                try:
                    with schema_context(slug):
                        me = actor("town_admin", slug)
                        me.township = township
                        barrier.wait(timeout=30)
                        services.redemption_create(
                            actor=me,
                            merchant=Merchant.objects.get(pk=merchant.pk),
                            household=Household.objects.get(pk=household.pk),
                            lines=[
                                services.RedemptionLineInput(Product.objects.get(pk=product.pk), 1)
                            ],
                            idempotency_key=f"race-{index}",
                        )
                    result = "ok"
                except Conflict as exc:
                    result = exc.code
                except Exception as exc:
                    result = repr(exc)
                finally:
                    connections.close_all()
                with lock:
                    outcomes.append(result)

            threads = [threading.Thread(target=redeem, args=(i,)) for i in range(50)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert len(outcomes) == 50
            assert outcomes.count("ok") == 10, outcomes
            assert outcomes.count("insufficient_beans") == 40, outcomes
            with schema_context(slug):
                assert BeanAccount.objects.get(household=household).balance == 0
                assert Product.objects.get(pk=product.pk).stock == 20
                assert Redemption.objects.count() == 10
                assert LedgerEntry.objects.filter(kind="redemption").count() == 10
            call_command("verify_ledger", township=slug)
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
            Township.objects.filter(schema_name=slug).delete()
