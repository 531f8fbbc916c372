"""Need-to-know: every rule from both sides, 404 for outsiders, one audit entry per view,
constant queries for lists, grants that follow relationships, and break-glass (P5, P6, P10, P25)."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from confidentiality.models import BreakGlassAccess
from records.models import SupportAssignment
from records.policy import ANY_STUDENT_VIEW
from tests.conftest import sign_in


def url(student):
    return f"/records/students/{student.pk}/"


def access_entries(student):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__subject=f"records.student:{student.pk}"
    )


def test_anonymous_is_sent_to_sign_in(client, pupil):
    response = client.get(url(pupil))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["other_teacher", "parent", "governor", "volunteer", "nurse"])
def test_people_without_a_grant_get_404(client, request, persona, pupil):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(url(pupil)).status_code == 404
    assert not access_entries(pupil).exists()


def test_a_superuser_without_a_school_role_sees_nothing(client, make_user, pupil):
    admin = make_user("itadmin", is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get(url(pupil)).status_code == 404


def test_the_class_teacher_sees_the_everyday_record_and_medical_summary_only(
    client, teacher, pupil
):
    response = sign_in(client, teacher).get(url(pupil))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Peanuts (anaphylaxis)" in page and "Adrenaline pen" in page
    assert "Type 1 diabetes" not in page  # full medical detail is not theirs
    assert "Child protection plan" not in page  # social services: safeguarding team only
    assert access_entries(pupil).count() == 1


def test_each_view_leaves_exactly_one_access_entry_with_who_and_where(client, teacher, pupil):
    sign_in(client, teacher)
    client.get(url(pupil), REMOTE_ADDR="10.1.2.3")
    client.get(url(pupil), REMOTE_ADDR="10.1.2.3")
    entries = list(access_entries(pupil))
    assert len(entries) == 2
    assert entries[0].actor == teacher and entries[0].remote_addr == "10.1.2.3"
    assert entries[0].additional_data["how"] == "view"


def test_one_request_that_opens_the_same_object_twice_writes_one_entry(
    rf, teacher, pupil, student_factory, oak
):
    """A page may open its object more than once (the page, then a panel of it): the trail
    says once that this person looked, per request; each new request is a new look."""
    from confidentiality import access
    from records.models import Student

    def a_request():
        request = rf.get(url(pupil))
        request.user = teacher
        return request

    def look(request, student, how="view"):
        access.open_object(request, Student.objects.all(), ANY_STUDENT_VIEW, how=how, pk=student.pk)

    first = a_request()
    look(first, pupil)
    look(first, pupil)
    assert access_entries(pupil).count() == 1
    look(first, pupil, how="download")  # another kind of look in the same request: its own entry
    classmate = student_factory(group=oak)
    look(first, classmate)  # another object in the same request: its own entry
    assert access_entries(pupil).count() == 2 and access_entries(classmate).count() == 1
    look(a_request(), pupil)
    assert access_entries(pupil).filter(additional_data__how="view").count() == 2


def test_the_dsl_sees_every_section(client, dsl, pupil):
    page = sign_in(client, dsl, verified=True).get(url(pupil)).content.decode()
    assert "Type 1 diabetes" in page and "Child protection plan" in page


def test_an_assigned_nurse_sees_medical_only(client, nurse, pupil):
    SupportAssignment.objects.create(
        staff=nurse, student=pupil, kind=SupportAssignment.Kind.HEALTH_PROFESSIONAL
    )
    page = sign_in(client, nurse).get(url(pupil)).content.decode()
    assert "Type 1 diabetes" in page
    assert "Child protection plan" not in page
    assert pupil.upn not in page  # not the everyday record


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dsl", 200),
        ("head", 200),
        ("teacher", 200),
        ("office", 200),
        ("other_teacher", 404),
        ("nurse", 404),
        ("volunteer", 404),
        ("parent", 404),
    ],
)
def test_every_child_has_the_same_confidentiality_whatever_their_characteristics(
    client, request, persona, status, oak, student_factory
):
    """P23: no access rule looks at gender, ethnicity, religion, disability, medical needs or
    SEN. Two children of one class, one with all of them recorded and one with none: each person
    may open both or neither, and reads the same sections of both."""
    from records.models import RecordSection
    from records.policy import sections_read_by

    plain = student_factory(group=oak)
    marked = student_factory(group=oak)
    for kind, details in (
        (
            RecordSection.Kind.PROTECTED,
            {"gender": "Female", "religion": "Sikh", "disability": "Yes"},
        ),
        (RecordSection.Kind.MEDICAL, {"conditions": "Epilepsy"}),
        (RecordSection.Kind.SEN, {"need": "Autism spectrum"}),
    ):
        RecordSection(student=marked, kind=kind, details=details).save()
    person = request.getfixturevalue(persona)
    sign_in(client, person, verified=True)
    assert client.get(url(plain)).status_code == status == client.get(url(marked)).status_code
    assert sections_read_by(person, plain) == sections_read_by(person, marked)


def test_office_staff_see_the_roll_but_no_sections(client, office, pupil):
    page = sign_in(client, office).get(url(pupil)).content.decode()
    assert pupil.upn in page
    assert "Peanuts" not in page and "Child protection plan" not in page


def test_moving_a_child_out_of_class_removes_the_teachers_access(client, teacher, pupil, oak):
    sign_in(client, teacher)
    assert client.get(url(pupil)).status_code == 200
    oak.students.remove(pupil)  # the next request already knows
    assert client.get(url(pupil)).status_code == 404


def test_a_teacher_leaving_the_class_loses_access(client, teacher, pupil, oak):
    oak.staff.remove(teacher)
    assert sign_in(client, teacher).get(url(pupil)).status_code == 404


def test_lists_show_only_what_the_viewer_may_open(client, teacher, pupil, student_factory):
    stranger = student_factory(first_name="Stranger")
    page = sign_in(client, teacher).get("/records/students/").content.decode()
    assert "Maya" in page and url(pupil) in page
    assert "Stranger" not in page and url(stranger) not in page


def test_list_queries_do_not_grow_with_rows(
    client, teacher, oak, student_factory, django_assert_max_num_queries
):
    sign_in(client, teacher)
    for _ in range(5):
        student_factory(group=oak)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/records/students/")
    for _ in range(45):
        student_factory(group=oak)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/records/students/")
    assert response.content.decode().count("/records/students/") >= 50
    assert len(many) == len(few)


def test_break_glass_needs_a_reason(client, other_teacher, pupil):
    sign_in(client, other_teacher)
    response = client.post(f"{url(pupil)}emergency-access/", {"reason": "need"})
    assert response.status_code == 400
    assert b"need</textarea>" in response.content  # what they typed is kept
    assert client.get(url(pupil)).status_code == 404


def test_break_glass_opens_for_a_limited_time_and_tells_the_dsl(
    client, other_teacher, dsl, pupil, settings, django_capture_on_commit_callbacks
):
    # The DSL's email is queued and sent by the task worker; here tasks run at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    sign_in(client, other_teacher)
    reason = "Maya collapsed in PE and I need her allergies and emergency steps now."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url(pupil)}emergency-access/", {"reason": reason})
    assert response.status_code == 302
    page = client.get(url(pupil)).content.decode()
    assert "Type 1 diabetes" in page  # full medical in an emergency
    assert "Child protection plan" not in page  # never social services
    (alert,) = mail.outbox
    assert alert.to == ["dsl@school.test"]
    assert "Maya" not in alert.body and "Peanuts" not in alert.body and reason not in alert.body
    entry = access_entries(pupil).get(additional_data__how="break-glass")
    assert entry.additional_data["grant"] == BreakGlassAccess.objects.get().pk
    assert reason not in str(entry.additional_data)  # kept encrypted with the grant
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url(pupil)).status_code == 404


def test_parents_and_volunteers_cannot_break_glass(client, parent, volunteer, pupil):
    for person in (parent, volunteer):
        sign_in(client, person)
        assert (
            client.post(f"{url(pupil)}emergency-access/", {"reason": "x" * 40}).status_code == 404
        )
    assert not BreakGlassAccess.objects.exists()


def test_an_unknown_id_is_404_not_500(client, teacher):
    sign_in(client, teacher)
    assert client.get("/records/students/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_staff_find_their_pupil_by_nhs_number_by_post_only(client, teacher, pupil, student_factory):
    stranger = student_factory(first_name="Stranger", nhs_number="111 222 3333")
    sign_in(client, teacher)
    assert client.get("/records/students/nhs-number/").status_code == 405
    found = client.post("/records/students/nhs-number/", {"nhs_number": pupil.nhs_number})
    assert "Maya" in found.content.decode()
    assert access_entries(pupil).get().additional_data["how"] == "nhs-lookup"
    # A child the teacher does not teach stays invisible even with the right number.
    hidden = client.post("/records/students/nhs-number/", {"nhs_number": "1112223333"})
    assert "Stranger" not in hidden.content.decode() and stranger.pk
    bad = client.post("/records/students/nhs-number/", {"nhs_number": "12345"})
    assert "ten digits" in bad.content.decode() and 'value="12345"' in bad.content.decode()


def test_the_team_confirms_the_second_factor_before_emergency_search(client, dsl, pupil):
    sign_in(client, dsl)
    assert client.get("/records/students/find/?q=Maya")["Location"].startswith(
        "/accounts/two-factor/verify/"
    )
