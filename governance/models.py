"""The grid of a township (its schema): levels it configures, units, households, people."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


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
