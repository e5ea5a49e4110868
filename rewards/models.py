"""Beans (积分豆): the ledger, merchants and redemptions, quarterly tiers, annual awards and
the negative list (DOMAIN.md §4–7). Beans are money-like: docs/adr/0005-bean-ledger.md."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class BeanAccount(models.Model):
    """A household's beans. ``balance`` and ``deficit`` are caches of the ledger, changed only
    together with an entry, under this row's lock; ``manage.py verify_ledger`` recomputes them."""

    household = models.OneToOneField(
        "governance.Household",
        on_delete=models.PROTECT,
        related_name="bean_account",
        verbose_name=_("农户"),
    )
    balance = models.IntegerField(_("余额"), default=0)
    deficit = models.IntegerField(
        _("待抵扣"), default=0, help_text=_("负积分月份超出余额的部分，从以后的入账中先行抵扣")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分豆账户")
        verbose_name_plural = _("积分豆账户")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="rewards_balance_never_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(deficit__gte=0), name="rewards_deficit_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.balance}"


class LedgerEntry(models.Model):
    """One change to a household's beans. Append-only: a database trigger refuses UPDATE and
    DELETE; a correction is a new, reversing entry. ``idempotency_key`` is unique, so a
    credit or a spend that is retried is recorded once."""

    class Kind(models.TextChoices):
        MONTH_CREDIT = "month_credit", _("月度积分入账")
        MONTH_DEBIT = "month_debit", _("月度扣减")
        DEFICIT_SETTLEMENT = "deficit_settlement", _("抵扣前期扣减")
        TIER_AWARD = "tier_award", _("季度评比奖励")
        ANNUAL_AWARD = "annual_award", _("年度评优奖励")
        REDEMPTION = "redemption", _("兑换")
        REDEMPTION_CANCEL = "redemption_cancel", _("兑换撤销")
        REVERSAL = "reversal", _("冲正")

    account = models.ForeignKey(BeanAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=24, choices=Kind)
    amount = models.IntegerField(_("变动"))
    deficit_change = models.IntegerField(_("待抵扣变动"), default=0)
    balance_after = models.IntegerField(_("变动后余额"))
    source_type = models.CharField(_("来源"), max_length=32)
    source_id = models.BigIntegerField(_("来源编号"))
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("积分豆流水")
        verbose_name_plural = _("积分豆流水")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["account", "id"], name="rewards_entry_account"),
            models.Index(fields=["source_type", "source_id"], name="rewards_entry_source"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="rewards_entry_balance_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.amount:+d}"


class MonthCredit(models.Model):
    """The marker that a final month's beans were credited: unique per month, inserted first,
    so a second attempt finds it and credits nothing."""

    month = models.OneToOneField(
        "scoring.Month", on_delete=models.PROTECT, related_name="bean_credit"
    )
    ratio = models.DecimalField(_("兑换比例"), max_digits=6, decimal_places=2)
    households = models.PositiveIntegerField(_("户数"))
    beans = models.IntegerField(_("净入账"))
    credited_at = models.DateTimeField(_("入账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度入账")
        verbose_name_plural = _("月度入账")

    def __str__(self) -> str:
        return f"{self.month_id}: {self.beans}"


# ---------------------------------------------------------------- merchants
class Merchant(models.Model):
    class Kind(models.TextChoices):
        SUPERMARKET = "supermarket", _("共富超市")
        BANK = "bank", _("银行")
        TELECOM = "telecom", _("通信公司")
        PETROL = "petrol", _("加油站")
        OTHER = "other", _("其他便民服务单位")

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind)
    village = models.ForeignKey(
        "governance.GridUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchants",
        verbose_name=_("所属村"),
        help_text=_("共富超市属于某村；结对共建单位面向全镇"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("营业中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("兑换点")
        verbose_name_plural = _("兑换点")
        ordering: ClassVar = ["kind", "name"]
        permissions: ClassVar = [("operate_merchant", _("在该兑换点办理兑换"))]

    def __str__(self) -> str:
        return self.name


class MerchantUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Merchant, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("兑换点对象权限")


class MerchantGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Merchant, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("兑换点组对象权限")


class Product(models.Model):
    """Goods or a service with a bean price. ``stock`` None means unlimited."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="products", verbose_name=_("兑换点")
    )
    name = models.CharField(_("名称"), max_length=64)
    unit = models.CharField(_("单位"), max_length=8, default="件")
    bean_price = models.PositiveIntegerField(_("所需积分豆"))
    stock = models.PositiveIntegerField(
        _("库存"), null=True, blank=True, help_text=_("留空表示不限量")
    )
    is_preferential = models.BooleanField(
        _("优惠政策类"),
        default=False,
        help_text=_("如优惠利率、优先服务；负面清单“不享受优惠政策”的农户不能兑换"),
    )
    active_from = models.DateField(_("上架日期"), null=True, blank=True)
    active_to = models.DateField(_("下架日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在售"), default=True)

    class Meta:
        verbose_name = _("兑换商品")
        verbose_name_plural = _("兑换商品")
        ordering: ClassVar = ["merchant_id", "bean_price", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(bean_price__gte=1), name="rewards_product_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.bean_price}）"


class Redemption(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "completed", _("已兑换")
        CANCELLED = "cancelled", _("已撤销")

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="redemptions")
    household = models.ForeignKey(
        "governance.Household", on_delete=models.PROTECT, related_name="redemptions"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    total_beans = models.PositiveIntegerField(_("积分豆"))
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.COMPLETED)
    entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        related_name="redemption",
        help_text=_("同一事务内写入"),
    )
    cancel_entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_redemption",
    )
    cancel_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("兑换时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换记录")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["operator", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="rewards_redemption_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}/{self.household_id} −{self.total_beans}"


class RedemptionLine(models.Model):
    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("商品"), max_length=64)
    quantity = models.PositiveIntegerField(_("数量"))
    unit_price = models.PositiveIntegerField(_("单价"))
    beans = models.PositiveIntegerField(_("积分豆"))

    class Meta:
        verbose_name = _("兑换明细")
        verbose_name_plural = _("兑换明细")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(beans=models.F("unit_price") * models.F("quantity")),
                name="rewards_line_total",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="rewards_line_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"


# ---------------------------------------------------------------- tiers and awards
class TierRating(models.Model):
    """One grid unit's place in a quarter's rating (一季一评比) at one level."""

    quarter = models.CharField(_("季度"), max_length=7, help_text="YYYY-Qn")
    level_depth = models.PositiveSmallIntegerField(_("层级"))
    unit = models.ForeignKey(
        "governance.GridUnit", on_delete=models.PROTECT, related_name="tier_ratings"
    )
    beans = models.IntegerField(_("季度积分豆"))
    rank = models.PositiveIntegerField(_("名次"))
    units_ranked = models.PositiveIntegerField(_("参评网格数"))
    tier = models.CharField(_("档次"), max_length=16, blank=True)
    title = models.CharField(_("称号"), max_length=32, blank=True)
    award_beans = models.PositiveIntegerField(_("奖励积分豆"), default=0)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    rated_at = models.DateTimeField(_("评比时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度评比")
        verbose_name_plural = _("季度评比")
        ordering: ClassVar = ["quarter", "level_depth", "rank", "unit_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["quarter", "unit"], name="rewards_tier_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.unit_id} {self.tier or '-'}"


class TierShare(models.Model):
    """A household's share of its grid's award; ``paid`` + ``withheld`` = ``share``, and the
    shares of a grid add up exactly to its award."""

    rating = models.ForeignKey(TierRating, on_delete=models.PROTECT, related_name="shares")
    household = models.ForeignKey(
        "governance.Household", on_delete=models.PROTECT, related_name="+"
    )
    share = models.PositiveIntegerField(_("应得"))
    paid = models.PositiveIntegerField(_("实发"))
    withheld = models.PositiveIntegerField(_("扣减"), default=0)
    withheld_reason = models.CharField(_("扣减原因"), max_length=100, blank=True)
    entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("评比奖励分配")
        verbose_name_plural = _("评比奖励分配")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["rating", "household"], name="rewards_share_unique"),
            models.CheckConstraint(
                condition=models.Q(share=models.F("paid") + models.F("withheld")),
                name="rewards_share_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id}/{self.household_id}: {self.paid}"


class AnnualAward(models.Model):
    """A household commended at year end (一年一评优): top N per village by beans earned."""

    year = models.PositiveSmallIntegerField(_("年度"))
    village = models.ForeignKey("governance.GridUnit", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "governance.Household", on_delete=models.PROTECT, related_name="annual_awards"
    )
    rank = models.PositiveIntegerField(_("名次"))
    beans = models.IntegerField(_("年度积分豆"))
    award_beans = models.PositiveIntegerField(_("奖励积分豆"), default=0)
    entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    awarded_at = models.DateTimeField(_("评定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度评优")
        verbose_name_plural = _("年度评优")
        ordering: ClassVar = ["year", "village_id", "rank"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["year", "household"], name="rewards_annual_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.household_id} #{self.rank}"


# ---------------------------------------------------------------- negative list
class NegativeListEntry(models.Model):
    """负面惩戒清单: a household's restriction, in force from ``starts_on`` to ``ends_on``
    (open-ended when empty) unless removed after rectification."""

    class Kind(models.TextChoices):
        PUBLIC_CRITICISM = "public_criticism", _("公开批评")
        REDUCED_REWARDS = "reduced_rewards", _("减少奖励")
        NO_AWARDS = "no_awards", _("取消评先选优资格")
        NO_PREFERENTIAL_POLICIES = "no_preferential_policies", _("禁止享受相关优惠政策")
        NO_SUBSIDIES = "no_subsidies", _("取消享受补贴补助")
        NO_VILLAGE_AFFAIRS = "no_village_affairs", _("取消参加村级事务资格")

    household = models.ForeignKey(
        "governance.Household", on_delete=models.PROTECT, related_name="negative_entries"
    )
    kind = models.CharField(_("惩戒类型"), max_length=32, choices=Kind)
    reason = models.CharField(_("事由"), max_length=500)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    rectification = models.CharField(_("整改情况"), max_length=500, blank=True)
    rectified_at = models.DateTimeField(_("整改登记时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("负面清单")
        verbose_name_plural = _("负面清单")
        ordering: ClassVar = ["-starts_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="rewards_negative_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind}"
