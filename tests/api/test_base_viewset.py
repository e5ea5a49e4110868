"""The scoped base viewset refuses subclasses that could skip the actor's scope."""

import pytest

from api.base import ScopedViewSet


def test_defining_get_queryset_is_refused() -> None:
    with pytest.raises(TypeError, match="get_queryset"):

        class Leaky(ScopedViewSet):
            def get_queryset(self):  # type: ignore[no-untyped-def]
                return None


def test_defining_a_queryset_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="queryset"):

        class Leaky(ScopedViewSet):
            queryset = []  # type: ignore[assignment]


def test_a_viewset_without_scoping_cannot_list() -> None:
    class Forgetful(ScopedViewSet):
        pass

    view = Forgetful()
    view.request = None  # type: ignore[assignment]
    view.__dict__["actor"] = object()
    with pytest.raises(NotImplementedError):
        view.get_queryset()
