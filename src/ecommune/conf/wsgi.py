"""WSGI entry point for gunicorn or granian: ``gunicorn ecommune.conf.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommune.conf.settings")
application = get_wsgi_application()
