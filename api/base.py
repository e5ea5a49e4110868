"""Base views whose actor scoping cannot be skipped by accident (STYLE.md #4).

A subclass says how to scope with ``scoped_queryset(actor=…)`` — usually one call to a
selector — and may not define ``queryset`` or ``get_queryset``: the class refuses to be
created if it does. The one escape hatch carries its risk in its name,
``dangerously_unscoped_queryset``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.functional import cached_property
from rest_framework import viewsets
from rest_framework.views import APIView

from governance.actors import Actor, actor_for


class ActorMixin:
    request: Any

    @cached_property
    def actor(self) -> Actor:
        return actor_for(user=self.request.user, township=getattr(self.request, "township", None))


class ScopedViewSet(ActorMixin, viewsets.GenericViewSet):
    """Every object this viewset reads comes from ``scoped_queryset(actor=self.actor)``."""

    scoped_model: ClassVar[type[Model] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("queryset", "get_queryset"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} defines {name!r}: scope reads with scoped_queryset(actor=...) "
                    "or, knowingly, dangerously_unscoped_queryset()."
                )

    def scoped_queryset(self, *, actor: Actor) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:  # final: see __init_subclass__
        if getattr(self, "swagger_fake_view", False) and self.scoped_model is not None:
            return self.scoped_model._default_manager.none()  # OpenAPI generation has no actor
        unscoped = getattr(self, "dangerously_unscoped_queryset", None)
        if unscoped is not None:
            return unscoped()
        return self.scoped_queryset(actor=self.actor)


class ActorAPIView(ActorMixin, APIView):
    """A plain endpoint that acts as ``self.actor`` (no list to scope)."""
