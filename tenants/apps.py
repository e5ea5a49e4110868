from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "乡镇与县"
    default_auto_field = "django.db.models.BigAutoField"
