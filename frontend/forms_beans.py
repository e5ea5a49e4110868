"""Forms of the bean pages: the counter, products, the negative list, quarters and years.
They check the shape of the input; the rules stay in rewards.services."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from frontend.forms import choices
from governance.models import GridUnit, Household
from rewards.models import NegativeListEntry, Product
from rewards.services import RedemptionLineInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CardForm(forms.Form):
    """Who is at the counter: the card code typed, or the QR code's text scanned/pasted."""

    card = forms.CharField(
        label=_("户卡码"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("输入户卡码，或扫码后粘贴"),
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autofocus": True,
                "enterkeyhint": "search",
            }
        ),
        error_messages={"required": _("请扫描户卡或输入户卡码。")},
    )


class RedeemForm(forms.Form):
    """The products and quantities for one household. ``key`` is made when the form is
    rendered and goes to the service as the idempotency key, so a double tap or a form
    sent twice makes one redemption."""

    card = forms.CharField(widget=forms.HiddenInput, max_length=200)
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(
        self, *args: Any, products: list[Product], on_sale: set[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.products = products
        self.on_sale = on_sale if on_sale is not None else {p.pk for p in products}
        self.lines: list[RedemptionLineInput] = []
        self.fields["key"].initial = uuid.uuid4().hex
        for product in products:
            self.fields[self.field_name(product)] = forms.IntegerField(
                label=product.name,
                min_value=0,
                max_value=999,
                required=False,
                initial=0,
                widget=forms.NumberInput(
                    attrs={
                        "class": "qty",
                        "inputmode": "numeric",
                        "min": 0,
                        "max": 999,
                        "data-price": product.bean_price,
                    }
                ),
                error_messages={
                    "min_value": _("数量不能为负。"),
                    "max_value": _("数量最多为 999。"),
                    "invalid": _("请输入整数。"),
                },
            )

    @staticmethod
    def field_name(product: Product) -> str:
        return f"q{product.pk}"

    def renew_key(self) -> None:
        """A new key for the form rendered again after a refusal (nothing was made)."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["key"] = uuid.uuid4().hex
        self.data = data

    def rows(self) -> list[tuple[Product, forms.BoundField]]:
        """The products to show: those on sale, and any the operator asked for (so a
        product that sold out meanwhile keeps its error next to it)."""
        shown = []
        for product in self.products:
            bound = self[self.field_name(product)]
            asked = self.is_bound and str(bound.value() or "0") not in {"", "0"}
            if product.pk in self.on_sale or asked or bound.errors:
                shown.append((product, bound))
        return shown

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.lines = [
            RedemptionLineInput(product=p, quantity=data[self.field_name(p)])
            for p in self.products
            if data.get(self.field_name(p))
        ]
        if not self.lines and not self.errors:
            raise forms.ValidationError(_("请选择要兑换的商品，数量至少为 1。"))
        return data

    def line_fields(self) -> dict[str, str]:
        """The service's ``lines[i]`` → the quantity field of that line's product."""
        mapping = {}
        for index, line in enumerate(self.lines):
            name = self.field_name(line.product)
            mapping[f"lines[{index}]"] = name
            mapping[f"lines[{index}].quantity"] = name
        return mapping


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=200,
        error_messages={"required": _("请填写撤销原因。")},
        widget=forms.TextInput(attrs={"placeholder": _("撤销原因（必填）")}),
    )


class SettlementForm(forms.Form):
    month = forms.ChoiceField(label=_("月份"))

    def __init__(self, *args: Any, months: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "month").choices = [(m, m) for m in months]


class ProductForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=64)
    unit = forms.CharField(label=_("单位"), max_length=8, initial="件")
    bean_price = forms.IntegerField(label=_("所需积分豆"), min_value=1)
    stock = forms.IntegerField(
        label=_("库存"), min_value=0, required=False, help_text=_("留空表示不限量")
    )
    active_from = forms.DateField(label=_("上架日期"), required=False, widget=DATE)
    active_to = forms.DateField(label=_("下架日期"), required=False, widget=DATE)
    is_preferential = forms.BooleanField(
        label=_("优惠政策类"),
        required=False,
        help_text=_("如优惠利率、优先服务；负面清单“不享受优惠政策”的农户不能兑换"),
    )
    is_active = forms.BooleanField(label=_("在售"), required=False, initial=True)

    def __init__(self, *args: Any, bean_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bean_name:
            self.fields["bean_price"].label = f"所需{bean_name}"

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        return {name: getattr(product, name) for name in ProductForm.base_fields}


# ---------------------------------------------------------------- negative list
class NegativeEntryForm(forms.Form):
    number = forms.CharField(label=_("户号"), max_length=32)
    kind = forms.ChoiceField(label=_("惩戒类型"), choices=NegativeListEntry.Kind.choices)
    reason = forms.CharField(
        label=_("事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(
        label=_("结束日期"), required=False, widget=DATE, help_text=_("留空表示长期")
    )

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.households = households

    def clean_number(self) -> Household:
        number = self.cleaned_data["number"].strip()
        household = self.households.filter(number=number).first()
        if household is None:
            raise forms.ValidationError(_("没有找到该户号的农户，或该户不在您负责的村。"))
        return household


class RectifyForm(forms.Form):
    rectification = forms.CharField(
        label=_("整改情况"),
        max_length=500,
        error_messages={"required": _("请填写整改情况。")},
        widget=forms.TextInput(attrs={"placeholder": _("整改情况")}),
    )


class EligibilityForm(forms.Form):
    village = forms.TypedChoiceField(label=_("村"), coerce=int, required=False)
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)

    def __init__(self, *args: Any, villages: list[GridUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.villages = {v.pk: v for v in villages}
        choices(self, "village").choices = [
            ("", "全部"),
            *[(str(v.pk), v.name) for v in villages],
        ]

    def clean_village(self) -> GridUnit | None:
        pk = self.cleaned_data.get("village")
        return self.villages.get(pk) if pk else None


# ---------------------------------------------------------------- quarters and years
class DecideForm(forms.Form):
    award_beans = forms.IntegerField(
        label=_("每户奖励积分豆"),
        min_value=0,
        max_value=100_000,
        required=False,
        initial=0,
        help_text=_("可不填；填写后随荣誉证书一并入账"),
    )

    def __init__(self, *args: Any, bean_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bean_name:
            self.fields["award_beans"].label = f"每户奖励{bean_name}"


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
