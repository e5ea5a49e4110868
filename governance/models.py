"""The grid of a township (its schema): levels it configures, units, households, people,
leaders, and the audit log of administrative changes."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Capability(models.TextChoices):
    """What a leader of a level may do on its unit and everything below it."""

    AUDIT = "audit", _("审核")
    ENTER = "enter", _("录入")
    VIEW = "view", _("查看")
    SUBMIT = "submit", _("提交")


class GridLevel(models.Model):
    """A level of the township's grid (村级网格, 微网格, 联户小组 … as the township names them)."""

    depth = models.PositiveSmallIntegerField(_("层级"), unique=True)
    name = models.CharField(_("名称"), max_length=32)
    leader_title = models.CharField(_("负责人称谓"), max_length=32)
    capabilities = ArrayField(
        models.CharField(max_length=16, choices=Capability),
        verbose_name=_("负责人权限"),
        default=list,
    )
    is_village = models.BooleanField(
        _("村级层级"),
        default=False,
        help_text=_("该层级的网格即“村”：信息管理员与村工作领导小组在此层级"),
    )

    class Meta:
        verbose_name = _("网格层级")
        verbose_name_plural = _("网格层级")
        ordering: ClassVar = ["depth"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["is_village"],
                condition=models.Q(is_village=True),
                name="governance_one_village_level",
            )
        ]

    def __str__(self) -> str:
        return self.name


class GridUnit(models.Model):
    """A unit of the grid: a village, a micro-grid, a household group …

    ``path`` is the chain of zero-padded ids from the root (``/00000012/00000045/``), so
    "everything under this unit" is one prefix query on an index with text_pattern_ops and
    ordering by path lists a tree in creation order.
    """

    level = models.ForeignKey(
        GridLevel, on_delete=models.PROTECT, related_name="units", verbose_name=_("层级")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级网格"),
    )
    name = models.CharField(_("名称"), max_length=64)
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering: ClassVar = ["path"]
        permissions: ClassVar = [
            ("audit_unit", _("审核本网格及下级的积分")),
            ("enter_unit", _("为本网格及下级录入农户与积分")),
            ("view_unit", _("查看本网格及下级")),
            ("submit_unit", _("为本网格的农户提交积分")),
        ]
        indexes: ClassVar = [
            models.Index(
                OpClass("path", name="text_pattern_ops"), name="governance_unit_path_prefix"
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="governance_unit_name_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="governance_root_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(parent: GridUnit | None, pk: int) -> str:
        return f"{parent.path if parent else '/'}{pk:08d}/"

    @property
    def path_ids(self) -> list[int]:
        """Ids from the root down to this unit."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class GridUnitUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian permission on a unit (ARCHITECTURE.md §4)."""

    content_object = models.ForeignKey(GridUnit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("网格对象权限")


class GridUnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(GridUnit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("网格组对象权限")


class Household(models.Model):
    """A household (户): the unit that earns points and holds beans, hung on a lowest-level unit."""

    number = models.CharField(_("户号"), max_length=32, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    unit = models.ForeignKey(
        GridUnit, on_delete=models.PROTECT, related_name="households", verbose_name=_("联户小组")
    )
    card_code = models.CharField(
        _("户卡码"),
        max_length=24,
        unique=True,
        help_text=_("户卡二维码上的编码，用于兑换时识别农户"),
    )
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering: ClassVar = ["number"]
        indexes: ClassVar = [
            models.Index(fields=["unit", "number"], name="governance_household_unit")
        ]

    def __str__(self) -> str:
        return self.number


class HouseholdMove(models.Model):
    """Where a household hung, and when: moving keeps history; points and beans stay with it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="moves")
    unit = models.ForeignKey(GridUnit, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("农户网格变更")
        verbose_name_plural = _("农户网格变更")
        ordering: ClassVar = ["household_id", "valid_from", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(valid_to__isnull=True),
                name="governance_one_current_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.unit_id} ({self.valid_from})"


class Resident(models.Model):
    """A person (村民/党员). ID number and phone are stored encrypted with a masked copy for
    display and a keyed hash for finding duplicates; the clear value is shown only to the
    township admin and the info administrator of the household's village."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("农户")
    )
    name = models.CharField(_("姓名"), max_length=32)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number_encrypted = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    is_household_head = models.BooleanField(_("户主"), default=False)
    is_party_member = models.BooleanField(_("党员"), default=False)
    is_villager_representative = models.BooleanField(_("村民代表"), default=False)
    is_floating_party_member = models.BooleanField(
        _("流动党员"), default=False, help_text=_("不具体联系农户，以出钱、出物、出点子等形式参与")
    )
    is_active = models.BooleanField(_("在册"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("登录账号"),
    )

    class Meta:
        verbose_name = _("村民")
        verbose_name_plural = _("村民")
        ordering: ClassVar = ["household_id", "-is_household_head", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash="") & models.Q(is_active=True),
                name="governance_resident_id_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResidentMove(models.Model):
    """A resident's households over time."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="moves")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("村民户籍变更")
        verbose_name_plural = _("村民户籍变更")
        ordering: ClassVar = ["resident_id", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.resident_id} → {self.household_id} ({self.valid_from})"


class RoleAssignment(models.Model):
    """A person's role on a unit: its leader (网格长/小组长) or a village's info administrator.

    The person is ``user`` (whose ``resident`` is who they are). Assigning grants the guardian
    permissions the level names; revoking (``ended_at``) removes those no other current
    assignment still grants. The leader's own household is recorded because the leader's month
    score is half their own household's points; moving the resident updates it.
    """

    class Kind(models.TextChoices):
        LEADER = "leader", _("网格负责人")
        INFO_ADMIN = "info_admin", _("信息管理员")

    kind = models.CharField(_("角色"), max_length=16, choices=Kind)
    unit = models.ForeignKey(
        GridUnit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("网格")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("账号"),
    )
    own_household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("本人所在户"),
        null=True,
        blank=True,
    )
    started_at = models.DateTimeField(_("任职时间"), auto_now_add=True)
    ended_at = models.DateTimeField(_("卸任时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("角色任命")
        verbose_name_plural = _("角色任命")
        ordering: ClassVar = ["unit__path", "kind", "-started_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=models.Q(ended_at__isnull=True),
                name="governance_one_current_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="leader") | models.Q(own_household__isnull=False),
                name="governance_leader_has_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} {self.user_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class AuditEntry(models.Model):
    """One administrative change, written in the same transaction as the change itself.

    ``before``/``after`` hold field values as shown to an admin — personal numbers masked.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id"], name="governance_audit_object")
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_repr}"


class RosterImport(models.Model):
    """One uploaded roster (花名册) and its import job, polled by the client for progress.

    The uploaded bytes live in ``content`` (a BinaryField) rather than a FileField: the job
    row and its file commit together in the township's own schema, so the worker (possibly
    on another host, with no shared media volume) sees both the moment it sees either, and
    one township's rosters never share a directory with another's. A roster holds ID numbers
    in clear, so the bytes are emptied as soon as the job finishes; the report stays.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        APPLYING = "applying", _("导入中")
        SUCCEEDED = "succeeded", _("已导入")
        FAILED = "failed", _("未导入")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    filename = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件内容"), blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已校验行数"), default=0)
    errors = models.JSONField(
        _("错误报告"),
        default=list,
        blank=True,
        help_text=_("每条错误：行号、列名、错误代码、说明（最多保留前 1000 条）"),
    )
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    created = models.JSONField(
        _("导入结果"), default=dict, blank=True, help_text=_("新建的农户数与村民数")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["uploaded_by", "-created_at"], name="governance_roster_uploader")
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
