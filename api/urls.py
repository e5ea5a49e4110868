"""``/api/v1/`` on a township's host."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api import core

app_name = "api"

router = DefaultRouter(trailing_slash=True)

urlpatterns = [
    path("auth/token/", core.TokenView.as_view(), name="auth-token"),
    path("me/", core.MeView.as_view(), name="me"),
    path("township/", core.TownshipView.as_view(), name="township"),
    *router.urls,
]
