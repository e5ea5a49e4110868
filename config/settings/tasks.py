"""Celery. Tasks run in the schema of the township that queued them (tenant-schemas-celery)."""

from celery.schedules import crontab

from config import env

CELERY_BROKER_URL = env.broker_url()
CELERY_TASK_DEFAULT_QUEUE = env.get("JFB_CELERY_QUEUE", "jifenbao")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# (kombu's SQLAlchemy transport polls once a second; its transport options would be passed
# to create_engine, so none are set for it.)
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(env.DATA_DIR / "celerybeat-schedule")
# Each periodic job is one beat entry that fans out one task per active township.
CELERY_BEAT_SCHEDULE = {
    "months-advance": {
        "task": "tenants.tasks.fan_out",
        "args": ["scoring.tasks.months_advance"],
        "schedule": crontab(minute="7"),
    },
    "sessions-clear": {
        "task": "tenants.tasks.fan_out",
        "args": ["tenants.tasks.sessions_clear"],
        "schedule": crontab(hour="3", minute="17"),
    },
}
