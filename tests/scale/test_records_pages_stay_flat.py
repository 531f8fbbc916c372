"""The key pages of pupils' records, the parents' portal, performance files and the governors'
meetings ask the database a fixed number of times, within the budget, however much they show:
more pupils in a class, more grades, work and sections on a child, more children and messages
for a parent, more files, more meetings and minutes (issue: ten years of a very large school)."""

import itertools
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from confidentiality.roles import Role
from records.models import (
    DiscussionPermission,
    FamilyNotice,
    MeetingRequest,
    ParentLink,
    PhotoConsent,
    PhotoPurpose,
    RecordSection,
    SupportAssignment,
    TalkRequest,
)
from tests.conftest import sign_in
from tests.records.conftest import add_learning, has_signed

from .queries import QUERY_BUDGET, assert_flat

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _unique(word: str) -> str:
    return f"{word}{next(_numbers)}"


# --- pupils' records ---------------------------------------------------------------------------


def _fill_record(student, teacher, parent, staff):
    """One more of everything a child's page shows: a grade, a note and a piece of work, a
    section, a parent and their requests, a message, a talk request, a support assignment."""
    add_learning(student, teacher, title=_unique("Poster "))
    kinds = [k for k in RecordSection.Kind if not student.sections.filter(kind=k).exists()]
    if kinds:
        RecordSection(student=student, kind=kinds[0], details={}).save()
    link = ParentLink.objects.create(
        parent=parent, student=student, relationship=ParentLink.Relationship.FATHER
    )
    MeetingRequest(
        student=student, requested_by=link.parent, topic="Reading", preferred_times="Tuesday"
    ).save()
    group = student.teaching_groups.first()
    DiscussionPermission(
        student=student, teaching_group=group, topic="Their move", requested_by=teacher
    ).save()
    FamilyNotice(
        student=student, title="Trip", body="The trip is on Friday.", sent_by=teacher
    ).save()
    TalkRequest(
        student=student, wants_to_talk_to=staff, about="Lunchtimes", recorded_by=teacher
    ).save()
    purpose = [p for p in PhotoPurpose if not student.photo_consents.filter(purpose=p).exists()]
    if purpose:
        PhotoConsent(student=student, purpose=purpose[0], given=True, decided_by=parent).save()
    SupportAssignment.objects.get_or_create(
        staff=staff, student=student, kind=SupportAssignment.Kind.TEACHING_ASSISTANT
    )


@pytest.fixture
def grow_class(oak, student_factory):
    def grow():
        for _ in range(5):
            student_factory(group=oak)

    return grow


def test_a_teachers_student_list(client, teacher, pupil, grow_class):
    sign_in(client, teacher, verified=True)
    assert_flat(client, "/records/students/", grow_class)


def test_a_teachers_student_search(client, teacher, pupil, grow_class, student_factory, oak):
    student_factory(group=oak)
    sign_in(client, teacher, verified=True)
    assert_flat(client, "/records/students/?q=Child", grow_class)


def test_the_office_student_list(client, office, pupil, grow_class, student_factory):
    student_factory()
    sign_in(client, office, verified=True)
    assert_flat(client, "/records/students/?q=Example", grow_class)


def test_a_teachers_class_page(client, teacher, oak, pupil, grow_class):
    sign_in(client, teacher, verified=True)
    assert_flat(client, f"/records/classes/{oak.pk}/", grow_class)


@pytest.mark.parametrize(
    "persona, budget",
    [
        ("teacher", QUERY_BUDGET),
        ("office", QUERY_BUDGET),
        ("nurse", QUERY_BUDGET),
        ("dsl", QUERY_BUDGET),
    ],
)
def test_a_student_page(client, request, persona, budget, pupil, teacher, make_user):
    viewer = request.getfixturevalue(persona)
    if persona == "nurse":
        has_signed(viewer)
        SupportAssignment.objects.create(
            staff=viewer, student=pupil, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
        )
    ta = make_user(_unique("ta"), Role.TEACHING_ASSISTANT)
    parent = make_user(_unique("dad"), Role.PARENT)
    _fill_record(pupil, teacher, parent, ta)
    sign_in(client, viewer, verified=True)

    def grow():
        for _ in range(3):
            _fill_record(
                pupil,
                teacher,
                make_user(_unique("carer"), Role.PARENT),
                make_user(_unique("ta"), Role.TEACHING_ASSISTANT),
            )

    assert_flat(client, f"/records/students/{pupil.pk}/", grow, budget=budget)


# --- the parents' portal -----------------------------------------------------------------------


def _waiting_for(parent, student, teacher):
    """A question and a reply waiting for the parent, and a message from the school."""
    group = student.teaching_groups.first()
    DiscussionPermission(
        student=student, teaching_group=group, topic="Their move", requested_by=teacher
    ).save()
    request = MeetingRequest(
        student=student, requested_by=parent, topic="Reading", preferred_times="Tuesday"
    )
    request.save()
    request.answer(by=teacher, status=MeetingRequest.Status.ARRANGED, reply="Tuesday at 3.30")
    FamilyNotice(
        student=student, title="Trip", body="The trip is on Friday.", sent_by=teacher
    ).save()


