"""Forms of the township admin's pages: the indicator catalog and its categories, accounts
and roles, the roster upload, the audit log's filters, the township's settings and grid
levels, and merchants with their operators. Shape only; the rules stay in the services."""

from __future__ import annotations

from decimal import Decimal
from itertools import zip_longest
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from frontend.forms import _grouped, choices
from governance.models import Capability, GridLevel, GridUnit, Resident, RoleAssignment
from rewards.models import Merchant
from scoring.models import Category, Indicator, StandardCategory
from tenants.accounts.models import User
from tenants.models import TownshipSettings

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


# ---------------------------------------------------------------- categories
class CategoryForm(forms.Form):
    code = forms.CharField(
        label=_("类别代码"), max_length=16, help_text=_("如 credit、law；创建后不能修改")
    )
    name = forms.CharField(label=_("类别名称"), max_length=32, help_text=_("如“自治·信用分”"))
    standard = forms.ChoiceField(
        label=_("四治归类"),
        choices=[("", "——请选择——"), *StandardCategory.choices],
        help_text=_("县里按四治比较各乡镇"),
    )


# ---------------------------------------------------------------- township settings
TIER_KEYS = ("code", "name", "top_percent", "award_beans")
CENT = Decimal("0.01")


class TiersWidget(forms.Widget):
    """The tiers as table rows: one input per key and row (``tiers-code`` … repeated), plus
    blank rows to add a tier. A row left blank is no tier."""

    template_name = "frontend/manage/_tiers_widget.html"
    blank_rows = 2

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        getlist = getattr(data, "getlist", None)
        if getlist is None:  # a plain dict of initial-like data
            return list(data.get(name) or [])
        columns = [getlist(f"{name}-{key}") for key in TIER_KEYS]
        return [
            dict(zip(TIER_KEYS, (str(v).strip() for v in values), strict=True))
            for values in zip_longest(*columns, fillvalue="")
        ]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-code" not in data

    def format_value(self, value: Any) -> Any:
        return value

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0_code" if id_ else ""

    def use_required_attribute(self, initial: Any) -> bool:
        return False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [dict(row) for row in value or []]
        context["widget"]["rows"] = rows + [dict.fromkeys(TIER_KEYS, "")] * self.blank_rows
        context["widget"]["keys"] = TIER_KEYS
        return context


class TiersField(forms.Field):
    """Rows of {code, name, top_percent, award_beans}; the numbers as integers. Whether
    the tiers make sense (nested shares, unique codes) is the service's to say."""

    widget = TiersWidget

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        tiers = []
        for number, raw in enumerate(value or [], start=1):
            row = {key: str(raw.get(key, "")).strip() for key in TIER_KEYS}
            if not any(row.values()):
                continue
            if not row["code"] or not row["name"]:
                raise forms.ValidationError(_("第 %(n)s 行须填写代码和名称。") % {"n": number})
            try:
                top_percent, award_beans = int(row["top_percent"]), int(row["award_beans"])
            except ValueError:
                raise forms.ValidationError(
                    _("第 %(n)s 行的比例和奖励须为整数。") % {"n": number}
                ) from None
            tiers.append(
                {
                    "code": row["code"],
                    "name": row["name"],
                    "top_percent": top_percent,
                    "award_beans": award_beans,
                }
            )
        return tiers

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != list(initial or [])
        except forms.ValidationError:
            return True


class TownshipSettingsForm(forms.Form):
    """The township's own settings (governance.services.township_settings_update keeps the
    rules; this form only reads numbers as numbers)."""

    bean_name = forms.CharField(
        label=_("积分豆名称"), max_length=16, help_text=_("本镇对积分豆的叫法，如“山药豆”")
    )
    leader_own_weight = forms.DecimalField(
        label=_("网格长本户积分权重"),
        max_digits=3,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        help_text=_("0–1。网格长积分 = 本户权重 × 本户积分 + 平均权重 × 所联系农户平均积分"),
    )
    publicity_days = forms.IntegerField(label=_("公示天数"), help_text=_("1–30 天"))
    month_close_day = forms.IntegerField(
        label=_("月度结算日"), help_text=_("次月的第几天自动结算上月积分（1–28）")
    )
    points_to_beans = forms.DecimalField(
        label=_("积分兑换比例"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        help_text=_("1 积分折合的豆数"),
    )
    tiers = TiersField(
        label=_("季度评比档次"),
        required=False,
        help_text=_(
            "比例为排名前百分之几，逐档递增（如 10、30、50）；奖励为每档的豆数。清空一行即删除该档次。"
        ),
    )
    tier_level_depths = forms.TypedMultipleChoiceField(
        label=_("参与季度评比的网格层级"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
        help_text=_("所选每一层级的网格分别排名评档"),
    )
    annual_award_top_n = forms.IntegerField(
        label=_("年度评优每村户数"), help_text=_("每村评出积分最高的前几户")
    )

    def __init__(
        self,
        *args: Any,
        township_settings: TownshipSettings,
        levels: list[GridLevel],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial", {name: getattr(township_settings, name) for name in self.base_fields}
        )
        super().__init__(*args, **kwargs)
        choices(self, "tier_level_depths").choices = [
            (str(level.depth), f"第 {level.depth} 级 · {level.name}") for level in levels
        ]

    # The settings keep two decimals: "0.5" and "0.50" are the same weight (no false change).
    def clean_leader_own_weight(self) -> Decimal:
        return Decimal(self.cleaned_data["leader_own_weight"]).quantize(CENT)

    def clean_points_to_beans(self) -> Decimal:
        return Decimal(self.cleaned_data["points_to_beans"]).quantize(CENT)

    def clean_tier_level_depths(self) -> list[int]:
        return sorted(self.cleaned_data["tier_level_depths"])


class LevelForm(forms.Form):
    """A grid level's name, its leaders' title and what they may do (viewing is implied)."""

    name = forms.CharField(label=_("层级名称"), max_length=32)
    leader_title = forms.CharField(label=_("负责人称谓"), max_length=32)
    capabilities = forms.MultipleChoiceField(
        label=_("负责人权限"),
        choices=[(value, label) for value, label in Capability.choices if value != Capability.VIEW],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
        help_text=_("各级负责人都可查看本网格及以下；改动后在任负责人的权限随之调整"),
    )

    def __init__(self, *args: Any, level: GridLevel, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"level-{level.pk}")
        kwargs.setdefault(
            "initial",
            {
                "name": level.name,
                "leader_title": level.leader_title,
                "capabilities": [c for c in level.capabilities if c != Capability.VIEW],
            },
        )
        super().__init__(*args, **kwargs)
        self.level = level


# ---------------------------------------------------------------- merchants
class MerchantForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=64)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "——请选择——"), *Merchant.Kind.choices])
    village = forms.TypedChoiceField(
        label=_("所属村"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("共富超市须属于一个村；结对共建单位面向全镇，可不填"),
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args: Any, villages: list[GridUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.villages = {v.pk: v for v in villages}
        choices(self, "village").choices = [
            ("", "——不属于某村——"),
            *[(str(v.pk), v.name) for v in villages],
        ]

    def clean_village(self) -> GridUnit | None:
        village = self.cleaned_data["village"]
        return None if village is None else self.villages[village]


class OperatorForm(forms.Form):
    username = forms.CharField(
        label=_("账号（用户名）"),
        max_length=150,
        help_text=_("获得授权的账号可在该兑换点的柜台办理兑换"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = users

    def clean_username(self) -> User:
        user = self.users.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("没有该用户名的账号，请先在“账号”中创建。"))
        return user
