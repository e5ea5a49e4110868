"""Errors that services raise. The API maps them to HTTP; the web pages show their message.

Every error has a stable machine ``code`` and a Chinese ``message`` for people.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A request the domain refuses (HTTP 400 unless a subclass says otherwise)."""

    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        attr: str | None = None,
        errors: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.attr = attr
        # Several problems at once (a batch, an import): each {"code","detail","attr"}.
        self.errors = errors


class NotFound(ApplicationError):
    """Missing, or not visible to this actor: the two are indistinguishable on purpose."""

    status_code = 404
    default_code = "not_found"


class PermissionDenied(ApplicationError):
    """Visible to this actor, but this action is not theirs to take."""

    status_code = 403
    default_code = "permission_denied"


class Conflict(ApplicationError):
    """The object moved on (already reviewed, month already closed …)."""

    status_code = 409
    default_code = "conflict"
