from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "网页"
    default_auto_field = "django.db.models.BigAutoField"
