"""Safeguarding test helpers: tasks run at once, and a quick way to log a concern."""

import uuid

import pytest
from django.utils import timezone

from safeguarding.models import ConcernSubject

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def team(dsl, deputy):
    return [dsl, deputy]


@pytest.fixture
def raise_concern(db):
    """Log a concern as ``author`` through the same verb the form uses."""
    from safeguarding import raising

    def make(author, students, urgency="routine", account="He said his dad hit him.", **extra):
        data = {
            "idempotency_key": extra.pop("idempotency_key", uuid.uuid4()),
            "category": extra.pop("category", "physical"),
            "urgency": urgency,
            "account": account,
            "happened_at": extra.pop("happened_at", timezone.now()),
            "location": "Classroom 3",
            "child_told": "told",
            **extra,
        }
        marks = [{"region": "front-left-arm", "note": "Round bruise, 3 cm"}]
        subjects = [(s, ConcernSubject.Part.SUBJECT) for s in students]
        concern, _ = raising.raise_concern(author, data, subjects, marks)
        return concern

    return make


def form_data(student, key=None, **overrides):
    """What the concern form posts when a teacher fills it in."""
    data = {
        "idempotency_key": str(key or uuid.uuid4()),
        "students-TOTAL_FORMS": "2",
        "students-INITIAL_FORMS": "0",
        "students-MIN_NUM_FORMS": "0",
        "students-MAX_NUM_FORMS": "1000",
        "students-0-student": str(student.pk),
        "students-0-part": "subject",
        "students-1-student": "",
        "students-1-part": "subject",
        "marks-TOTAL_FORMS": "1",
        "marks-INITIAL_FORMS": "0",
        "marks-MIN_NUM_FORMS": "0",
        "marks-MAX_NUM_FORMS": "1000",
        "marks-0-region": "front-left-arm",
        "marks-0-note": "Round bruise, about 3 cm",
        "category": "physical",
        "urgency": "routine",
        "account": "My dad hit me with a belt.",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "location": "Reading corner",
        "private_follow_up": "",
        "actions_taken": "",
        "child_told": "told",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def signed(user):
    """The person has accepted the confidentiality agreement (P11), so only concern rules apply."""
    from confidentiality.models.agreements import ConfidentialityAgreement

    if user.must_sign_agreement:
        agreement = ConfidentialityAgreement.objects.current() or ConfidentialityAgreement.publish(
            "Keep what you learn about children to yourself."
        )
        agreement.accept(user)
    return user
