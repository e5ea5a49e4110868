"""Writes of the rewards app: crediting months, merchants and redemptions, quarterly tiers,
annual awards and the negative list. One transaction each; rules live here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from governance.actors import AUDIT, Actor
from governance.audit import audit_record
from governance.models import GridLevel, GridUnit, Household
from governance.selectors import forbidden
from rewards.ledger import InsufficientBeans, account_locked, ledger_post, month_credit
from rewards.models import (
    AnnualAward,
    LedgerEntry,
    Merchant,
    MerchantUserObjectPermission,
    MonthCredit,
    NegativeListEntry,
    Product,
    Redemption,
    RedemptionLine,
    TierRating,
    TierShare,
)
from rewards.tiers import rank_units, split_award
from scoring.models import HouseholdMonthResult, Month
from scoring.services import township_now, township_of_connection
from tenants.accounts.models import User
from tenants.errors import ApplicationError, Conflict, NotFound, PermissionDenied

NK = NegativeListEntry.Kind


def _require_admin(actor: Actor) -> None:
    if not actor.is_township_admin:
        raise forbidden("manage")


# ---------------------------------------------------------------- months → beans
def month_credit_final(*, month: Month, actor: Actor | None) -> MonthCredit | None:
    """Credit a month that just became final (called inside the finalizing transaction), and
    record the month's figures for the county."""
    from rewards.rollups import township_month_rollup_compute

    township = township_of_connection()
    credit = month_credit(
        month=month,
        ratio=township.settings.points_to_beans,
        actor_user=actor.user if actor else None,
    )
    township_month_rollup_compute(township=township, month=month)
    return credit


# ---------------------------------------------------------------- negative list
def restrictions_in_force(*, household_ids: list[int], on: date) -> dict[int, set[str]]:
    """The negative-list kinds in force for each household on a day (removed ones are not)."""
    rows = NegativeListEntry.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        household_id__in=household_ids,
        starts_on__lte=on,
        removed_at__isnull=True,
    ).values_list("household_id", "kind")
    result: dict[int, set[str]] = {}
    for household_id, kind in rows:
        result.setdefault(household_id, set()).add(kind)
    return result


@transaction.atomic
def negative_entry_create(
    *,
    actor: Actor,
    household: Household,
    kind: str,
    reason: str,
    starts_on: date,
    ends_on: date | None = None,
) -> NegativeListEntry:
    """The village grid leader (for the village) or the township admin lists a household."""
    if not actor.can(AUDIT, household.unit.path):
        raise forbidden(AUDIT)
    if kind not in NK.values:
        raise ApplicationError("惩戒类型无效。", code="invalid_choice", attr="kind")
    if not (reason or "").strip():
        raise ApplicationError("请填写事由。", code="required", attr="reason")
    if ends_on and ends_on < starts_on:
        raise ApplicationError("结束日期不能早于开始日期。", code="invalid_range", attr="ends_on")
    entry = NegativeListEntry.objects.create(
        household=household,
        kind=kind,
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="negative_list.create",
        obj=entry,
        after={
            "household": household.number,
            "kind": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on,
        },
    )
    return entry


@transaction.atomic
def negative_entry_rectify(
    *, actor: Actor, entry: NegativeListEntry, rectification: str
) -> NegativeListEntry:
    entry = (
        NegativeListEntry.objects.select_for_update()
        .select_related("household__unit")
        .get(pk=entry.pk)
    )
    if not actor.can(AUDIT, entry.household.unit.path):
        raise forbidden(AUDIT)
    if not (rectification or "").strip():
        raise ApplicationError("请填写整改情况。", code="required", attr="rectification")
    entry.rectification = rectification.strip()
    entry.rectified_at = timezone.now()
    entry.save(update_fields=["rectification", "rectified_at"])
    audit_record(
        actor=actor,
        action="negative_list.rectify",
        obj=entry,
        after={"rectification": entry.rectification},
    )
    return entry


