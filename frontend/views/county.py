"""县域对比 (public site): a county organisation department compares its townships for the
latest month with figures (or a chosen one): participation, points per household, the 四治
mix, objections, redemptions, and a six-month trend."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.county import category_labels, comparison_for, legend, months_compared
from frontend.pages import forbidden, not_found, public_page
from tenants.selectors import counties_for


@public_page
def county_compare(request: HttpRequest) -> HttpResponse:
    counties = list(counties_for(user=request.user))
    if not counties:
        return forbidden(request, "您没有查看任何县（市）的权限。")
    slug = request.GET.get("county", "")
    county = next((c for c in counties if c.slug == slug), None) if slug else counties[0]
    if county is None:
        return not_found(request, "没有找到该县（市），或您无权查看。")
    months = months_compared(county)
    wanted = request.GET.get("month", "")
    period = next((m for m in months if m.strftime("%Y-%m") == wanted), None)
    error = "" if period or not wanted else f"{wanted} 没有统计数据，显示最近一个月。"
    comparison = comparison_for(county=county, period=period)
    return render(
        request,
        "frontend/county/compare.html",
        {
            "counties": counties,
            "county": county,
            "months": months,
            "c": comparison,
            "legend": legend(),
            "legend_labels": category_labels(),
            "error": error,
        },
    )
