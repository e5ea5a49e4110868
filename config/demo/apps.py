from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo platform of ``make run`` (ARCHITECTURE.md §6). Every capability adds to it."""

    name = "config.demo"
    label = "demo"
    verbose_name = "演示数据"
