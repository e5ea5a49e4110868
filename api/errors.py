"""One error format for the whole API: ``{"type", "errors": [{"code", "detail", "attr"}]}``.

drf-standardized-errors produces it for DRF's exceptions; this handler adds the domain's
``ApplicationError`` family (raised by services) with their own status and code.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler as StandardExceptionHandler
from rest_framework import exceptions, status

from tenants.errors import ApplicationError


class DomainException(exceptions.APIException):
    """A domain refusal carried through DRF with its own status code."""

    def __init__(self, error: ApplicationError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.status_code


class ExceptionHandler(StandardExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, ApplicationError):
            if exc.errors is None and exc.status_code == status.HTTP_400_BAD_REQUEST and exc.attr:
                return exceptions.ValidationError(
                    {exc.attr: [exceptions.ErrorDetail(exc.message, code=exc.code)]}
                )
            if exc.errors is None and exc.status_code == status.HTTP_400_BAD_REQUEST:
                return exceptions.ValidationError(
                    exceptions.ErrorDetail(exc.message, code=exc.code)
                )
            return DomainException(exc)
        return super().convert_known_exceptions(exc)

    def format_exception(self, exc: exceptions.APIException) -> dict[str, Any]:
        original = self.exc
        if isinstance(original, ApplicationError) and original.errors is not None:
            kind = "validation_error" if original.status_code == 400 else "client_error"
            return {"type": kind, "errors": list(original.errors)}
        if isinstance(original, ApplicationError) and original.attr:
            data = ExceptionFormatter(exc, self.context, original).run()
            for error in data["errors"]:
                error["attr"] = error.get("attr") or original.attr
            return data
        return super().format_exception(exc)


def error_body(
    *, code: str, detail: str, attr: str | None = None, kind: str = "client_error"
) -> dict[str, Any]:
    return {"type": kind, "errors": [{"code": code, "detail": detail, "attr": attr}]}


def axes_lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes: too many failed logins for this username and address."""
    detail = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。"
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(code="login_locked", detail=detail),
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    from django.shortcuts import render

    return render(
        request, "frontend/unavailable.html", {"title": "登录已锁定", "detail": detail}, status=429
    )
