"""Reads of the rewards app, scoped to an actor (fail-closed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from governance.actors import VIEW, Actor
from governance.selectors import forbidden, household_scope
from rewards.models import (
    AnnualAward,
    BeanAccount,
    LedgerEntry,
    Merchant,
    MerchantUserObjectPermission,
    NegativeListEntry,
    Product,
    Redemption,
    RedemptionLine,
    TierRating,
)
from scoring.services import next_period
from tenants.errors import NotFound


def operated_merchant_ids(actor: Actor) -> list[int]:
    return list(
        MerchantUserObjectPermission.objects.filter(
            user=actor.user, permission__codename="operate_merchant"
        ).values_list("content_object_id", flat=True)
    )


# ---------------------------------------------------------------- ledger
def entry_list_for(*, actor: Actor) -> QuerySet[LedgerEntry]:
    """Ledger entries of the households the actor sees (a resident: their own)."""
    return (
        LedgerEntry.objects.filter(household_scope(actor, "account__household"))
        .select_related("account", "account__household", "actor")
        .order_by("-created_at", "-id")
    )


def account_list_for(*, actor: Actor) -> QuerySet[BeanAccount]:
    return BeanAccount.objects.filter(household_scope(actor, "household")).select_related(
        "household"
    )


# ---------------------------------------------------------------- merchants
def merchant_list_for(*, actor: Actor) -> QuerySet[Merchant]:
    """Where beans can be spent: every active merchant is public within the township; the
    admin also sees inactive ones, an operator their own."""
    visible = Q(is_active=True) | Q(pk__in=operated_merchant_ids(actor))
    if actor.is_township_admin:
        visible = Q()
    return Merchant.objects.filter(visible).select_related("village").order_by("kind", "name")


def merchant_get_for(*, actor: Actor, merchant_id: int) -> Merchant:
    merchant = merchant_list_for(actor=actor).filter(pk=merchant_id).first()
    if merchant is None:
        raise NotFound("没有找到该兑换点。", code="merchant_not_found")
    return merchant


def product_list_for(*, actor: Actor) -> QuerySet[Product]:
    merchants = merchant_list_for(actor=actor).values("pk")
    return (
        Product.objects.filter(merchant__in=merchants)
        .select_related("merchant")
        .order_by("merchant_id", "bean_price", "id")
    )


def redemption_list_for(*, actor: Actor) -> QuerySet[Redemption]:
    """An operator sees their merchants' redemptions; leaders those of households in reach;
    a resident their own household's; the admin all."""
    scope = household_scope(actor, "household") | Q(merchant_id__in=operated_merchant_ids(actor))
    return (
        Redemption.objects.filter(scope)
        .select_related("merchant", "household", "operator", "cancelled_by")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def redemption_get_for(*, actor: Actor, redemption_id: int) -> Redemption:
    redemption = redemption_list_for(actor=actor).filter(pk=redemption_id).first()
    if redemption is None:
        raise NotFound("没有找到该兑换记录。", code="redemption_not_found")
    return redemption


def settlement_for(*, actor: Actor, merchant: Merchant, period: date) -> dict[str, Any]:
    """A merchant's month: items and beans redeemed (cancelled ones excluded), for the village
    to reimburse the shop. The admin and the merchant's operators only."""
    from rewards.services import can_operate

    if not can_operate(actor, merchant):
        raise forbidden("manage")
    start, end = period, next_period(period)
    lines = (
        RedemptionLine.objects.filter(
            redemption__merchant=merchant,
            redemption__status=Redemption.Status.COMPLETED,
            redemption__created_at__date__gte=start,
            redemption__created_at__date__lt=end,
        )
        .values("product_id", "product_name", "unit_price")
        .annotate(
            quantity=Sum("quantity"),
            beans=Sum("beans"),
            redemptions=Count("redemption", distinct=True),
        )
        .order_by("product_name", "unit_price")
    )
    items = list(lines)
    return {
        "merchant": {"id": merchant.pk, "name": merchant.name},
        "month": period.strftime("%Y-%m"),
        "items": items,
        "total_beans": sum(i["beans"] for i in items),
        "total_quantity": sum(i["quantity"] for i in items),
        "redemptions": Redemption.objects.filter(
            merchant=merchant,
            status=Redemption.Status.COMPLETED,
            created_at__date__gte=start,
            created_at__date__lt=end,
        ).count(),
    }


# ---------------------------------------------------------------- tiers, awards, negative list
def tier_list_for(*, actor: Actor, quarter: str) -> QuerySet[TierRating]:
    return (
        TierRating.objects.filter(actor.scope_q(VIEW, "unit__path"), quarter=quarter)
        .select_related("unit", "unit__level")
        .order_by("level_depth", "rank", "unit_id")
    )


def award_list_for(*, actor: Actor, year: int) -> QuerySet[AnnualAward]:
    return (
        AnnualAward.objects.filter(household_scope(actor, "household"), year=year)
        .select_related("household", "village")
        .order_by("village__path", "rank")
    )


def negative_list_for(*, actor: Actor) -> QuerySet[NegativeListEntry]:
    """Only those who decide on them (village grid leaders for their village, the admin)."""
    return (
        NegativeListEntry.objects.filter(actor.scope_q("audit", "household__unit__path"))
        .select_related("household", "household__unit", "created_by", "removed_by")
        .order_by("-starts_on", "-id")
    )


def award_get_for(*, actor: Actor, year: int, household_id: int) -> AnnualAward:
    """A household's award of the year, if the actor can see the household (else 404)."""
    award = award_list_for(actor=actor, year=year).filter(household_id=household_id).first()
    if award is None:
        raise NotFound("该户没有本年度的评优记录。", code="award_not_found")
    return award
