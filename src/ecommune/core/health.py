"""The health endpoint for load balancers and monitoring (django-health-check).

``GET /health/`` answers 200 when the database, the cache, the public file storage and the
residents' private storage all work, 500 otherwise; ``?format=json`` (or ``Accept:
application/json``) gives one line per check. It is answered by a middleware placed before
Django's host check and the HTTPS redirection, so that a balancer probing a node by its IP
address over plain HTTP gets the node's health, not a 400 or a redirect. It says nothing
about any commune and sets no cookie.
"""

from asgiref.sync import async_to_sync
from django.conf import settings
from health_check.views import HealthCheckView

CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    ("health_check.checks.Storage", {"alias": "default"}),
    ("health_check.checks.Storage", {"alias": "private"}),
)

# The library's view is asynchronous (its checks run concurrently); the site is WSGI.
health_view = async_to_sync(HealthCheckView.as_view(checks=CHECKS))


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == settings.ECOMMUNE_HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_view(request)
        return self.get_response(request)
