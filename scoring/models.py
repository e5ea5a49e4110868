"""The indicator catalog of a township (its schema)."""

from __future__ import annotations

import uuid
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


def evidence_path(record: PointRecord, filename: str) -> str:
    """Evidence lives under its township's folder with an unguessable name; it is served only
    through the scoped /api/v1/records/{id}/evidence/ endpoint, never as a public URL."""
    from pathlib import PurePath

    from tenants.db import tenant_connection

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{tenant_connection().schema_name}/{uuid.uuid4().hex}{suffix}"


class Month(models.Model):
    """A township's month (一月一公示): open → closed → publicity → final (ARCHITECTURE.md §5)."""

    class State(models.TextChoices):
        OPEN = "open", _("录入中")
        CLOSED = "closed", _("已结算")
        PUBLICITY = "publicity", _("公示中")
        FINAL = "final", _("已确认")

    period = models.DateField(_("月份"), unique=True, help_text=_("该月第一天"))
    state = models.CharField(_("状态"), max_length=16, choices=State, default=State.OPEN)
    closed_at = models.DateTimeField(_("结算时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("公示截止"), null=True, blank=True)
    publish_override_reason = models.CharField(
        _("未全部确认即公示的原因"), max_length=200, blank=True
    )
    finalized_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("月度")
        verbose_name_plural = _("月度")
        ordering: ClassVar = ["-period"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(period__day=1), name="scoring_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.period.strftime("%Y-%m")


class PointRecord(models.Model):
    """One scored deed of a household: submitted, audited, and traceable forever.

    The indicator's code, name and points are copied when the record is made, so a later
    catalog edit never rewrites a past month. ``points`` = points_each × quantity.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Kind(models.TextChoices):
        NORMAL = "normal", _("日常")
        CORRECTION = "correction", _("异议更正")

    month = models.ForeignKey(
        Month, on_delete=models.PROTECT, related_name="records", verbose_name=_("月份")
    )
    household = models.ForeignKey(
        "governance.Household",
        on_delete=models.PROTECT,
        related_name="point_records",
        verbose_name=_("农户"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("指标"),
        null=True,
        blank=True,
    )
    indicator_code = models.CharField(_("指标代码"), max_length=16)
    indicator_name = models.CharField(_("指标名称"), max_length=100)
    indicator_version = models.PositiveIntegerField(_("指标版本"), default=1)
    standard_category = models.CharField(_("四治归类"), max_length=16, choices=StandardCategory)
    points_each = models.IntegerField(_("单项分值"))
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    points = models.IntegerField(_("积分"))
    occurred_on = models.DateField(_("发生日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    evidence = models.FileField(_("佐证照片"), upload_to=evidence_path, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind, default=Kind.NORMAL)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    objection = models.ForeignKey(
        "Objection", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering: ClassVar = ["-submitted_at", "-id"]
        indexes: ClassVar = [
            models.Index(
                fields=["month", "status", "household"], name="scoring_record_month_status"
            ),
            models.Index(fields=["household", "month"], name="scoring_record_household"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="scoring_record_idempotency",
            ),
            models.CheckConstraint(
                condition=models.Q(points=models.F("points_each") * models.F("quantity")),
                name="scoring_record_points",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="scoring_record_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.indicator_name} {self.points:+d}"


class Review(models.Model):
    """Who approved or rejected which record, when and why (append-only history)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("通过")
        REJECTED = "rejected", _("驳回")

    record = models.ForeignKey(PointRecord, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("结论"), max_length=16, choices=Decision)
    reason = models.CharField(_("意见"), max_length=200, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.decision}"


class HouseholdMonthResult(models.Model):
    """A household's points in a month: the sum of its approved records (computed at close).

    Result tables are derived data written in one statement by scoring.results from rows
    that exist in the same transaction. They carry no database foreign-key constraints
    (``db_constraint=False``) and a composite primary key: per-row FK triggers would re-check
    ~100,000 references one query at a time at commit, several times the cost of the
    computation itself (tests/benchmarks/test_month_close_bench.py).
    """

    pk = models.CompositePrimaryKey("month", "household")
    month = models.ForeignKey(
        Month, on_delete=models.DO_NOTHING, related_name="household_results", db_constraint=False
    )
    household = models.ForeignKey(
        "governance.Household",
        on_delete=models.DO_NOTHING,
        related_name="month_results",
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "governance.GridUnit", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    points = models.IntegerField(_("积分"))
    record_count = models.PositiveIntegerField(_("记录数"))

    class Meta:
        verbose_name = _("农户月度积分")
        verbose_name_plural = _("农户月度积分")

    def __str__(self) -> str:
        return f"{self.month_id}/{self.household_id}: {self.points}"


class UnitMonthResult(models.Model):
    """A grid unit's points in a month: the SUM of its households' points (every level)."""

    pk = models.CompositePrimaryKey("month", "unit")
    month = models.ForeignKey(
        Month, on_delete=models.DO_NOTHING, related_name="unit_results", db_constraint=False
    )
    unit = models.ForeignKey(
        "governance.GridUnit",
        on_delete=models.DO_NOTHING,
        related_name="month_results",
        db_constraint=False,
    )
    points = models.IntegerField(_("积分"))
    households = models.PositiveIntegerField(_("户数"))

    class Meta:
        verbose_name = _("网格月度积分")
        verbose_name_plural = _("网格月度积分")

    def __str__(self) -> str:
        return f"{self.month_id}/{self.unit_id}: {self.points}"


class LeaderMonthResult(models.Model):
    """A leader's month score = w × own household's points + (1 − w) × the average points of
    the households in the leader's unit (zero-point households included), rounded once,
    half away from zero, to 2 decimals (docs/adr/0004)."""

    pk = models.CompositePrimaryKey("month", "assignment")
    month = models.ForeignKey(
        Month, on_delete=models.DO_NOTHING, related_name="leader_results", db_constraint=False
    )
    assignment = models.ForeignKey(
        "governance.RoleAssignment",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    unit = models.ForeignKey(
        "governance.GridUnit", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    own_household = models.ForeignKey(
        "governance.Household", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    own_points = models.IntegerField(_("本户积分"))
    unit_points = models.IntegerField(_("网格总积分"))
    unit_households = models.PositiveIntegerField(_("网格户数"))
    unit_average = models.DecimalField(_("网格户均积分"), max_digits=14, decimal_places=6)
    own_weight = models.DecimalField(_("本户权重"), max_digits=3, decimal_places=2)
    score = models.DecimalField(_("月度积分"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("网格负责人月度积分")
        verbose_name_plural = _("网格负责人月度积分")

    def __str__(self) -> str:
        return f"{self.month_id}/{self.user_id}: {self.score}"


class VillageConfirmation(models.Model):
    """The village leading group confirmed the month's results at its monthly meeting."""

    class Meeting(models.TextChoices):
        PARTY_DAY = "party_day", _("主题党日")
        DELIBERATION_DAY = "deliberation_day", _("民主议政日")
        OTHER = "other", _("其他会议")

    month = models.ForeignKey(Month, on_delete=models.CASCADE, related_name="confirmations")
    village = models.ForeignKey("governance.GridUnit", on_delete=models.PROTECT, related_name="+")
    meeting_type = models.CharField(_("会议"), max_length=24, choices=Meeting)
    meeting_date = models.DateField(_("会议日期"))
    attendees = models.TextField(_("参会人员"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("村级认定")
        verbose_name_plural = _("村级认定")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["month", "village"], name="scoring_confirmation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month_id}/{self.village_id}"


class MonthSnapshot(models.Model):
    """The published results, frozen: JSON with a SHA-256 content hash. An upheld objection
    supersedes it with a new version; nothing is edited in place."""

    month = models.ForeignKey(Month, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField(_("版本"))
    content = models.JSONField(_("内容"))
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    reason = models.CharField(_("生成原因"), max_length=200)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被替代时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示快照")
        verbose_name_plural = _("公示快照")
        ordering: ClassVar = ["month_id", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["month", "version"], name="scoring_snapshot_version_unique"
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(superseded_at__isnull=True),
                name="scoring_one_current_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month_id} v{self.version} {self.content_hash[:12]}"


class Objection(models.Model):
    """A resident's or leader's objection (异议) during publicity, against a record or a
    household's month. Upheld: a corrective record, the month recomputed, a new snapshot."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("已采纳")
        DISMISSED = "dismissed", _("不予采纳")

    month = models.ForeignKey(Month, on_delete=models.PROTECT, related_name="objections")
    household = models.ForeignKey(
        "governance.Household", on_delete=models.PROTECT, related_name="objections"
    )
    record = models.ForeignKey(
        PointRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="objections"
    )
    reason = models.CharField(_("异议理由"), max_length=500)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    reply = models.CharField(_("答复"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering: ClassVar = ["-raised_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["month", "status"], name="scoring_objection_month")
        ]

    def __str__(self) -> str:
        return f"{self.month_id}/{self.household_id} {self.status}"
