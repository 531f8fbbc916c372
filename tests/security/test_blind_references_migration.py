"""H3: a school upgrading keeps every case. The migration turns each plain link from a
safeguarding record to a child or an adult into a blind reference and a sealed key, encrypts the
nature of a concern about an adult, and can be undone with the same keys."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

P2 = "We have shared information about Jack"
BEFORE = [("safeguarding", "0006_concern_child_told")]
AFTER = [("safeguarding", "0008_seal_version")]  # 0007 moves the data; 0008 adds generations


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_existing_cases_keep_their_children_and_adults_through_the_migration():
    old = _migrate(BEFORE)
    User = old.get_model("confidentiality", "User")
    Student = old.get_model("records", "Student")
    Concern = old.get_model("safeguarding", "Concern")
    teacher = User.objects.create(username="author", first_name="Tom", last_name="Bennett")
    named = User.objects.create(username="named", first_name="Helen", last_name="Morris")
    jack = Student.objects.create(first_name="Jack", last_name="Patel", year_group=3, upn="A1")
    amy = Student.objects.create(first_name="Amy", last_name="Patel", year_group=5, upn="A2")

    def concern(kind="student"):
        return Concern.objects.create(
            raised_by=teacher,
            idempotency_key=uuid.uuid4(),
            category="domestic_abuse",
            subject_kind=kind,
        )

    about_children = concern()
    Subject = old.get_model("safeguarding", "ConcernSubject")
    Subject.objects.create(concern=about_children, student=amy, part="witness")
    Subject.objects.create(concern=about_children, student=jack, part="subject")
    about_adult = concern("adult")
    old.get_model("safeguarding", "ConcernAboutAdult").objects.create(
        concern=about_adult, person=named, nature="allegation"
    )
    old.get_model("safeguarding", "InformationShare").objects.create(
        concern=about_children,
        student=jack,
        shared_by=teacher,
        lawful_basis="6_1_e",
        parents_notified_at=timezone.now(),
    )
    Notice = old.get_model("records", "FamilyNotice")
    Notice.objects.create(student=jack, kind="information_shared", title=P2, body="With CSC.")
    Notice.objects.create(student=jack, title="Trip to the museum", body="Packed lunch.")
    old.get_model("safeguarding", "AdviceRequest").objects.create(asked_by=teacher, student=amy)
    old.get_model("safeguarding", "AdviceRequest").objects.create(asked_by=teacher)

    _migrate(AFTER)
    # The models below are today's: read them with every later migration applied (none moves
    # these records; later ones add columns today's models read).
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from records.models import FamilyNotice
    from records.models import Student as StudentNow
    from safeguarding.models import AdviceRequest, InformationShare
    from safeguarding.models import Concern as ConcernNow

    jack_now, amy_now = StudentNow.objects.get(upn="A1"), StudentNow.objects.get(upn="A2")
    case = ConcernNow.objects.get(pk=about_children.pk)
    assert [(n.student, n.part) for n in case.named_children] == [
        (jack_now, "subject"),
        (amy_now, "witness"),
    ]
    assert list(ConcernNow.objects.about(amy_now)) == [case]
    adult = ConcernNow.objects.get(pk=about_adult.pk).adult
    assert adult.person.username == "named" and adult.is_allegation
    assert not ConcernNow.objects.not_about(adult.person).filter(pk=about_adult.pk).exists()
    share = InformationShare.objects.about(jack_now).get()
    assert share.student == jack_now
    # The P2 notice moved to its share; the ordinary message stayed a records notice.
    assert share.parent_notice_title == P2 and share.parent_notice_body == "With CSC."
    assert [n.kind for n in FamilyNotice.objects.all()] == ["message"]
    assert {a.student for a in AdviceRequest.objects.all()} == {amy_now, None}
    # What the database holds now: references and ciphertext, no key, no nature.
    for table in ("safeguarding_concernsubject", "safeguarding_concernaboutadult"):
        text = str(_raw(f"SELECT * FROM {table}"))  # noqa: S608
        for mark in (jack_now.pk.hex, str(jack_now.pk), amy_now.pk.hex, str(amy_now.pk)):
            assert mark not in text
        assert "allegation" not in text

    # And back, with the same keys.
    back = _migrate(BEFORE)
    subjects = back.get_model("safeguarding", "ConcernSubject").objects.filter(
        concern_id=about_children.pk
    )
    assert {(s.student_id, s.part) for s in subjects} == {(jack.pk, "subject"), (amy.pk, "witness")}
    person = back.get_model("safeguarding", "ConcernAboutAdult").objects.get()
    assert person.person_id == named.pk and person.nature == "allegation"
    p2 = back.get_model("records", "FamilyNotice").objects.get(kind="information_shared")
    assert p2.student_id == jack.pk and p2.title == P2
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
