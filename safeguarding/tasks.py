"""Background work for the safeguarding team, run by the task worker (``manage.py db_worker``).

The periodic checks (escalation, overdue alerts, email retries) are not a task: the
``escalate_concerns`` command runs them itself, every minute."""

from django.db import transaction
from django.tasks import task


@task
def deliver_notification(notification_id: int) -> bool:
    """Send one queued safeguarding email; a failure is kept and retried (see routing.deliver)."""
    from .models import Notification
    from .routing import deliver

    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return False
        return deliver(notification)


@task
def send_training_reminders() -> int:
    """P9: remind people whose training or policy reading is due soon or overdue."""
    from .training import send_reminders

    return send_reminders()
