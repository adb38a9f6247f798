"""The Tasks API the kit uses: the ``django_tasks`` backport, on Django 5.2 and 6.x alike.

Wagtail 8 enqueues its own work (search index, reference index) through the
backport, and one ``TASKS`` setting serves both: the kit's tasks must go through
the same API and the same backends (django-tasks-db 0.12, django-tasks-rq 0.12).
Django 6's own ``django.tasks`` takes over when Wagtail moves to it.
"""

from django_tasks import TaskResultStatus, default_task_backend, task, task_backends

__all__ = ["TaskResultStatus", "default_task_backend", "task", "task_backends"]
