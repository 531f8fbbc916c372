"""The pages everyone opens cost the same number of queries whatever the size of the school
(issue 15): each person's dashboard and the audit trail of one record and of one person, within
``QUERY_BUDGET``, counted at a small size and again after the rows they show have grown.

The rows grown are those each page counts or lists: more pupils in a class, more children
assigned, more concerns (logged by the reader and open for the team), more tasks, more alerts,
more meetings, more children for a parent; for the trail, more entries about the record."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from confidentiality import roles
from confidentiality.audit import record_access
from confidentiality.roles import Role
from records.models import ParentLink, SupportAssignment, TalkRequest
from safeguarding.models import Action, Alert, ConcernSubject
from tests.conftest import sign_in
from tests.scale.queries import assert_flat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _any_day(any_day_is_a_school_day):
    """Reminders and deadlines counted on any day the suite runs."""


def log_concern(author, student):
    from safeguarding import raising

    data = {
        "idempotency_key": uuid.uuid4(),
        "category": "physical",
        "urgency": "routine",
        "account": "He said his dad hit him.",
        "happened_at": timezone.now(),
        "location": "Classroom 3",
        "child_told": "told",
    }
    concern, _ = raising.raise_concern(author, data, [(student, ConcernSubject.Part.SUBJECT)], [])
    return concern


class School:
    """A small school around one reader, and what grows it."""

    def __init__(self, make_user, student_factory, oak, teacher, dsl):
        self.make_user, self.student_factory, self.oak = make_user, student_factory, oak
        self.teacher, self.dsl = teacher, dsl
        self.parent = make_user("parent", Role.PARENT)
        self.ta = make_user("ta", Role.TEACHING_ASSISTANT)
        self.nurse = make_user("nurse", Role.HEALTH_PROFESSIONAL)
        self.oak.staff.add(self.ta)
        self.meetings = 0
        self.grow(1)

    def grow(self, n=3):
        """``n`` more of everything a dashboard counts or lists."""
        from governance.models import Attendance, Meeting

        clerk = roles.holders(Role.CLERK).first()
        for _ in range(n):
            child = self.student_factory(group=self.oak)
            ParentLink.objects.create(
                parent=self.parent, student=child, relationship=ParentLink.Relationship.MOTHER
            )
            for person, kind in (
                (self.ta, SupportAssignment.Kind.TEACHING_ASSISTANT),
                (self.nurse, SupportAssignment.Kind.HEALTH_PROFESSIONAL),
            ):
                SupportAssignment.objects.create(staff=person, student=child, kind=kind)
            for author in (self.teacher, self.ta, self.nurse):
                concern = log_concern(author, child)
            for owner in (self.teacher, self.ta, self.dsl):
                Action.objects.create(
                    concern=concern,
                    owner=owner,
                    created_by=self.dsl,
                    description="Check in with the child",
                    brief="Please check in with the child at break",
                    due_on=timezone.localdate() + timedelta(days=2),
                )
            for person in (self.teacher, self.ta, self.dsl):
                Alert.objects.create(
                    recipient=person, concern=concern, kind=Alert.Kind.NEW_CONCERN, message="x"
                )
            TalkRequest.objects.create(student=child, wants_to_talk_to=self.ta)
            if clerk is not None:
                self.meetings += 1
                meeting = Meeting(
                    held_at=timezone.now() + timedelta(days=self.meetings),
                    place="School library",
                    called_by=clerk,
                )
                meeting.save()
                for person in roles.holders(Role.GOVERNOR):
                    Attendance.objects.create(
                        meeting=meeting, person=person, status=Attendance.Status.ATTENDED
                    )


@pytest.fixture
def school(make_user, student_factory, oak, teacher, dsl):
    return School(make_user, student_factory, oak, teacher, dsl)


def reader(name, make_user, school):
    """The person whose dashboard is read, in the school ``school`` is."""
    known = {"teacher": school.teacher, "dsl": school.dsl, "ta": school.ta}
    known |= {"nurse": school.nurse, "parent": school.parent}
    if name in known:
        return known[name]
    if name == "chair":
        chair = make_user("chair", Role.GOVERNOR)
        chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
        return chair
    role = {
        "deputy": Role.DEPUTY_DSL,
        "head": Role.HEAD_TEACHER,
        "office": Role.OFFICE_STAFF,
        "volunteer": Role.VOLUNTEER,
        "clerk": Role.CLERK,
        "governor": Role.GOVERNOR,
    }[name]
    return make_user(name, role)


SECOND_FACTOR = {"dsl", "deputy", "head", "chair", "clerk"}


# Everyone's first page, the safeguarding team's and the head teacher's too: the counts and the
# single values their panels need (the pipeline's times, the backups, the retention decisions,
# the training due) are asked together in one query (``confidentiality.counting``).
WITHIN_BUDGET = [
    "teacher",
    "office",
    "nurse",
    "volunteer",
    "clerk",
    "parent",
    "ta",
    "dsl",
    "deputy",
    "head",
    "chair",
]


def dashboard_of(client, make_user, school, name):
    person = reader(name, make_user, school)
    if name in ("chair", "governor"):
        make_user("clerk", Role.CLERK)
    school.grow(1)  # the reader's own rows exist before the first count
    sign_in(client, person, verified=name in SECOND_FACTOR)
    return reverse("dashboard")


@pytest.mark.parametrize("name", WITHIN_BUDGET)
def test_each_persons_dashboard_costs_the_same_whatever_the_school_holds(
    client, make_user, school, name
):
    assert_flat(client, dashboard_of(client, make_user, school, name), school.grow)


# --- the audit trail: one record, one person ---------------------------------------------------


@pytest.fixture
def trail_reader(client, dsl):
    sign_in(client, dsl, verified=True)
    return dsl


def looks_at(request_user, obj, n):
    """``n`` looks at ``obj``, each by someone else (one person's repeated looks are one entry),
    and the first by ``request_user``."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    people = [request_user] + [
        get_user_model().objects.create(username=f"looker-{uuid.uuid4().hex[:12]}")
        for _ in range(n - 1)
    ]
    for person in people:
        request = RequestFactory().get("/somewhere/")
        request.user = person
        record_access(request, obj, how="view")


def test_the_trail_of_one_record_costs_the_same_whatever_its_entries(
    client, trail_reader, teacher, pupil
):
    concern = log_concern(teacher, pupil)
    looks_at(trail_reader, concern, 2)
    url = f"{reverse('audit:trail')}?object=safeguarding.concern:{concern.pk}"

    def grow():
        looks_at(trail_reader, concern, 30)
        looks_at(teacher, pupil, 30)  # entries about another record, not shown here

    assert_flat(client, url, grow)
    page = client.get(url).content.decode()
    assert "entries" in page and "Page 1 of 1" in page


def test_the_trail_of_one_person_costs_the_same_whatever_their_entries(
    client, trail_reader, teacher, student_factory
):
    # The first page holds looks only, at both sizes (the words of a record section's entry
    # cost one query whatever their number: tests/core/test_audit_trail_for_people.py).
    pupil = student_factory()
    looks_at(teacher, pupil, 55)
    url = f"{reverse('audit:trail')}?subject=records.student:{pupil.pk}"

    def grow():
        looks_at(teacher, pupil, 60)  # another page and more of entries about the child

    assert_flat(client, url, grow)
    page = client.get(url).content.decode()
    assert "Page 1 of 3" in page
