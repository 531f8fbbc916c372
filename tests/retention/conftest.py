"""Retention test helpers: a child old enough for their records to be due (born 1995: their
25th birthday was in 2020), a young child, and a concern about a child."""

import uuid
from datetime import date

import pytest
from django.utils import timezone

from safeguarding.models import ConcernSubject

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def old_pupil(student_factory):
    return student_factory(first_name="Rowan", last_name="Ashby", date_of_birth=date(1995, 3, 4))


@pytest.fixture
def young_pupil(student_factory):
    return student_factory(first_name="Ivy", last_name="Ashby", date_of_birth=date(2017, 5, 6))


@pytest.fixture
def concern_about(db):
    """Log a concern naming ``students`` as ``author``, through the verb the form uses."""
    from safeguarding import raising

    def make(author, *students, account="She said her uncle shouts at night."):
        data = {
            "idempotency_key": uuid.uuid4(),
            "category": "emotional",
            "urgency": "routine",
            "account": account,
            "happened_at": timezone.now(),
            "location": "Playground",
            "child_told": "told",
        }
        subjects = [(s, ConcernSubject.Part.SUBJECT) for s in students]
        concern, _ = raising.raise_concern(author, data, subjects, [])
        return concern

    return make
