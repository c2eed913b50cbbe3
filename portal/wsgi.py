"""The WSGI entry point of production web servers (gunicorn): production settings unless
DJANGO_SETTINGS_MODULE says otherwise. ``make run`` serves through manage.py (dev settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.prod")
application = get_wsgi_application()
