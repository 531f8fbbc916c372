"""The real task worker (django-tasks-db) delivers safeguarding emails queued by a concern."""

import pytest
from django.core import mail
from django.core.management import call_command

from safeguarding.models import Notification

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_sends_the_queued_emails(settings, raise_concern, teacher, pupil, team):
    settings.TASKS = DATABASE_TASKS
    raise_concern(teacher, [pupil])
    assert Notification.objects.filter(status=Notification.Status.QUEUED).count() == 2
    assert not mail.outbox
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2
    assert len(mail.outbox) == 2
