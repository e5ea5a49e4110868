"""评比: 一季一评比 (the quarter's gold/silver/bronze grids) and 一年一评优 (the year's
commended households, their certificates, the party-member report and the assessment).

Rating a quarter and deciding a year are the township admin's (rewards.services; both are
idempotent: doing it twice pays once). Reading them follows the actor's reach: the
township admin and the leading group see everything, a leader the units below them.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontend.forms_beans import DecideForm, quarter_label
from frontend.pages import (
    UNPROCESSABLE,
    XLSX,
    actor_of,
    bean_name_of,
    download,
    forbidden,
    in_bean_name,
    paginate,
    show_errors,
    township_of,
    township_page,
)
from frontend.readers import can_see_awards, head_names
from governance.selectors import household_get_for, level_list
from rewards import documents, reports, selectors, services
from scoring.selectors import month_list
from scoring.services import township_now
from tenants.errors import ApplicationError, NotFound, PermissionDenied

NO_AWARDS_VIEW = "评比结果面向乡镇管理员、乡镇工作领导小组和各级网格负责人。"


def _quarters(today: date) -> list[str]:
    """Quarters that have months, newest first (and the current one)."""
    labels = [quarter_label(today)]
    for month in month_list().values_list("period", flat=True):
        label = quarter_label(month)
        if label not in labels:
            labels.append(label)
    return sorted(labels, reverse=True)


@township_page
def quarter_page(request: HttpRequest) -> HttpResponse:
    """A quarter's rating by level: the tiers with their titles and awards."""
    actor = actor_of(request)
    if not can_see_awards(actor):
        return forbidden(request, NO_AWARDS_VIEW)
    today = township_now(township_of(request)).date()
    quarters = _quarters(today)
    label = request.GET.get("quarter") or ""
    if label not in quarters:
        rated = [q for q in quarters if selectors.tier_list_for(actor=actor, quarter=q).exists()]
        label = rated[0] if rated else quarters[0]
    return render(request, "frontend/awards/quarter.html", _quarter_context(request, label))


def _quarter_context(request: HttpRequest, label: str, error: str = "") -> dict[str, Any]:
    actor = actor_of(request)
    show_all = request.GET.get("all") == "1"
    ratings = selectors.tier_list_for(actor=actor, quarter=label).select_related("unit__parent")
    if not show_all:
        ratings = ratings.exclude(tier="")
    names = {level.depth: level.name for level in level_list()}
    levels = [
        {"depth": depth, "name": names.get(depth, ""), "rows": list(rows)}
        for depth, rows in groupby(ratings, key=lambda r: r.level_depth)
    ]
    today = township_now(township_of(request)).date()
    return {
        "label": label,
        "quarters": _quarters(today),
        "levels": levels,
        "rated": selectors.tier_list_for(actor=actor, quarter=label).exists(),
        "show_all": show_all,
        "error": error,
        "tiers": township_of(request).settings.tiers,
        "is_admin": actor.is_township_admin,
    }


@require_POST
@township_page
def quarter_rate(request: HttpRequest, label: str) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, "只有乡镇管理员可以进行季度评比。")
    try:
        ratings = services.quarter_rate(actor=actor, label=label)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        context = _quarter_context(request, label, error=in_bean_name(request, exc.message))
        return render(request, "frontend/awards/quarter.html", context, status=UNPROCESSABLE)
    awarded = sum(1 for r in ratings if r.award_beans)
    messages.success(request, f"{label} 评比完成：{awarded} 个网格获评，奖励已分配到户。")
    return redirect(f"{reverse('frontend:quarters')}?quarter={label}")


# ---------------------------------------------------------------- the year
@township_page
def years(request: HttpRequest) -> HttpResponse:
    return redirect("frontend:year", township_now(township_of(request)).year)


def _year_context(request: HttpRequest, year: int, form: DecideForm | None = None) -> dict:
    actor = actor_of(request)
    awards = selectors.award_list_for(actor=actor, year=year)
    page = paginate(request, awards, per_page=50)
    return {
        "year": year,
        "years": list(range(year + 1, year - 4, -1)),
        "page": page,
        "names": head_names(actor=actor, household_ids=[a.household_id for a in page]),
        "form": form or DecideForm(bean_name=bean_name_of(request)),
        "decided": selectors.award_list_for(actor=actor, year=year).exists(),
        "is_admin": actor.is_township_admin,
        "sees_all": actor.sees_whole_township,
        "top_n": township_of(request).settings.annual_award_top_n,
    }


@township_page
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    """The year's commended households (top N per village), certificates, reports."""
    if not can_see_awards(actor_of(request)):
        return forbidden(request, NO_AWARDS_VIEW)
    return render(request, "frontend/awards/year.html", _year_context(request, year))


@require_POST
@township_page
def year_decide(request: HttpRequest, year: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_township_admin:
        return forbidden(request, "只有乡镇管理员可以评定年度评优。")
    bean = bean_name_of(request)
    form = DecideForm(request.POST, bean_name=bean)
    if form.is_valid():
        try:
            awards = services.annual_awards_decide(
                actor=actor, year=year, award_beans=form.cleaned_data["award_beans"] or 0
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            show_errors(form, exc, bean_name=bean)
        else:
            messages.success(request, f"{year} 年度评优已评定：{len(awards)} 户获表彰。")
            return redirect("frontend:year", year)
    return render(
        request,
        "frontend/awards/year.html",
        _year_context(request, year, form),
        status=UNPROCESSABLE,
    )


@township_page
def certificate(request: HttpRequest, year: int, household_id: int) -> HttpResponse:
    """The honour certificate (荣誉证书) of a commended household, as a PDF."""
    actor = actor_of(request)
    household = household_get_for(actor=actor, household_id=household_id)
    award = selectors.award_get_for(actor=actor, year=year, household_id=household.pk)
    content = documents.award_certificate_pdf(township=township_of(request), award=award)
    return download(
        content, filename=f"荣誉证书-{year}-{household.number}.pdf", content_type="application/pdf"
    )


@township_page
def party_report(request: HttpRequest, year: int) -> HttpResponse:
    """Party members' household beans by month (.xlsx), for the democratic evaluation."""
    actor = actor_of(request)
    if not can_see_awards(actor):
        return forbidden(request, NO_AWARDS_VIEW)
    rows = reports.party_member_report(actor=actor, year=year)
    headers = [h.replace("积分豆", bean_name_of(request)) for h in reports.PARTY_HEADERS]
    content = documents.xlsx(title=f"{year}党员{bean_name_of(request)}", headers=headers, rows=rows)
    return download(content, filename=f"党员积分-{year}.xlsx", content_type=XLSX)


@township_page
def assessment(request: HttpRequest, year: int) -> HttpResponse:
    """Village and sub-village figures for the year-end assessment (the whole township)."""
    actor = actor_of(request)
    data = reports.assessment(actor=actor, year=year)  # 403 unless the actor sees it all
    bean = bean_name_of(request)
    headers = ["层级", "网格", "户数", "参与户数", "通过记录", "认定月份", bean, f"户均{bean}"]
    content = documents.xlsx(
        title=f"{year}年终考核", headers=headers, rows=reports.assessment_rows(data)
    )
    return download(content, filename=f"年终考核-{year}.xlsx", content_type=XLSX)
