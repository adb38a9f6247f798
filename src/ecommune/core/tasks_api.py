"""The Tasks API the kit uses: Django's own on 6.x, the django_tasks backport on 5.2.

Wagtail 8 needs the backport installed even on Django 6; the database backend
(django-tasks-db) follows Django's API when it exists, so the kit does too.
"""

from importlib.util import find_spec

if find_spec("django.tasks"):  # Django >= 6.0
    from django.tasks import TaskResultStatus, default_task_backend, task, task_backends
else:  # Django 5.2 LTS
    from django_tasks import TaskResultStatus, default_task_backend, task, task_backends

__all__ = ["TaskResultStatus", "default_task_backend", "task", "task_backends"]