def _give_child(parent, student_factory, oak, teacher):
    student = student_factory(group=oak)
    ParentLink.objects.create(
        parent=parent, student=student, relationship=ParentLink.Relationship.MOTHER
    )
    add_learning(student, teacher, title=_unique("Model "))
    _waiting_for(parent, student, teacher)
    return student


def test_the_portal_home_for_a_parent_of_two(client, parent, teacher, oak, student_factory):
    for _ in range(2):
        _give_child(parent, student_factory, oak, teacher)
    sign_in(client, parent)

    def grow():
        for _ in range(2):
            _give_child(parent, student_factory, oak, teacher)

    assert_flat(client, "/portal/", grow)


def test_a_childs_page_in_the_portal(client, parent, teacher, oak, student_factory):
    child = _give_child(parent, student_factory, oak, teacher)
    _give_child(parent, student_factory, oak, teacher)
    sign_in(client, parent)

    def grow():
        for _ in range(3):
            add_learning(child, teacher, title=_unique("Poem "))
            _waiting_for(parent, child, teacher)

    assert_flat(client, f"/portal/children/{child.pk}/", grow)


# --- performance files -------------------------------------------------------------------------


def _staff_with_files(make_user, head, cycle, count):
    from performance.models import Objective, PerformanceFile, ReviewMeeting

    for _ in range(count):
        person = make_user(_unique("colleague"), Role.TEACHER)
        file = PerformanceFile(subject=person, cycle=cycle, opened_by=head)
        file.save()
        Objective(file=file, title="Reading", success_criteria="80%", set_by=head).save()
        ReviewMeeting(
            file=file,
            kind=ReviewMeeting.Kind.OBJECTIVE_SETTING,
            held_on=timezone.localdate(),
            notes="Reading",
            outcome="Agreed",
            recorded_by=head,
        ).save()


def test_the_heads_overview_of_files(client, head, make_user):
    from performance.models import ReviewCycle

    cycle = ReviewCycle.objects.current().ensure_saved()
    _staff_with_files(make_user, head, cycle, 2)
    sign_in(client, head, verified=True)
    assert_flat(
        client, "/performance/overview/", lambda: _staff_with_files(make_user, head, cycle, 3)
    )


def test_the_heads_performance_home(client, head, make_user):
    from performance.models import ReviewCycle

    cycle = ReviewCycle.objects.current().ensure_saved()
    _staff_with_files(make_user, head, cycle, 2)
    sign_in(client, head, verified=True)
    assert_flat(client, "/performance/", lambda: _staff_with_files(make_user, head, cycle, 3))


def _fill_file(file, head, observer):
    from performance.models import (
        Objective,
        Observation,
        PerformanceDataEntry,
        ProgressNote,
        ReviewMeeting,
    )

    objective = Objective(
        file=file, title="Maths", success_criteria="Most at standard", set_by=head
    )
    objective.save()
    ProgressNote(objective=objective, note="On track", written_by=head).save()
    ReviewMeeting(
        file=file,
        kind=ReviewMeeting.Kind.MID_YEAR,
        held_on=timezone.localdate(),
        notes="Good",
        outcome="On track",
        recorded_by=head,
    ).save()
    Observation(
        file=file,
        observer=observer,
        named_by=head,
        planned_for=timezone.localdate(),
        lesson="3 Oak, maths",
    ).save()
    PerformanceDataEntry(file=file, title="Reading", data="82% at standard", added_by=head).save()


def test_one_performance_file(client, head, teacher, make_user):
    from performance.models import PerformanceFile, ReviewCycle

    cycle = ReviewCycle.objects.current().ensure_saved()
    file = PerformanceFile(subject=teacher, cycle=cycle, opened_by=head)
    file.save()
    observer = make_user("observer", Role.TEACHING_ASSISTANT)
    _fill_file(file, head, observer)
    sign_in(client, head, verified=True)

    def grow():
        for _ in range(3):
            _fill_file(file, head, observer)

    assert_flat(client, f"/performance/files/{file.pk}/", grow)


# --- the governors' meetings -------------------------------------------------------------------


def _meeting_with_minutes(clerk, people, days_ago):
    from governance.models import Meeting

    meeting = Meeting(
        held_at=timezone.now() - timedelta(days=days_ago), place="Library", called_by=clerk
    )
    meeting.save()
    _fill_meeting(meeting, people)
    return meeting


def _fill_meeting(meeting, people):
    from governance.models import AgendaItem, Attendance, Paper

    number = meeting.agenda.count() + 1
    AgendaItem(meeting=meeting, number=number, title=f"Item {number}").save()
    meeting.add_public_item("Budget", "The budget was approved.")
    meeting.add_confidential_item("Staffing", "A personnel matter.")
    for person in people:
        Attendance.objects.get_or_create(
            meeting=meeting, person=person, defaults={"status": Attendance.Status.ATTENDED}
        )
    Paper(
        meeting=meeting,
        title="Budget",
        filename="paper.pdf",
        content_type="application/pdf",
        size=9,
        content=b"%PDF-1.4\n",
        confidential=False,
        uploaded_by=meeting.called_by,
    ).save()


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.CLERK)


