"""Project configuration: the design's ``platform/`` package.

It is called ``config`` because a top-level package named ``platform`` would
shadow Python's standard-library module of that name (see docs/adr/0001).
"""

from config.celery_app import app as celery_app

__all__ = ("celery_app",)
