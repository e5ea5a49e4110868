"""The Celery application (worker: ``celery -A config.celery_app worker``).

It is imported with the ``config`` package (config/__init__.py), so every process that
loads Django has it, and it is made the *default* app: ``shared_task`` resolves the app per
thread, and a request served in another thread (runserver, a live test server, a threaded
gunicorn worker) would otherwise send its tasks through an unconfigured fallback app to a
broker that may not exist.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("jifenbao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.set_default()
