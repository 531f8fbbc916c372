"""Subject-access test helpers: a child with a file worth answering for (a record, a parent, a
grade, a concern naming another child and a member of staff), and a request for it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from confidentiality.roles import Role
from records.models import Grade, ParentLink
from subject_access.models import SubjectAccessRequest

# The safeguarding tests' own fixtures: a concern logged through the form's verb, tasks at once.
from tests.safeguarding.conftest import _tasks_run_at_once, raise_concern  # noqa: F401

# The words a concern about Maya holds about someone else: the tests redact them.
OTHER_CHILD = "Oliver Stone"
STAFF_NAME = "Priya Patel"
ACCOUNT = (
    f"Maya said {OTHER_CHILD} took her lunch again and pushed her in the corridor. "
    f"{STAFF_NAME} saw it and took Maya to the office."
)


@pytest.fixture
def school(dsl, deputy, head, teacher, pupil, student_factory, make_user, parent, raise_concern):  # noqa: F811
    """Maya (``pupil``) with her mother linked, a grade, and a concern that names another child
    of the school and a member of staff."""
    student_factory(first_name="Oliver", last_name="Stone")
    patel = make_user("ppatel", Role.TEACHING_ASSISTANT)
    patel.first_name, patel.last_name = "Priya", "Patel"
    patel.save()
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    Grade.objects.create(
        student=pupil,
        subject="maths",
        assessment="Autumn arithmetic test",
        result="27/30",
        comment="Secure with times tables.",
        term="autumn",
        assessed_on=timezone.localdate() - timedelta(days=20),
        recorded_by=teacher,
    )
    raise_concern(teacher, [pupil], account=ACCOUNT, category="peer_on_peer")
    return pupil


@pytest.fixture
def sar(school, dsl):
    """A request from Maya's mother, received today, handled by the DSL."""
    request = SubjectAccessRequest(
        student=school,
        requester_name="Rachel Quinn",
        relation=SubjectAccessRequest.Relation.PARENT,
        received_on=timezone.localdate(),
        what_was_asked="Everything the school holds about my daughter.",
        identity_checked=True,
        identity_how="Known to the office; passport seen at reception.",
        handled_by=dsl,
        logged_by=dsl,
    )
    request.save()
    return request
