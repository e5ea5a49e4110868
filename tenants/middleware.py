"""Resolve the township from the host, before anything else touches the database."""

from __future__ import annotations

from collections.abc import Callable

import sentry_sdk
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import set_urlconf

from tenants.db import tenant_connection
from tenants.models import Domain, Township


def public_hosts() -> set[str]:
    base = settings.JFB_BASE_DOMAIN
    return {base, f"www.{base}", *getattr(settings, "JFB_PUBLIC_EXTRA_HOSTS", [])}


def wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or request.path == "/healthz"
        or ("application/json" in request.headers.get("Accept", ""))
    )


def _error(
    request: HttpRequest, *, status: int, code: str, detail: str, title: str
) -> HttpResponse:
    if wants_json(request):
        body = {"type": "client_error", "errors": [{"code": code, "detail": detail, "attr": None}]}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "frontend/unavailable.html",
        {"title": title, "detail": detail, "code": code},
        status=status,
    )


class TownshipMiddleware:
    """Set the PostgreSQL schema and URL conf for the host of the request.

    The base domain is the public site (public schema). ``<slug>.<base domain>``
    is a township; an unknown host answers 404 and a suspended township 503 —
    before authentication runs, so a suspended township's data is never read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant_connection().set_schema_to_public()
        try:
            hostname = request.get_host().split(":")[0].lower()
        except DisallowedHost:
            if request.path != "/healthz":
                raise
            # Load balancers check health by the task's address: answer as the public site.
            hostname = settings.JFB_BASE_DOMAIN
            request.META["HTTP_HOST"] = hostname
        township: Township | None = None
        if hostname in public_hosts():
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        else:
            domain = (
                Domain.objects.select_related("tenant", "tenant__settings", "tenant__county")
                .filter(domain=hostname)
                .first()
            )
            if domain is None:
                return _error(
                    request,
                    status=404,
                    code="township_not_found",
                    detail=f"没有找到域名 {hostname} 对应的乡镇。",
                    title="乡镇不存在",
                )
            township = domain.tenant
            if township.is_suspended:
                response = _error(
                    request,
                    status=503,
                    code="township_suspended",
                    detail=f"{township.name}的积分平台已暂停服务，请联系县（市）或平台管理员。",
                    title="服务已暂停",
                )
                response["Retry-After"] = "3600"
                return response
            township.domain_url = hostname
            tenant_connection().set_tenant(township)
            request.urlconf = settings.ROOT_URLCONF
        request.tenant = township  # type: ignore[attr-defined]
        request.township = township  # type: ignore[attr-defined]
        set_urlconf(request.urlconf)
        sentry_sdk.get_isolation_scope().set_tag(
            "township", township.slug if township else "public"
        )
        return self.get_response(request)