@transaction.atomic
def negative_entry_remove(*, actor: Actor, entry: NegativeListEntry) -> NegativeListEntry:
    """Take a household off the list after rectification (the entry stays, marked removed)."""
    entry = (
        NegativeListEntry.objects.select_for_update()
        .select_related("household__unit")
        .get(pk=entry.pk)
    )
    if not actor.can(AUDIT, entry.household.unit.path):
        raise forbidden(AUDIT)
    if entry.removed_at is not None:
        return entry
    if not entry.rectification:
        raise Conflict("请先登记整改情况，再移出负面清单。", code="not_rectified")
    entry.removed_at = timezone.now()
    entry.removed_by = actor.user
    entry.save(update_fields=["removed_at", "removed_by"])
    audit_record(actor=actor, action="negative_list.remove", obj=entry)
    return entry


# ---------------------------------------------------------------- merchants and products
@transaction.atomic
def merchant_create(
    *, actor: Actor, name: str, kind: str, village: GridUnit | None = None, address: str = ""
) -> Merchant:
    _require_admin(actor)
    if kind not in Merchant.Kind.values:
        raise ApplicationError("兑换点类型无效。", code="invalid_choice", attr="kind")
    if kind == Merchant.Kind.SUPERMARKET and (village is None or not village.level.is_village):
        raise ApplicationError("共富超市须属于一个村。", code="village_required", attr="village")
    merchant = Merchant.objects.create(
        name=name.strip(), kind=kind, village=village, address=address.strip()
    )
    audit_record(
        actor=actor,
        action="merchant.create",
        obj=merchant,
        after={"name": name, "kind": kind, "village": village},
    )
    return merchant


@transaction.atomic
def merchant_operator_set(
    *, actor: Actor, merchant: Merchant, user: User, operates: bool
) -> Merchant:
    """Grant (or revoke) ``operate_merchant`` on this merchant: the guardian object permission."""
    _require_admin(actor)
    permission = Permission.objects.get(
        content_type__app_label="rewards", codename="operate_merchant"
    )
    if operates:
        MerchantUserObjectPermission.objects.get_or_create(
            user=user, permission=permission, content_object=merchant
        )
    else:
        MerchantUserObjectPermission.objects.filter(
            user=user, permission=permission, content_object=merchant
        ).delete()
    audit_record(
        actor=actor,
        action="merchant.operator_grant" if operates else "merchant.operator_revoke",
        obj=merchant,
        after={"user": user.get_username()},
    )
    return merchant


def can_operate(actor: Actor, merchant: Merchant) -> bool:
    return (
        actor.is_township_admin
        or MerchantUserObjectPermission.objects.filter(
            user=actor.user, content_object=merchant, permission__codename="operate_merchant"
        ).exists()
    )


PRODUCT_FIELDS = {
    "name",
    "unit",
    "bean_price",
    "stock",
    "is_preferential",
    "active_from",
    "active_to",
    "is_active",
}


@transaction.atomic
def product_save(
    *, actor: Actor, merchant: Merchant, product: Product | None = None, **fields: Any
) -> Product:
    """Create or edit a product; the township admin or the merchant's operator."""
    if not can_operate(actor, merchant):
        raise forbidden("manage")
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise ApplicationError(
            f"未知字段：{'、'.join(sorted(unknown))}", code="invalid", attr=sorted(unknown)[0]
        )
    if product is None:
        product = Product(merchant=merchant)
    elif product.merchant_id != merchant.pk:
        raise NotFound("没有找到该商品。", code="product_not_found")
    for key, value in fields.items():
        setattr(product, key, value)
    if not product.name or not product.name.strip():
        raise ApplicationError("商品名称不能为空。", code="required", attr="name")
    if product.bean_price is None or product.bean_price < 1:
        raise ApplicationError("所需积分豆至少为 1。", code="invalid_price", attr="bean_price")
    if product.active_from and product.active_to and product.active_to < product.active_from:
        raise ApplicationError("下架日期不能早于上架日期。", code="invalid_range", attr="active_to")
    product.save()
    audit_record(
        actor=actor,
        action="product.save",
        obj=product,
        after={k: str(v) for k, v in fields.items()},
    )
    return product


# ---------------------------------------------------------------- redemptions
@dataclass
class RedemptionLineInput:
    product: Product
    quantity: int


