from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "积分"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scoring.template_section import register

        register()
