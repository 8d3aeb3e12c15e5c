"""WSGI entry point (gunicorn dti.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dti.settings")
application = get_wsgi_application()
