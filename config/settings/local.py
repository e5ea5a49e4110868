"""Development and the ``make run`` demo."""

from config.settings.base import *

DEBUG = env.flag("DJANGO_DEBUG", default=True)
# Static files straight from the apps (no collectstatic outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
