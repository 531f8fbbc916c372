"""Tasks whose worker died while running them go back in the queue.

The task worker (django_tasks_db) marks a task running when it claims it and never looks at it
again: a worker killed in the middle (the machine restarted, the process ran out of memory)
leaves the task "running" for ever, and an alert email it was sending would never go. The
periodic safeguarding check calls ``requeue_stale_tasks`` every pass. Running a task twice is
safe for the tasks here: an email is delivered under a lock on its row and only if it is not
already recorded as sent (``safeguarding.tasks.deliver_notification``).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

# A task that has killed its worker this many times is given up (marked failed), so one task
# that always crashes its worker does not take it down every few minutes for ever.
MAX_CLAIMS = 3
GIVEN_UP = "confidentiality.task_recovery.WorkerLost"


def stale_after() -> timedelta:
    return timedelta(minutes=getattr(settings, "TASK_STALE_AFTER_MINUTES", 10))


def requeue_stale_tasks(now=None) -> int:
    """Put back in the queue every task "running" for longer than ``TASK_STALE_AFTER_MINUTES``;
    returns how many. Each is changed only if it is still running as it was read, so a worker
    that finishes it at the same moment wins."""
    now = now or timezone.now()
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - stale_after())
    requeued = 0
    for task in stale.only("id", "started_at", "worker_ids"):
        still_running = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        with transaction.atomic():
            if len(task.worker_ids) >= MAX_CLAIMS:
                still_running.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=GIVEN_UP,
                    traceback="Its worker stopped while running it, each time it was tried.",
                )
                log.error("Task %s given up: its worker stopped each time", task.pk)
                continue
            requeued += still_running.update(status=TaskResultStatus.READY, started_at=None)
    if requeued:
        log.warning("Put %d task(s) back in the queue: their worker stopped", requeued)
    return requeued
