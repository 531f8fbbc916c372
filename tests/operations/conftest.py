"""Helpers for the operations tests: a mail server that can be switched off, the real task
queue (django-tasks-db) when a test asks for it, and a concern logged the way the form does."""

import smtplib
import uuid
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class SwitchableMailServer(EmailBackend):
    """The test outbox, behind a mail server that can be down (``SwitchableMailServer.down``)."""

    down = False

    def send_messages(self, messages):
        if SwitchableMailServer.down:
            raise smtplib.SMTPConnectError(421, "Service not available")
        return super().send_messages(messages)


@pytest.fixture
def mail_server(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SwitchableMailServer"}}
    SwitchableMailServer.down = False
    yield SwitchableMailServer
    SwitchableMailServer.down = False


@pytest.fixture
def tasks_at_once(settings):
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def task_queue(settings, monkeypatch):
    """The real queue and worker. The worker closes its database connection between tasks
    (a long-running process must not keep a dropped one); in a test that connection holds the
    test's transaction, so it is kept."""
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def at(moment):
    """Move the clock (everything that asks ``timezone.now()``) to ``moment``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def team(dsl, deputy):
    return [dsl, deputy]


@pytest.fixture
def raise_concern(db):
    """Log a concern as ``author`` through the verb the concern form uses."""
    from safeguarding import raising
    from safeguarding.models import ConcernSubject

    def make(author, students, key=None, **extra):
        data = {
            "idempotency_key": key or uuid.uuid4(),
            "category": "physical",
            "urgency": "routine",
            "account": "He said his dad hit him.",
            "happened_at": timezone.now(),
            "location": "Classroom 3",
            "child_told": "told",
            **extra,
        }
        subjects = [(s, ConcernSubject.Part.SUBJECT) for s in students]
        concern, _ = raising.raise_concern(author, data, subjects, [])
        return concern

    return make


MONITORING_TOKEN = "monitoring-0b7e4d9c2a51f8e3-token"
MONITORING = {"Authorization": f"Bearer {MONITORING_TOKEN}"}


@pytest.fixture(autouse=True)
def monitoring_token(settings):
    """/healthz gives its details only to the school's monitoring, which sends this token."""
    settings.HEALTH_TOKEN = MONITORING_TOKEN
