"""The database connection as django-tenants makes it: with a schema and a tenant.

django-tenants' backend adds ``schema_name``, ``tenant``, ``set_tenant`` and
``set_schema_to_public`` to the connection at runtime; django-stubs types
``django.db.connection`` as a plain ``BaseDatabaseWrapper`` that has none of them.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import connection


class TenantConnection(Protocol):
    """The attributes of django-tenants' connection wrapper this project uses.

    ``schema_name`` is always a string: the wrapper sets the public schema when it is built.
    """

    schema_name: str
    tenant: Any

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


def tenant_connection() -> TenantConnection:
    """The default connection (Django's thread-local proxy), typed as django-tenants' wrapper."""
    return cast(TenantConnection, connection)