def _fingerprint(merchant: Merchant, household: Household, lines: list[RedemptionLineInput]) -> str:
    payload = [merchant.pk, household.pk, sorted((ln.product.pk, ln.quantity) for ln in lines)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@transaction.atomic
def redemption_create(
    *,
    actor: Actor,
    merchant: Merchant,
    household: Household,
    lines: list[RedemptionLineInput],
    idempotency_key: str = "",
    at: datetime | None = None,
) -> tuple[Redemption, bool]:
    """Spend a household's beans at the counter: debit and stock in one transaction.

    The household's account row is locked first, then the products in id order, so
    concurrent redemptions for one household serialize and none can overdraw it (the
    database's CHECK would refuse a negative balance anyway). A retried request with the
    same Idempotency-Key returns the first redemption.
    """
    if not can_operate(actor, merchant):
        raise forbidden("manage")
    if not merchant.is_active:
        raise Conflict("该兑换点已停止营业。", code="merchant_inactive")
    if not lines:
        raise ApplicationError("请选择要兑换的商品。", code="empty", attr="lines")
    fingerprint = _fingerprint(merchant, household, lines)
    if idempotency_key:
        previous = Redemption.objects.filter(
            operator=actor.user, idempotency_key=idempotency_key
        ).first()
        if previous is not None:
            if previous.request_fingerprint != fingerprint:
                raise Conflict(
                    "该 Idempotency-Key 已用于另一次不同的兑换。", code="idempotency_key_reused"
                )
            return previous, False
    township = township_of_connection()
    today = township_now(township, at).date()
    account = account_locked(household=household)
    if idempotency_key:  # a concurrent retry may have committed while we waited for the lock
        previous = Redemption.objects.filter(
            operator=actor.user, idempotency_key=idempotency_key
        ).first()
        if previous is not None:
            return previous, False
    products = {
        p.pk: p
        for p in Product.objects.select_for_update()
        .filter(pk__in=[ln.product.pk for ln in lines])
        .order_by("pk")
    }
    restrictions = restrictions_in_force(household_ids=[household.pk], on=today).get(
        household.pk, set()
    )
    errors, total = _redemption_problems(
        merchant=merchant, lines=lines, products=products, today=today, restrictions=restrictions
    )
    if errors:
        status_error = (
            Conflict if all(e["code"] == "out_of_stock" for e in errors) else ApplicationError
        )
        raise status_error(errors[0]["detail"], code=errors[0]["code"], errors=errors)
    if total > account.balance:
        raise InsufficientBeans(
            f"积分豆余额不足：该户余额 {account.balance}，本次需要 {total}。",
            code="insufficient_beans",
        )
    redemption = Redemption.objects.create(
        merchant=merchant,
        household=household,
        operator=actor.user,
        total_beans=total,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint if idempotency_key else "",
        created_at=at or timezone.now(),
    )
    redemption.entry, _ = ledger_post(
        account=account,
        kind=LedgerEntry.Kind.REDEMPTION,
        amount=-total,
        source_type="redemption",
        source_id=redemption.pk,
        idempotency_key=f"redemption:{redemption.pk}",
        actor_user=actor.user,
        at=redemption.created_at,
        note=f"{merchant.name}："
        + "、".join(f"{products[ln.product.pk].name}×{ln.quantity}" for ln in lines),
    )
    redemption.save(update_fields=["entry"])
    RedemptionLine.objects.bulk_create(
        RedemptionLine(
            redemption=redemption,
            product=products[ln.product.pk],
            product_name=products[ln.product.pk].name,
            quantity=ln.quantity,
            unit_price=products[ln.product.pk].bean_price,
            beans=products[ln.product.pk].bean_price * ln.quantity,
        )
        for ln in lines
    )
    for ln in lines:
        product = products[ln.product.pk]
        if product.stock is not None:
            product.stock -= ln.quantity
            product.save(update_fields=["stock"])
    return redemption, True


@transaction.atomic
def redemption_cancel(
    *, actor: Actor, redemption: Redemption, reason: str, at: datetime | None = None
) -> Redemption:
    """Undo a redemption on the day it was made: a reversing entry, stock returned."""
    redemption = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("merchant", "entry")
        .get(pk=redemption.pk)
    )
    if not can_operate(actor, redemption.merchant):
        raise forbidden("manage")
    if redemption.status == Redemption.Status.CANCELLED:
        raise Conflict("该兑换已撤销。", code="already_cancelled")
    township = township_of_connection()
    now = at or timezone.now()
    if township_now(township, redemption.created_at).date() != township_now(township, now).date():
        raise Conflict("只能撤销当天的兑换。", code="not_same_day")
    if not (reason or "").strip():
        raise ApplicationError("请填写撤销原因。", code="required", attr="reason")
    account = account_locked(household=redemption.household_id)
    entry, _ = ledger_post(
        account=account,
        kind=LedgerEntry.Kind.REDEMPTION_CANCEL,
        amount=redemption.total_beans,
        source_type="redemption",
        source_id=redemption.pk,
        idempotency_key=f"redemption-cancel:{redemption.pk}",
        actor_user=actor.user,
        reverses=redemption.entry,
        note=reason.strip(),
        at=now,
    )
    for line in redemption.lines.select_related("product"):
        product = Product.objects.select_for_update().get(pk=line.product_id)
        if product.stock is not None:
            product.stock += line.quantity
            product.save(update_fields=["stock"])
    redemption.status = Redemption.Status.CANCELLED
    redemption.cancel_entry = entry
    redemption.cancel_reason = reason.strip()
    redemption.cancelled_by = actor.user
    redemption.cancelled_at = now
    redemption.save(
        update_fields=["status", "cancel_entry", "cancel_reason", "cancelled_by", "cancelled_at"]
    )
    return redemption


