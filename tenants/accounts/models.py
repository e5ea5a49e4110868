"""Users. The table exists in every schema: a township user lives only in its township's
schema; county officers and platform operators live in the public schema."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class TownshipRole(models.TextChoices):
        NONE = "", _("无")
        ADMIN = "admin", _("乡镇管理员")
        LEADING_GROUP = "leading_group", _("乡镇工作领导小组")

    # Chinese names do not split into first and last; one display name.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    township_role = models.CharField(
        _("乡镇级角色"), max_length=16, choices=TownshipRole, default=TownshipRole.NONE, blank=True
    )

    # django-stubs types AbstractUser.Meta's verbose names as ``str``; Django takes lazy strings.
    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")  # type: ignore[assignment]
        verbose_name_plural = _("用户")  # type: ignore[assignment]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_township_admin(self) -> bool:
        return self.township_role == self.TownshipRole.ADMIN

    @property
    def sees_whole_township(self) -> bool:
        return self.township_role in {self.TownshipRole.ADMIN, self.TownshipRole.LEADING_GROUP}
