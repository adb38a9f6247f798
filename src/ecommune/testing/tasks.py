"""A task backend for tests that runs tasks at once, but as a worker would: outside the
commune of the request that enqueued them, so a task that forgets to select its commune
fails in the tests as it would in production."""

from django_tasks.backends.immediate import ImmediateBackend

from ecommune.core import tenancy


class WorkerLikeImmediateBackend(ImmediateBackend):
    def _execute_task(self, task_result) -> None:
        token = tenancy.activate(None)
        try:
            super()._execute_task(task_result)
        finally:
            tenancy.deactivate(token)