def _redemption_problems(
    *,
    merchant: Merchant,
    lines: list[RedemptionLineInput],
    products: dict[int, Product],
    today: date,
    restrictions: set[str],
) -> tuple[list[dict[str, Any]], int]:
    errors: list[dict[str, Any]] = []
    total = 0
    for index, line in enumerate(lines):
        product = products[line.product.pk]
        attr = f"lines[{index}]"
        if product.merchant_id != merchant.pk:
            errors.append(
                {
                    "code": "wrong_merchant",
                    "detail": f"“{product.name}”不是本兑换点的商品。",
                    "attr": attr,
                }
            )
            continue
        window_open = (not product.active_from or today >= product.active_from) and (
            not product.active_to or today <= product.active_to
        )
        if not product.is_active or not window_open:
            errors.append(
                {
                    "code": "product_inactive",
                    "detail": f"“{product.name}”当前不可兑换。",
                    "attr": attr,
                }
            )
        if not 1 <= line.quantity <= 999:
            errors.append(
                {
                    "code": "invalid_quantity",
                    "detail": "数量应为 1–999。",
                    "attr": f"{attr}.quantity",
                }
            )
        if product.stock is not None and product.stock < line.quantity:
            errors.append(
                {
                    "code": "out_of_stock",
                    "detail": f"“{product.name}”库存不足（剩余 {product.stock}）。",
                    "attr": attr,
                }
            )
        if product.is_preferential and NK.NO_PREFERENTIAL_POLICIES in restrictions:
            errors.append(
                {
                    "code": "negative_list",
                    "detail": f"该户在负面清单中（禁止享受相关优惠政策），不能兑换“{product.name}”。",
                    "attr": attr,
                }
            )
        total += product.bean_price * max(line.quantity, 0)
    return errors, total


# ---------------------------------------------------------------- quarterly tiers
def parse_quarter(label: str) -> tuple[int, int]:
    try:
        year, quarter = label.upper().split("-Q")
        year_n, quarter_n = int(year), int(quarter)
    except ValueError as exc:
        raise ApplicationError(
            f"季度格式应为 YYYY-Qn，收到“{label}”。", code="invalid_quarter", attr="quarter"
        ) from exc
    if not 1 <= quarter_n <= 4:
        raise ApplicationError("季度只能是 Q1–Q4。", code="invalid_quarter", attr="quarter")
    return year_n, quarter_n


