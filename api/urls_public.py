"""``/api/v1/`` on the public site (county officers, platform operators)."""

from django.urls import path

from api import core, county

app_name = "api"

urlpatterns = [
    path("auth/token/", core.TokenView.as_view(), name="auth-token"),
    path("me/", core.MeView.as_view(), name="me"),
    path("county/compare/", county.CountyCompareView.as_view(), name="county-compare"),
]