@pytest.mark.parametrize("persona", ["clerk", "governor"])
def test_the_governors_meetings(client, request, persona, clerk, governor, head):
    viewer = request.getfixturevalue(persona)
    has_signed(viewer)
    people = [clerk, governor, head]
    _meeting_with_minutes(clerk, people, 60)
    days = itertools.count(61)
    sign_in(client, viewer, verified=True)

    def grow():
        for _ in range(3):
            _meeting_with_minutes(clerk, people, next(days))

    assert_flat(client, "/governors/", grow)


@pytest.mark.parametrize("persona", ["clerk", "governor"])
def test_one_governors_meeting(client, request, persona, clerk, governor, head, make_user):
    viewer = request.getfixturevalue(persona)
    has_signed(viewer)
    meeting = _meeting_with_minutes(clerk, [clerk, governor, head], 30)
    sign_in(client, viewer, verified=True)

    def grow():
        for _ in range(3):
            _fill_meeting(meeting, [make_user(_unique("governor"), Role.GOVERNOR)])

    assert_flat(client, f"/governors/meetings/{meeting.pk}/", grow)


# --- the lists of a child's page, read together ------------------------------------------------


def test_lists_read_together_are_those_read_one_by_one(pupil, teacher, make_user):
    """What ``page_lists`` reads in one query is what each queryset reads alone: the same rows
    in the same order, every value (encrypted ones opened) and the people fetched with them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from confidentiality.page_lists import read_together
    from records.models import WorkItem

    for _ in range(3):
        _fill_record(
            pupil,
            teacher,
            make_user(_unique("carer"), Role.PARENT),
            make_user(_unique("ta"), Role.TEACHING_ASSISTANT),
        )
    wanted = {
        "grades": pupil.grades.all(),
        "work_items": WorkItem.objects.without_content().filter(student=pupil),
        "consents": pupil.photo_consents.select_related("decided_by").order_by("purpose"),
        "parent_links": pupil.parent_links.select_related("parent"),
        "talk_requests": pupil.talk_requests.select_related("wants_to_talk_to", "recorded_by"),
        "discussions": pupil.discussion_permissions.select_related("teaching_group"),
        "nothing": pupil.grades.none(),
        "none_of_these": pupil.grades.filter(pk__in=[]),  # found empty only when compiled
    }
    with CaptureQueriesContext(connection) as captured:
        together = read_together(**wanted)
    assert len(captured) == 1
    assert together["nothing"] == together["none_of_these"] == []

    def seen(objects, *names):
        return [tuple(str(getattr(o, n)) for n in names) for o in objects]

    for name, names in {
        "grades": ("pk", "result", "assessed_on", "recorded_by_id", "created_at"),
        "work_items": ("pk", "title", "size", "uploaded_by_id"),
        "consents": ("pk", "purpose", "given", "decided_at"),
        "parent_links": ("pk", "relationship", "parental_responsibility", "responsibility_from"),
        "talk_requests": ("pk", "about", "status", "closed_at"),
        "discussions": ("pk", "topic", "answer"),
    }.items():
        alone = list(wanted[name])
        assert alone, name
        assert seen(together[name], *names) == seen(alone, *names), name
    assert [c.decided_by.username for c in together["consents"]] == [
        c.decided_by.username for c in wanted["consents"]
    ]
    assert [link.parent.get_full_name() for link in together["parent_links"]] == [
        link.parent.get_full_name() for link in wanted["parent_links"]
    ]
    assert [str(t.wants_to_talk_to) for t in together["talk_requests"]] == [
        str(t.wants_to_talk_to) for t in wanted["talk_requests"]
    ]
    assert {d.teaching_group.name for d in together["discussions"]} == {"3 Oak"}
    with CaptureQueriesContext(connection) as captured:
        [
            (c.decided_by, link.parent)
            for c in together["consents"]
            for link in together["parent_links"]
        ]
    assert len(captured) == 0


def test_a_list_that_loads_more_after_its_rows_keeps_its_own_query(pupil, teacher, dsl):
    """A queryset with a step after its rows (``loading``: each concern's children opened) is
    never read together, where that step would be lost: it is read alone, the step taken."""
    from confidentiality.page_lists import read_together
    from safeguarding.models import Concern, ConcernSubject

    concern = Concern(
        raised_by=teacher, idempotency_key=uuid.uuid4(), category="physical", account="Seen."
    )
    concern.name_children([(pupil, ConcernSubject.Part.SUBJECT)])
    concern.save()
    found = read_together(
        concerns=Concern.objects.filter(pk=concern.pk).with_children(), grades=pupil.grades.all()
    )
    [row] = found["concerns"]
    assert "_named_children" in row.__dict__  # the children were opened with the list
    assert [str(c.student) for c in row.named_children] == [str(pupil)]