def quarter_periods(year: int, quarter: int) -> list[date]:
    return [date(year, 3 * (quarter - 1) + i, 1) for i in (1, 2, 3)]


def _beans_by_unit_at_depth(*, months: list[Month], depth: int) -> dict[int, int]:
    """Σ over the months of each household's credited beans, by its ancestor at ``depth``."""
    hr = HouseholdMonthResult._meta.db_table
    unit = GridUnit._meta.db_table
    credit = MonthCredit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT split_part(trim(both '/' from u.path), '/', %(depth)s)::bigint AS ancestor,
                   SUM(ROUND(hr.points * c.ratio))::bigint
            FROM {hr} hr
            JOIN {credit} c ON c.month_id = hr.month_id
            JOIN {unit} u ON u.id = hr.unit_id
            WHERE hr.month_id = ANY(%(months)s) AND split_part(trim(both '/' from u.path), '/', %(depth)s) <> ''
            GROUP BY 1
            """,  # noqa: S608
            {"depth": depth, "months": [m.pk for m in months]},
        )
        return dict(cursor.fetchall())


@transaction.atomic
def quarter_rate(*, actor: Actor, label: str) -> list[TierRating]:
    """Rate the quarter's grids at every level the settings name and pay the awards.

    Idempotent: a quarter already rated returns its ratings and pays nothing again.
    """
    _require_admin(actor)
    year, quarter = parse_quarter(label)
    label = f"{year}-Q{quarter}"
    months = list(
        Month.objects.filter(period__in=quarter_periods(year, quarter)).select_for_update()
    )
    if len(months) < 3 or any(m.state != Month.State.FINAL for m in months):
        raise Conflict(
            f"{label} 的三个月份须全部确认（final）后才能评比。", code="quarter_not_final"
        )
    existing = list(TierRating.objects.filter(quarter=label).order_by("level_depth", "rank"))
    if existing:
        return existing
    township = township_of_connection()
    settings = township.settings
    today = township_now(township).date()
    ratings: list[TierRating] = []
    for depth in settings.tier_level_depths:
        level = GridLevel.objects.filter(depth=depth).first()
        if level is None:
            continue
        units = list(GridUnit.objects.filter(level=level, is_active=True).order_by("path"))
        beans = _beans_by_unit_at_depth(months=months, depth=depth)
        ranked = rank_units([(u.pk, int(beans.get(u.pk, 0))) for u in units], settings.tiers)
        for row in ranked:
            rating = TierRating.objects.create(
                quarter=label,
                level_depth=depth,
                unit_id=row.unit_id,
                beans=row.beans,
                rank=row.rank,
                units_ranked=len(ranked),
                tier=row.tier["code"] if row.tier else "",
                title=f"{row.tier['name']}{level.name}" if row.tier else "",
                award_beans=int(row.tier["award_beans"]) if row.tier else 0,
                rated_by=actor.user,
            )
            ratings.append(rating)
            if rating.award_beans:
                _pay_tier(rating=rating, today=today, actor=actor)
    audit_record(
        actor=actor,
        action="quarter.rate",
        object_type="rewards.tierrating",
        object_id=label,
        object_repr=f"{label} 季度评比",
        after={"ratings": len(ratings), "awarded": sum(1 for r in ratings if r.award_beans)},
    )
    return ratings


def _pay_tier(*, rating: TierRating, today: date, actor: Actor) -> None:
    unit = GridUnit.objects.get(pk=rating.unit_id)
    households = list(
        Household.objects.filter(unit__path__startswith=unit.path, is_active=True).order_by(
            "number"
        )
    )
    restrictions = restrictions_in_force(household_ids=[h.pk for h in households], on=today)
    for household, share in split_award(rating.award_beans, households):
        barred = restrictions.get(household.pk, set())
        if NK.NO_AWARDS in barred:
            paid, reason = 0, "负面清单：取消评先选优资格"
        elif NK.REDUCED_REWARDS in barred:
            paid, reason = share // 2, "负面清单：减少奖励（减半）"
        else:
            paid, reason = share, ""
        entry = None
        if paid:
            entry, _ = ledger_post(
                account=account_locked(household=household),
                kind=LedgerEntry.Kind.TIER_AWARD,
                amount=paid,
                source_type="tier",
                source_id=rating.pk,
                idempotency_key=f"tier:{rating.pk}:household:{household.pk}",
                actor_user=actor.user,
                note=f"{rating.quarter} {rating.title}",
            )
        TierShare.objects.create(
            rating=rating,
            household=household,
            share=share,
            paid=paid,
            withheld=share - paid,
            withheld_reason=reason,
            entry=entry,
        )


# ---------------------------------------------------------------- annual awards
def household_beans_in_year(*, year: int) -> dict[int, int]:
    hr = HouseholdMonthResult._meta.db_table
    credit = MonthCredit._meta.db_table
    month = Month._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT hr.household_id, SUM(ROUND(hr.points * c.ratio))::bigint
            FROM {hr} hr JOIN {credit} c ON c.month_id = hr.month_id JOIN {month} m ON m.id = hr.month_id
            WHERE m.period >= %(start)s AND m.period < %(end)s
            GROUP BY hr.household_id
            """,  # noqa: S608
            {"start": date(year, 1, 1), "end": date(year + 1, 1, 1)},
        )
        return dict(cursor.fetchall())


