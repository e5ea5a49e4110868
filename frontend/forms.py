"""The web forms. They check the shape of the input; the rules stay in the services, whose
refusals ``frontend.pages.show_errors`` puts back next to these fields."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import GridUnit, Household
from scoring.models import Indicator, PointRecord, VillageConfirmation


def _grouped(items: list[tuple[str, str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group, value, label)] → Django's grouped choices, in first-seen group order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, value, label in items:
        groups.setdefault(group, []).append((value, label))
    return list(groups.items())


def choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """A form's choice field, typed (to set its choices for this actor)."""
    return cast("forms.ChoiceField", form.fields[name])


def household_label(household: Household) -> str:
    residents = list(household.residents.all())  # prefetched by the selector, head first
    head = residents[0].name if residents else ""
    return f"{household.number} {head}".strip()


def indicator_label(indicator: Indicator) -> str:
    return f"{indicator.name}（{indicator.points:+d}分/{indicator.unit}）"


class RecordForm(forms.Form):
    """One record for one household (录入积分). The choices are the actor's scope."""

    household = forms.TypedChoiceField(label=_("农户"), coerce=int)
    indicator = forms.TypedChoiceField(label=_("积分指标"), coerce=int)
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=1000, initial=1)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    evidence = forms.FileField(
        label=_("佐证照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    # Double taps and retries on a weak phone signal must not make two records: the key
    # goes to the service as its idempotency key and is renewed after each success.
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(
        self,
        *args: Any,
        households: list[Household],
        indicators: list[Indicator],
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.households = {h.pk: h for h in households}
        self.indicators = {i.pk: i for i in indicators}
        choices(self, "household").choices = [
            ("", "——请选择——"),
            *_grouped([(h.unit.name, str(h.pk), household_label(h)) for h in households]),
        ]
        choices(self, "indicator").choices = [
            ("", "——请选择——"),
            *_grouped([(i.category.name, str(i.pk), indicator_label(i)) for i in indicators]),
        ]
        self.fields["occurred_on"].initial = today
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()
        self.fields["submission_key"].initial = uuid.uuid4().hex

    def clean_household(self) -> Household:
        return self.households[self.cleaned_data["household"]]

    def clean_indicator(self) -> Indicator:
        return self.indicators[self.cleaned_data["indicator"]]


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见"), max_length=200, required=False, widget=forms.TextInput
    )


class BulkReviewForm(forms.Form):
    DECISIONS = (("approve", _("通过")), ("reject", _("驳回")))

    selected = forms.TypedMultipleChoiceField(label=_("选中的记录"), coerce=int)
    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(label=_("驳回理由"), max_length=200, required=False)

    def __init__(self, *args: Any, record_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "selected").choices = [(str(pk), str(pk)) for pk in record_ids]
        self.fields["selected"].error_messages["required"] = "请先勾选要审核的记录。"
        self.fields["selected"].error_messages["invalid_choice"] = (
            "记录 %(value)s 不在待审核列表中（可能已被审核），请刷新后重试。"
        )


class ConfirmForm(forms.Form):
    """The village leading group's meeting that confirmed the month (村级认定)."""

    village = forms.TypedChoiceField(label=_("村"), coerce=int)
    meeting_type = forms.ChoiceField(
        label=_("会议"),
        choices=[
            (VillageConfirmation.Meeting.PARTY_DAY, VillageConfirmation.Meeting.PARTY_DAY.label),
            (
                VillageConfirmation.Meeting.DELIBERATION_DAY,
                VillageConfirmation.Meeting.DELIBERATION_DAY.label,
            ),
            (VillageConfirmation.Meeting.OTHER, VillageConfirmation.Meeting.OTHER.label),
        ],
    )
    meeting_date = forms.DateField(
        label=_("会议日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attendees = forms.CharField(
        label=_("参会人员"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, villages: list[GridUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.villages = {v.pk: v for v in villages}
        choices(self, "village").choices = [(str(v.pk), v.name) for v in villages]

    def clean_village(self) -> GridUnit:
        return self.villages[self.cleaned_data["village"]]


class PublishForm(forms.Form):
    override_reason = forms.CharField(
        label=_("未全部认定即公示的原因"), max_length=200, required=False
    )


class ObjectionRaiseForm(forms.Form):
    """A resident's objection (异议) to the household's month, or to one of its records."""

    record = forms.TypedChoiceField(
        label=_("针对的记录"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(
        label=_("异议理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, records: list[PointRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = {r.pk: r for r in records}
        choices(self, "record").choices = [
            ("", "整月积分"),
            *[
                (str(r.pk), f"{r.occurred_on:%m-%d} {r.indicator_name} {r.points:+d}")
                for r in records
            ],
        ]

    def clean_record(self) -> PointRecord | None:
        pk = self.cleaned_data.get("record")
        return self.records[pk] if pk else None


class ObjectionDecideForm(forms.Form):
    DECISIONS = (("uphold", _("采纳")), ("dismiss", _("不予采纳")))

    decision = forms.ChoiceField(choices=DECISIONS)
    reply = forms.CharField(
        label=_("答复"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"required": True}),
    )
    correction_points = forms.IntegerField(
        label=_("更正分值"),
        required=False,
        help_text=_("采纳时填写；针对单条记录可留空（冲销该记录）"),
    )
