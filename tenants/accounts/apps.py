from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users. Installed in the public schema AND every township schema (ARCHITECTURE.md §3)."""

    name = "tenants.accounts"
    label = "accounts"
    verbose_name = "账号"
    default_auto_field = "django.db.models.BigAutoField"
