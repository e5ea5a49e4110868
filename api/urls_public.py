"""``/api/v1/`` on the public site (county officers, platform operators)."""

from django.urls import path

from api import core

app_name = "api"

urlpatterns = [
    path("auth/token/", core.TokenView.as_view(), name="auth-token"),
    path("me/", core.MeView.as_view(), name="me"),
]
