"""``seed_demo --scale``: the rehearsal school is real. At the small scale (a thousandth of the
large one) on top of the shared demo school: the promised numbers of everything, sealed values
that open through the ORM and never sit in plaintext, grants equal to those the project's own
functions give, creation entries equal to auditlog's, a chain that verifies, and the demo's
teacher and parent seeing exactly what they should."""

from datetime import timedelta

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from confidentiality import access
from confidentiality.demo import PEOPLE
from confidentiality.roles import Role
from demo.scale import casework
from demo.scale.plan import SCALES
from demo.scale.school import seed_scale
from governance.models import Meeting
from performance.models import Objective, PerformanceFile
from records import grants as record_grants
from records.models import Grade, ParentLink, Student, StudentUserObjectPermission, TeachingGroup
from safeguarding import grants as safeguarding_grants
from safeguarding.models import (
    Action,
    ActionUserObjectPermission,
    CaseMeeting,
    CaseNote,
    Concern,
    ConcernSubject,
    ConcernUserObjectPermission,
    Referral,
)
from tests.conftest import DEMO_PASSWORD, RolledBack

SMALL = SCALES["small"]
_DEMO_CONCERNS: set = set()  # the demo school's own, before the rehearsal school is seeded


@pytest.fixture(scope="module")
def small_school(_seeded_demo_school, django_db_blocker):
    """The small rehearsal school, seeded once for this module on top of the shared demo
    school, in a savepoint rolled back after the module."""
    User = get_user_model()
    school = RolledBack(django_db_blocker)

    def fill():
        named = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in PEOPLE])}
        _DEMO_CONCERNS.update(Concern.objects.values_list("pk", flat=True))
        before = {
            "entries": LogEntry.objects.count(),
            "concerns": Concern.objects.count(),
            "notes": CaseNote.objects.count(),
        }
        times = seed_scale("small", named, DEMO_PASSWORD, log=lambda line: None)
        return {"named": named, "before": before, "times": times}

    seeded = school.open(fill)
    yield seeded
    school.close()


def _seeded_students():
    return Student.objects.filter(upn__startswith=f"{SMALL.upn_letter}9")


def test_the_promised_numbers_are_seeded(demo_school, small_school):
    assert small_school["times"] is not None
    before = small_school["before"]
    students = _seeded_students()
    assert students.count() == SMALL.students == 30
    in_a_class = students.filter(teaching_groups__isnull=False).distinct().count()
    assert in_a_class == SMALL.on_roll and SMALL.students - in_a_class == SMALL.former_students
    parents = get_user_model().objects.with_roles(Role.PARENT).filter(username__startswith="parent")
    assert parents.exclude(username__in=["parent", "parent2"]).count() == SMALL.parents
    assert ParentLink.objects.filter(student__in=students).count() == SMALL.parents
    staff = get_user_model().objects.filter(username__startswith="staffs")
    assert staff.count() == SMALL.staff
    assert TeachingGroup.objects.filter(name__contains=f"{SMALL.upn_letter} ").count() == 2
    assert Concern.objects.count() - before["concerns"] == SMALL.concerns == 300
    assert CaseNote.objects.count() - before["notes"] == SMALL.concerns
    assert ConcernSubject.objects.filter(concern__in=_scale_concerns()).count() == 300
    assert Action.objects.filter(concern__in=_scale_concerns()).count() == 150
    assert Referral.objects.filter(concern__in=_scale_concerns()).count() == 30
    assert CaseMeeting.objects.filter(concern__in=_scale_concerns()).count() == 15
    assert Grade.objects.filter(student__in=students).exists()
    # The history is dated before yesterday; the demo's and the leadership's entries are now.
    history = LogEntry.objects.filter(timestamp__lt=timezone.now() - timedelta(hours=12))
    assert history.count() == SMALL.audit_entries == 5_000
    assert LogEntry.objects.count() - before["entries"] > 5_000
    teachers = (
        get_user_model().objects.with_roles(Role.TEACHER).filter(username__startswith="staffs")
    )
    head = small_school["named"]["head"]
    files = PerformanceFile.objects.filter(subject__in=teachers, opened_by=head)
    assert files.count() == teachers.count() and Objective.objects.filter(file__in=files).count()
    assert Meeting.objects.filter(called_by=small_school["named"]["clerk"]).count() > 1


def _scale_concerns():
    return Concern.objects.exclude(pk__in=_DEMO_CONCERNS)


def test_a_second_run_at_the_same_scale_does_nothing(demo_school, small_school):
    count = Concern.objects.count()
    assert seed_scale("small", small_school["named"], DEMO_PASSWORD, log=print) is None
    assert Concern.objects.count() == count


