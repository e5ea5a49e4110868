"""The indicator catalog of a township (its schema)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardCategory(models.TextChoices):
    """The four governances (四治): every township's categories map to one, so a county can
    compare townships whose catalogs differ."""

    AUTONOMY = "autonomy", _("自治")
    RULE_OF_LAW = "rule_of_law", _("法治")
    VIRTUE = "virtue", _("德治")
    SMART = "smart", _("智治")


class Category(models.Model):
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    standard = models.CharField(_("四治归类"), max_length=16, choices=StandardCategory)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("积分类别")
        verbose_name_plural = _("积分类别")
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """An item of the catalog. Records copy its name and points when made, so editing it
    never rewrites a past month; every edit bumps ``version`` and leaves a revision."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("类别")
    )
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    points = models.IntegerField(_("分值"), help_text=_("正数加分，负数减分"))
    unit = models.CharField(_("计量单位"), max_length=8, default="次")
    evidence_required = models.BooleanField(_("须附佐证"), default=False)
    monthly_cap = models.PositiveSmallIntegerField(
        _("每户每月上限（数量）"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分指标")
        verbose_name_plural = _("积分指标")
        ordering: ClassVar = ["category__position", "code"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(points=0), name="scoring_indicator_points_nonzero"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="scoring_indicator_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorRevision(models.Model):
    """One version of an indicator as it was (the catalog's history)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("版本"))
    snapshot = models.JSONField(_("内容"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指标修订")
        verbose_name_plural = _("指标修订")
        ordering: ClassVar = ["indicator_id", "version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["indicator", "version"], name="scoring_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.version}"
