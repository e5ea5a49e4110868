"""Authentication, the current user and the township's public settings."""

from __future__ import annotations

from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.base import ActorAPIView
from governance.selectors import level_list
from governance.services import township_settings_update
from rewards.models import Merchant
from rewards.selectors import operated_merchant_ids
from tenants.errors import ApplicationError


class LoginLocked(ApplicationError):
    status_code = 429
    default_code = "login_locked"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ActorAPIView):
    """Exchange a username and password of THIS host's township for an API token.

    Tokens live in the township's schema, so a token of one township means nothing on
    another's host. Five failures for a username from one address lock it for 15 minutes.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        http_request = request._request
        try:
            user = authenticate(
                request=http_request,
                username=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except AxesBackendPermissionDenied as exc:
            raise LoginLocked("登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。") from exc
        if getattr(http_request, "axes_locked_out", False):
            raise LoginLocked("登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。")
        if user is None or not user.is_active:
            raise ApplicationError("用户名或密码错误。", code="invalid_credentials")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request: Request) -> Response:
        """Revoke the token in the Authorization header (log out of every API client)."""
        from rest_framework.authentication import TokenAuthentication

        result = TokenAuthentication().authenticate(request)
        if result is None:
            raise ApplicationError("缺少令牌。", code="not_authenticated")
        Token.objects.filter(key=result[1].key).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ActorAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "display_name": serializers.CharField(),
                "township": serializers.DictField(allow_null=True),
                "roles": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        actor = self.actor
        township = actor.township
        roles = actor.roles()
        if township is not None:
            roles += [
                {
                    "role": "merchant_operator",
                    "title": "兑换点店员",
                    "scope": {"kind": "merchant", "id": merchant.pk, "name": merchant.name},
                    "capabilities": ["operate"],
                }
                for merchant in Merchant.objects.filter(
                    pk__in=operated_merchant_ids(actor)
                ).order_by("name")
            ]
        return Response(
            {
                "username": actor.user.get_username(),
                "display_name": actor.user.get_full_name(),
                "township": {"slug": township.slug, "name": township.name} if township else None,
                "roles": roles,
            }
        )


class TownshipSettingsSerializer(serializers.Serializer):
    bean_name = serializers.CharField(max_length=16, required=False)
    leader_own_weight = serializers.DecimalField(max_digits=3, decimal_places=2, required=False)
    publicity_days = serializers.IntegerField(required=False)
    month_close_day = serializers.IntegerField(required=False)
    points_to_beans = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    tiers = serializers.ListField(child=serializers.DictField(), required=False)
    tier_level_depths = serializers.ListField(child=serializers.IntegerField(), required=False)
    annual_award_top_n = serializers.IntegerField(required=False)


TOWNSHIP_RESPONSE = inline_serializer(
    "Township",
    {
        "slug": serializers.CharField(),
        "name": serializers.CharField(),
        "county": serializers.DictField(),
        "bean_name": serializers.CharField(),
        "levels": serializers.ListField(child=serializers.DictField()),
        "leader_weights": serializers.DictField(),
        "publicity_days": serializers.IntegerField(),
        "month_close_day": serializers.IntegerField(),
        "points_to_beans": serializers.CharField(),
        "tiers": serializers.ListField(child=serializers.DictField()),
        "tier_level_depths": serializers.ListField(child=serializers.IntegerField()),
        "annual_award_top_n": serializers.IntegerField(),
        "timezone": serializers.CharField(),
    },
)


class TownshipView(ActorAPIView):
    """The township of this host and its public settings (no login needed to read; the
    township admin changes them with PATCH, audited)."""

    def get_permissions(self) -> list[Any]:
        return (
            [AllowAny()]
            if self.request.method in ("GET", "HEAD", "OPTIONS")
            else [IsAuthenticated()]
        )

    @extend_schema(
        tags=["township"], request=TownshipSettingsSerializer, responses=TOWNSHIP_RESPONSE
    )
    def patch(self, request: Request) -> Response:
        data = TownshipSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        township_settings_update(actor=self.actor, **data.validated_data)
        request.township.settings.refresh_from_db()  # type: ignore[attr-defined]
        return self.get(request)

    @extend_schema(
        tags=["township"],
        responses=TOWNSHIP_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        township = request.township  # type: ignore[attr-defined]
        s = township.settings
        return Response(
            {
                "slug": township.slug,
                "name": township.name,
                "county": {"slug": township.county.slug, "name": township.county.name},
                "bean_name": s.bean_name,
                "levels": [
                    {
                        "depth": level.depth,
                        "name": level.name,
                        "leader_title": level.leader_title,
                        "capabilities": level.capabilities,
                        "is_village": level.is_village,
                    }
                    for level in level_list()
                ],
                "leader_weights": {
                    "own_household": str(s.leader_own_weight),
                    "unit_average": str(s.leader_average_weight),
                },
                "publicity_days": s.publicity_days,
                "month_close_day": s.month_close_day,
                "points_to_beans": str(s.points_to_beans),
                "tiers": s.tiers,
                "tier_level_depths": s.tier_level_depths,
                "annual_award_top_n": s.annual_award_top_n,
                "timezone": s.timezone,
            }
        )
