"""URLs of the public site (the base domain): county comparison, platform operations."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("api.urls_public", namespace="api")),
    path(
        "api/schema/", SpectacularAPIView.as_view(urlconf="api.urls_public_schema"), name="schema"
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls_public", namespace="frontend")),
]
