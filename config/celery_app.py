"""The Celery application (worker: ``celery -A config.celery_app worker``)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("jifenbao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
