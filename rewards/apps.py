from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "积分豆与奖励"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rewards import receivers  # noqa: F401 - connects the month_finalized receiver
