"""Forms of the township admin's pages: the indicator catalog, accounts and roles, the
roster upload and the audit log's filters. Shape only; the rules stay in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from frontend.forms import _grouped, choices
from governance.models import GridUnit, Resident, RoleAssignment
from scoring.models import Category, Indicator
from tenants.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IndicatorForm(forms.Form):
    category = forms.TypedChoiceField(label=_("类别"), coerce=int)
    code = forms.CharField(label=_("代码"), max_length=16, help_text=_("创建后不能修改"))
    name = forms.CharField(label=_("名称"), max_length=100)
    points = forms.IntegerField(
        label=_("分值"), min_value=-1000, max_value=1000, help_text=_("正数加分，负数减分")
    )
    unit = forms.CharField(label=_("计量单位"), max_length=8, initial="次")
    monthly_cap = forms.IntegerField(
        label=_("每户每月上限（数量）"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("留空表示不限"),
    )
    valid_from = forms.DateField(label=_("生效日期"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("失效日期"), required=False, widget=DATE)
    evidence_required = forms.BooleanField(label=_("须附佐证照片"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        categories: list[Category],
        indicator: Indicator | None = None,
        **kwargs: Any,
    ) -> None:
        if indicator is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "category": indicator.category_id,
                **{
                    name: getattr(indicator, name)
                    for name in self.base_fields
                    if name != "category"
                },
            }
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        choices(self, "category").choices = [
            (str(c.pk), f"{c.name}（{c.get_standard_display()}）") for c in categories
        ]
        if indicator is not None:
            del self.fields["code"]  # the code names the indicator in every record made

    def clean_category(self) -> Category:
        return self.categories[self.cleaned_data["category"]]


class UserCreateForm(forms.Form):
    """A township account; optionally the resident it belongs to, found by household number
    and name (a leader must be linked to their own resident record)."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，字母、数字或 @.+-_"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(label=_("姓名"), max_length=64)
    township_role = forms.ChoiceField(
        label=_("乡镇级角色"), choices=User.TownshipRole.choices, required=False
    )
    household_number = forms.CharField(
        label=_("本人所在户号"), max_length=32, required=False, help_text=_("绑定村民档案时填写")
    )
    resident_name = forms.CharField(
        label=_("村民姓名"), max_length=32, required=False, help_text=_("与户号一起确定本人")
    )

    def __init__(self, *args: Any, residents: QuerySet[Resident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.residents = residents

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("household_number") or "").strip()
        name = (data.get("resident_name") or "").strip()
        data["resident"] = None
        if not number and not name:
            return data
        if not number:
            self.add_error("household_number", _("请填写本人所在户号。"))
            return data
        if not name:
            self.add_error("resident_name", _("请填写村民姓名。"))
            return data
        matches = list(self.residents.filter(household__number=number, name=name)[:2])
        if not matches:
            self.add_error("resident_name", _("该户没有这位在册村民，请核对户号和姓名。"))
        elif len(matches) > 1:
            self.add_error("resident_name", _("该户有同名村民，请联系信息管理员先区分。"))
        else:
            data["resident"] = matches[0]
        return data


class RoleAssignForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("网格"), coerce=int)
    username = forms.CharField(label=_("账号（用户名）"), max_length=150)
    kind = forms.ChoiceField(label=_("角色"), choices=RoleAssignment.Kind.choices)

    def __init__(
        self, *args: Any, units: list[GridUnit], users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.users = users
        choices(self, "unit").choices = [
            ("", "——请选择——"),
            *_grouped([(u.level.name, str(u.pk), _unit_label(u, self.units)) for u in units]),
        ]

    def clean_unit(self) -> GridUnit:
        return self.units[self.cleaned_data["unit"]]

    def clean_username(self) -> User:
        user = self.users.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("没有该用户名的账号，请先在“账号”中创建。"))
        return user


def _unit_label(unit: GridUnit, units: dict[int, GridUnit]) -> str:
    """村 › 微网格 › 小组: a unit's name with the names above it (from the loaded units)."""
    return " › ".join(units[i].name for i in unit.path_ids if i in units)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("花名册文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={"required": _("请选择要上传的花名册文件。")},
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("操作"),
        max_length=64,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("如 indicator、role、negative_list"), "list": "audit-actions"}
        ),
    )
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    object_type = forms.CharField(label=_("对象类型"), max_length=64, required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DATE)
