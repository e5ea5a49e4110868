from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "网格治理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from governance.template_section import register

        register()