def test_sealed_values_open_through_the_orm_and_are_never_plaintext(demo_school, small_school):
    concern = _scale_concerns().order_by("created_at").first()
    assert concern.account in casework.ACCOUNTS
    assert concern.children[0]["part"] == "subject"
    child = Student.objects.get(pk=concern.children[0]["student"])
    assert concern in Concern.objects.about(child)  # the blind index finds it
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account, children, location FROM {Concern._meta.db_table} WHERE id = %s",
            [Concern._meta.pk.get_db_prep_value(concern.pk, connection)],
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert concern.account not in raw and str(child.pk) not in raw and "Playground" not in raw
    student = _seeded_students().order_by("upn").first()
    assert student.date_of_birth.year > 2000 and len(student.nhs_number) == 10
    assert list(Student.find_by_nhs_number(student.nhs_number)) == [student]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nhs_number, date_of_birth FROM {Student._meta.db_table} WHERE id = %s",
            [Student._meta.pk.get_db_prep_value(student.pk, connection)],
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert student.nhs_number not in raw and student.date_of_birth.isoformat() not in raw
    meeting = CaseMeeting.objects.filter(concern__in=_scale_concerns()).first()
    assert meeting.student is not None and meeting.decisions.startswith("Breakfast club")
    note = CaseNote.objects.filter(concern=concern).get()
    assert note.text in casework.NOTES


def test_grants_are_those_the_projects_own_functions_give(demo_school, small_school):
    ids = list(_seeded_students().values_list("pk", flat=True))
    held = set(
        StudentUserObjectPermission.objects.filter(content_object__in=ids).values_list(
            "content_object_id", "user_id", "permission_id"
        )
    )
    assert held  # teachers and parents hold grants on their pupils and children
    assert record_grants.sync_students(ids) == (0, 0)  # nothing to add, nothing to take away
    concerns = list(_scale_concerns())
    actions = list(Action.objects.filter(concern__in=concerns).select_related("owner"))
    columns = ("content_object_id", "user_id", "permission_id")

    def authors():
        return set(
            ConcernUserObjectPermission.objects.filter(content_object__in=concerns).values_list(
                *columns
            )
        )

    def tasks():
        return set(
            ActionUserObjectPermission.objects.filter(content_object__in=actions).values_list(
                *columns
            )
        )

    bulk_authors, bulk_tasks = authors(), tasks()
    assert len(bulk_authors) == len(concerns) and len(bulk_tasks) == len(actions)
    ConcernUserObjectPermission.objects.filter(content_object__in=concerns).delete()
    ActionUserObjectPermission.objects.filter(content_object__in=actions).delete()
    for concern in Concern.objects.filter(pk__in=[c.pk for c in concerns]).select_related(
        "raised_by"
    ):
        safeguarding_grants.grant_author(concern)
    for action in actions:
        safeguarding_grants.grant_task(action)
    assert authors() == bulk_authors and tasks() == bulk_tasks


def test_creation_entries_are_those_auditlog_writes(demo_school, small_school):
    for model in (Grade, Concern, CaseNote, Student):
        obj = model.objects.filter(pk__in=_sample_pks(model)).first()
        entry = LogEntry.objects.get(object_pk=str(obj.pk), action=LogEntry.Action.CREATE)
        expected = {k: list(v) for k, v in model_instance_diff(None, obj).items()}
        assert entry.changes == expected
        assert entry.timestamp == obj.created_at
        for _before, after in entry.changes.values():
            assert obj.pk and str(getattr(obj, "first_name", "~")) not in after


def _sample_pks(model):
    if model is Student:
        return _seeded_students().values("pk")
    if model is Grade:
        return Grade.objects.filter(student__in=_seeded_students()).values("pk")
    if model is CaseNote:
        return CaseNote.objects.filter(concern__in=_scale_concerns()).values("pk")
    return _scale_concerns().values("pk")


def test_the_audit_chain_verifies(demo_school, small_school, capsys):
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out
    looks = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    assert looks.filter(additional_data__how="view").count() > 3_000


def test_the_teacher_sees_their_class_and_the_parent_their_two_children(demo_school, small_school):
    named = small_school["named"]
    teacher, parent = named["teacher"], named["parent"]
    theirs = set(
        Student.objects.filter(teaching_groups__staff=teacher).values_list("pk", flat=True)
    )
    seen = set(
        access.visible(teacher, Student.objects.all(), "records.view_student").values_list(
            "pk", flat=True
        )
    )
    assert seen == theirs
    assert _seeded_students().filter(pk__in=seen).exists()  # a seeded class among them
    children = access.visible(parent, Student.objects.all(), "records.view_as_parent")
    assert set(children) == set(Student.objects.filter(parent_links__parent=parent))
    assert children.count() == 2
    # One of them has the long file the team reads.
    long_child = children.order_by("upn").first()
    assert Concern.objects.about(long_child).count() >= SMALL.long_chronology
