"""The public schema: counties, townships (one PostgreSQL schema each), their hosts and settings."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from guardian.models import UserObjectPermissionBase

SLUG_PATTERN = r"^[a-z][a-z0-9]{1,29}$"
slug_validator = RegexValidator(
    re.compile(SLUG_PATTERN),
    _("标识只能由小写字母和数字组成，以字母开头，长度 2–30。"),
    code="invalid_slug",
)


class County(models.Model):
    """A county (县/市) whose organisation department compares its townships."""

    name = models.CharField(_("名称"), max_length=64)
    slug = models.SlugField(_("标识"), max_length=30, unique=True, validators=[slug_validator])
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("县（市）")
        verbose_name_plural = _("县（市）")
        # Django's default ``view_county`` is the object permission a county officer holds.

    def __str__(self) -> str:
        return self.name


class CountyUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian permission on a county (ARCHITECTURE.md §4)."""

    content_object = models.ForeignKey(County, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("县级对象权限")


class Township(TenantMixin):
    """A township (镇/街道): one tenant, one PostgreSQL schema whose name is the slug."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("运行中")
        SUSPENDED = "suspended", _("已暂停")

    name = models.CharField(_("名称"), max_length=64)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("所属县（市）")
    )
    template = models.CharField(_("创建模板"), max_length=32)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.ACTIVE)
    suspended_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    suspension_reason = models.CharField(_("暂停原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # TenantMixin comes from an untyped package, so mypy cannot see the manager Django adds.
    objects: ClassVar[models.Manager[Township]]
    _default_manager: ClassVar[models.Manager[Township]]

    # The schema is cloned from settings.TENANT_BASE_SCHEMA by tenants.provisioning;
    # a township is suspended, never dropped.
    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")
        ordering: ClassVar = ["county_id", "schema_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED


class Domain(DomainMixin):
    """A host name that reaches a township (``<slug>.<base domain>``) or the public site."""

    class Meta:
        verbose_name = _("域名")
        verbose_name_plural = _("域名")

    def __str__(self) -> str:
        return self.domain


def default_tiers() -> list[dict[str, object]]:
    return [
        {"code": "gold", "name": "金豆", "top_percent": 10, "award_beans": 300},
        {"code": "silver", "name": "银豆", "top_percent": 30, "award_beans": 200},
        {"code": "bronze", "name": "铜豆", "top_percent": 50, "award_beans": 100},
    ]


class TownshipSettings(models.Model):
    """What a township configures for itself (DOMAIN.md §8). Grid levels live in its schema.

    Kept in the public schema beside the township so the host resolver, the county
    comparison and the beat fan-out read them without entering the township's schema.
    """

    township = models.OneToOneField(
        Township, on_delete=models.CASCADE, related_name="settings", verbose_name=_("乡镇")
    )
    bean_name = models.CharField(_("积分豆名称"), max_length=16, default="积分豆")
    leader_own_weight = models.DecimalField(
        _("网格长本户积分权重"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("网格长积分 = 权重 × 本户积分 + (1 − 权重) × 所联系农户平均积分"),
    )
    publicity_days = models.PositiveSmallIntegerField(
        _("公示天数"), default=7, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    month_close_day = models.PositiveSmallIntegerField(
        _("月度结算日"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("次月的第几天自动结算上月积分"),
    )
    points_to_beans = models.DecimalField(
        _("积分兑换比例"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("1 积分折合的豆数"),
    )
    tiers = models.JSONField(_("季度评比档次"), default=default_tiers)
    tier_level_depths = models.JSONField(
        _("参与季度评比的网格层级"), default=list, help_text=_("层级序号，如 [2, 3]")
    )
    annual_award_top_n = models.PositiveSmallIntegerField(
        _("年度评优每村户数"), default=10, validators=[MinValueValidator(1)]
    )
    timezone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("乡镇设置")
        verbose_name_plural = _("乡镇设置")

    def __str__(self) -> str:
        return f"{self.township} 设置"

    @property
    def leader_average_weight(self) -> Decimal:
        return Decimal("1") - self.leader_own_weight


class PlatformEvent(models.Model):
    """What the platform operator did to a township (created, suspended, resumed)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        SUSPENDED = "suspended", _("暂停")
        RESUMED = "resumed", _("恢复")

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=16, choices=Kind)
    actor = models.CharField(_("操作人"), max_length=150)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("平台操作记录")
        verbose_name_plural = _("平台操作记录")
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.township} {self.get_kind_display()}"


class TownshipMonthRollup(models.Model):
    """A township's final month in figures, kept in the public schema so a county compares
    its townships without reading their schemas (written when the month becomes final)."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="rollups")
    period = models.DateField(_("月份"))
    households = models.PositiveIntegerField(_("在册户数"))
    participating_households = models.PositiveIntegerField(_("有积分记录的户数"))
    points_total = models.IntegerField(_("积分合计"))
    points_by_category = models.JSONField(_("四治积分"), default=dict)
    objections = models.PositiveIntegerField(_("异议数"))
    objections_upheld = models.PositiveIntegerField(_("采纳异议数"))
    redemptions = models.PositiveIntegerField(_("兑换笔数"))
    redemption_beans = models.PositiveIntegerField(_("兑换积分豆"))
    beans_credited = models.IntegerField(_("入账积分豆"))
    computed_at = models.DateTimeField(_("统计时间"), auto_now=True)

    class Meta:
        verbose_name = _("乡镇月度汇总")
        verbose_name_plural = _("乡镇月度汇总")
        ordering: ClassVar = ["township_id", "-period"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["township", "period"], name="tenants_rollup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.period:%Y-%m}"
