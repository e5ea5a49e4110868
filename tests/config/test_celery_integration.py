"""A real worker runs a task in the schema of the township that queued it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.tasking import enqueue_on_commit
from tenants.tasks import fan_out, sessions_clear
from tests.fixtures import committed, wait_until

pytestmark = pytest.mark.integration


def _expired_session(slug: str) -> str:
    with schema_context(slug):
        store = SessionStore()
        store["probe"] = slug
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(days=1)
        )
        return store.session_key


def _exists(slug: str, key: str) -> bool:
    with schema_context(slug):
        return Session.objects.filter(session_key=key).exists()


def test_task_queued_from_changshan_runs_in_changshan_schema(
    celery_worker, django_db_blocker
) -> None:
    with committed(django_db_blocker):
        in_changshan = _expired_session("changshan")
        in_weiqiao = _expired_session("weiqiao")
        try:
            with schema_context("changshan"), transaction.atomic():
                enqueue_on_commit(sessions_clear)
                assert connection.schema_name == "changshan"
            assert wait_until(lambda: not _exists("changshan", in_changshan)), celery_worker["log"]
            # The worker cleared changshan's schema only.
            assert _exists("weiqiao", in_weiqiao)
        finally:
            with schema_context("weiqiao"):
                Session.objects.filter(session_key=in_weiqiao).delete()


def test_nothing_is_queued_when_the_transaction_rolls_back(
    celery_worker, django_db_blocker
) -> None:
    with committed(django_db_blocker):
        key = _expired_session("weiqiao")
        try:
            with schema_context("weiqiao"):
                try:
                    with transaction.atomic():
                        enqueue_on_commit(sessions_clear)
                        raise RuntimeError("rolled back")
                except RuntimeError:
                    pass
            assert not wait_until(lambda: not _exists("weiqiao", key), timeout=3)
        finally:
            with schema_context("weiqiao"):
                Session.objects.filter(session_key=key).delete()


def test_beat_fan_out_queues_one_task_per_active_township(celery_worker, django_db_blocker) -> None:
    with committed(django_db_blocker):
        keys = {slug: _expired_session(slug) for slug in ("changshan", "weiqiao")}
        fan_out.delay("tenants.tasks.sessions_clear")
        assert wait_until(lambda: not any(_exists(s, k) for s, k in keys.items())), celery_worker[
            "log"
        ]


def test_a_task_queued_from_another_thread_uses_the_configured_app(
    celery_worker, django_db_blocker
) -> None:
    """Web requests run in threads (runserver, threaded servers): their tasks must reach the
    same broker and queue as everything else, not Celery's unconfigured fallback app."""
    import threading

    sent: list[object] = []

    def queue_from_a_thread() -> None:
        sent.append((sessions_clear.app.conf.task_default_queue, sessions_clear.app.main))

    thread = threading.Thread(target=queue_from_a_thread)
    thread.start()
    thread.join()
    assert sent == [(celery_worker["queue"], "jifenbao")]