@transaction.atomic
def annual_awards_decide(
    *, actor: Actor, year: int, award_beans: int = 0, on: date | None = None
) -> list[AnnualAward]:
    """Commend the top N households of each village by beans earned in the year (N from the
    township's settings), leaving out households whose negative-list entry bars awards on
    the day of the decision. Ties at the N-th place are all commended. Idempotent per year."""
    _require_admin(actor)
    if award_beans < 0:
        raise ApplicationError("奖励积分豆不能为负。", code="invalid", attr="award_beans")
    existing = list(AnnualAward.objects.filter(year=year).order_by("village_id", "rank"))
    if existing:
        return existing
    township = township_of_connection()
    on = on or township_now(township).date()
    top_n = township.settings.annual_award_top_n
    beans = household_beans_in_year(year=year)
    if not beans:
        raise Conflict(f"{year} 年还没有已确认的月份。", code="no_final_months")
    barred = restrictions_in_force(household_ids=list(beans), on=on)
    awards: list[AnnualAward] = []
    villages = GridUnit.objects.filter(level__is_village=True).order_by("path")
    households = {
        h.pk: h for h in Household.objects.filter(pk__in=list(beans)).select_related("unit")
    }
    for village in villages:
        candidates = sorted(
            (
                (beans[h_id], households[h_id].number, h_id)
                for h_id in beans
                if h_id in households
                and households[h_id].unit.path.startswith(village.path)
                and beans[h_id] > 0
                and NK.NO_AWARDS not in barred.get(h_id, set())
            ),
            key=lambda c: (-c[0], c[1]),
        )
        if not candidates:
            continue
        threshold = candidates[min(top_n, len(candidates)) - 1][0]
        for score, _number, household_id in candidates:
            if score < threshold:
                break
            rank = 1 + sum(1 for other, _, _ in candidates if other > score)
            award = AnnualAward.objects.create(
                year=year,
                village=village,
                household_id=household_id,
                rank=rank,
                beans=score,
                award_beans=award_beans,
                awarded_by=actor.user,
            )
            if award_beans:
                award.entry, _ = ledger_post(
                    account=account_locked(household=household_id),
                    kind=LedgerEntry.Kind.ANNUAL_AWARD,
                    amount=award_beans,
                    source_type="annual_award",
                    source_id=award.pk,
                    idempotency_key=f"annual:{year}:household:{household_id}",
                    actor_user=actor.user,
                    note=f"{year} 年度评优",
                )
                award.save(update_fields=["entry"])
            awards.append(award)
    audit_record(
        actor=actor,
        action="annual.decide",
        object_type="rewards.annualaward",
        object_id=str(year),
        object_repr=f"{year} 年度评优",
        after={"households": len(awards), "award_beans": award_beans},
    )
    return awards


def require_user(user: Any) -> User:
    if not isinstance(user, User):
        raise PermissionDenied("需要登录。", code="not_authenticated")
    return user
