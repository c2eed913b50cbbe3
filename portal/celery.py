"""Celery application (``celery -A portal worker|beat``).

Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a worker or beat started
by hand in production refuses to start without its variables. ``make run`` starts them with
the development settings (manage.py sets DJANGO_SETTINGS_MODULE for its children)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.prod")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
