"""The URL conf drf-spectacular walks for the public site's OpenAPI document."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("api.urls_public", namespace="api"))]
