"""The county organisation department compares its townships (public site)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ActorAPIView
from rewards.rollups import rollup_figures
from scoring.services import parse_period
from tenants.errors import NotFound, PermissionDenied
from tenants.selectors import counties_for, rollups_for


class CountyCompareView(ActorAPIView):
    """Townships side by side for one month (the latest final month unless ``?month=``):
    participation, points per household, the 四治 mix (categories mapped to 自治/法治/德治/智治,
    so different catalogs compare), objections, redemptions, and a six-month trend."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["county"],
        parameters=[
            OpenApiParameter(
                "county", str, description="county slug (default: the only one you may view)"
            ),
            OpenApiParameter("month", str, description="YYYY-MM (default: the latest final month)"),
        ],
        responses=inline_serializer(
            "CountyCompare",
            {
                "county": serializers.DictField(),
                "month": serializers.CharField(allow_null=True),
                "townships": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        counties = counties_for(user=request.user)
        slug = request.query_params.get("county")
        if slug:
            county = counties.filter(slug=slug).first()
            if county is None:
                raise NotFound("没有找到该县（市），或您无权查看。", code="county_not_found")
        else:
            choices = list(counties[:2])
            if not choices:
                raise PermissionDenied("您没有查看任何县（市）的权限。", code="permission_denied")
            if len(choices) > 1:
                raise serializers.ValidationError({"county": ["请指定县（市）：?county=<标识>。"]})
            county = choices[0]
        period = (
            parse_period(request.query_params["month"])
            if request.query_params.get("month")
            else None
        )
        period, townships, rollups = rollups_for(county=county, period=period)
        rows = []
        for township in townships:
            series = rollups.get(township.pk, [])
            current = series[0] if series and series[0].period == period else None
            rows.append(
                {
                    "slug": township.slug,
                    "name": township.name,
                    "bean_name": township.settings.bean_name,
                    "status": township.status,
                    "figures": rollup_figures(current) if current else None,
                    "trend": [
                        {
                            "month": r.period.strftime("%Y-%m"),
                            "points_per_household": rollup_figures(r)["points_per_household"],
                        }
                        for r in reversed(series)
                    ],
                }
            )
        return Response(
            {
                "county": {"slug": county.slug, "name": county.name},
                "month": period.strftime("%Y-%m") if period else None,
                "townships": rows,
            }
        )
