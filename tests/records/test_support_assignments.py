"""P5, P25, H1: the safeguarding team and the head teacher, with a verified second factor, assign
a teaching assistant or a health professional to a child, on the child's page or from the MIS in
the browser; the grants follow the assignment, and nobody else can make one (not the office: an
assignment opens medical or SEN detail)."""

import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from confidentiality import roles
from confidentiality.roles import Role
from records.importing import IMPORTERS
from records.models import SupportAssignment
from tests.conftest import sign_in

from .conftest import access_entries
from .test_import import upload


def page(student):
    return f"/records/students/{student.pk}/"


def assign(client, student, staff, kind):
    return client.post(
        f"/records/students/{student.pk}/support/assign/", {"staff": staff.pk, "kind": kind}
    )


NURSE = SupportAssignment.Kind.HEALTH_PROFESSIONAL
TA = SupportAssignment.Kind.TEACHING_ASSISTANT


# --- on the child's page --------------------------------------------------------------------


def test_the_head_assigns_a_nurse_who_then_reads_the_medical_record(client, head, nurse, pupil):
    assert sign_in(client, nurse).get(page(pupil)).status_code == 404
    response = assign(sign_in(client, head, verified=True), pupil, nurse, NURSE)
    assert response.status_code == 302 and response["Location"].endswith("#support")
    assert SupportAssignment.objects.filter(staff=nurse, student=pupil, kind=NURSE).exists()
    created = LogEntry.objects.get_for_model(SupportAssignment)
    assert created.filter(action=LogEntry.Action.CREATE).count() == 1

    response = sign_in(client, nurse).get(page(pupil))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Type 1 diabetes" in text and "Child protection plan" not in text
    assert access_entries(pupil).filter(actor=nurse).count() == 1


def test_an_unassigned_nurse_gets_404(client, head, nurse, make_user, pupil):
    other_nurse = make_user("other_nurse", Role.HEALTH_PROFESSIONAL)
    assign(sign_in(client, head, verified=True), pupil, nurse, NURSE)
    assert sign_in(client, other_nurse).get(page(pupil)).status_code == 404


def test_ending_an_assignment_ends_the_access(client, dsl, nurse, pupil):
    sign_in(client, dsl, verified=True)
    assign(client, pupil, nurse, NURSE)
    assignment = SupportAssignment.objects.get()
    response = client.post(f"/records/students/{pupil.pk}/support/{assignment.pk}/end/")
    assert response.status_code == 302
    assert not SupportAssignment.objects.exists()
    assert sign_in(client, nurse).get(page(pupil)).status_code == 404


def test_a_teaching_assistant_assigned_to_a_child_sees_what_the_class_teacher_sees(
    client, head, ta, pupil
):
    assert sign_in(client, ta).get(page(pupil)).status_code == 404
    assign(sign_in(client, head, verified=True), pupil, ta, TA)
    text = sign_in(client, ta).get(page(pupil)).content.decode()
    assert pupil.upn in text and "Peanuts" in text
    assert "Type 1 diabetes" not in text and "Child protection plan" not in text


@pytest.mark.parametrize("persona", ["teacher", "ta", "nurse", "parent", "volunteer", "office"])
def test_nobody_else_may_assign_or_end(client, request, persona, nurse, dsl, pupil):
    assign(sign_in(client, dsl, verified=True), pupil, nurse, NURSE)
    assignment = SupportAssignment.objects.get()
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=True)
    before = access_entries().count()
    url = f"/records/students/{pupil.pk}/support/assign/"
    assert client.get(url).status_code == 404
    assert assign(client, pupil, user, TA).status_code == 404
    end = f"/records/students/{pupil.pk}/support/{assignment.pk}/end/"
    assert client.post(end).status_code == 404
    assert SupportAssignment.objects.count() == 1
    assert access_entries().count() == before


def test_the_teacher_and_office_see_no_assignment_form_the_head_does(
    client, teacher, office, head, pupil
):
    assert "Assigned staff" not in sign_in(client, teacher).get(page(pupil)).content.decode()
    assert "Assigned staff" not in sign_in(client, office).get(page(pupil)).content.decode()
    text = sign_in(client, head, verified=True).get(page(pupil)).content.decode()
    assert "Assigned staff" in text and 'name="staff"' in text


def test_anonymous_is_sent_to_sign_in(client, pupil):
    response = client.get(f"/records/students/{pupil.pk}/support/assign/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_safeguarding_team_assigns_only_after_the_second_factor(client, dsl, nurse, pupil):
    response = assign(sign_in(client, dsl), pupil, nurse, NURSE)
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    assert not SupportAssignment.objects.exists()
    assert assign(sign_in(client, dsl, verified=True), pupil, nurse, NURSE).status_code == 302
    assert SupportAssignment.objects.exists()


def test_a_person_whose_role_does_not_fit_is_refused_and_the_form_keeps_the_choice(
    client, head, nurse, ta, pupil
):
    sign_in(client, head, verified=True)
    response = assign(client, pupil, nurse, TA)
    assert response.status_code == 400
    text = response.content.decode()
    assert "does not hold the teaching assistant role" in text
    assert f'value="{nurse.pk}" selected' in text
    assert re.search(r'value="teaching_assistant"[^>]*checked', text)
    assert not SupportAssignment.objects.exists()


def test_a_teacher_cannot_be_listed_or_assigned(client, head, teacher, pupil):
    sign_in(client, head, verified=True)
    form_page = client.get(f"/records/students/{pupil.pk}/support/assign/").content.decode()
    assert f'value="{teacher.pk}"' not in form_page
    response = assign(client, pupil, teacher, NURSE)
    assert response.status_code == 400 and not SupportAssignment.objects.exists()


def test_no_one_assigns_themselves(db, make_user, pupil):
    both = make_user("both", Role.OFFICE_STAFF)
    both.groups.add(roles.group_for(Role.TEACHING_ASSISTANT))
    both.refresh_roles()
    with pytest.raises(ValidationError, match="cannot assign yourself"):
        SupportAssignment.assign(student=pupil, staff=both, kind=TA, by=both)


# --- from the MIS -----------------------------------------------------------------------------

HEADER = "Username,UPN,Kind\n"


def run(text, **options):
    return IMPORTERS["assignments"].run(text.encode(), filename="assignments.csv", **options)


@pytest.fixture
def decider(head):
    """The head teacher importing in the browser, where the two-factor middleware has marked
    the account as verified."""
    head.is_verified = lambda: True
    return head


def test_an_import_assigns_and_is_idempotent(db, decider, nurse, ta, pupil, student_factory):
    other = student_factory(upn="B123456789012")
    text = HEADER + f"nurse,{pupil.upn},school nurse\nta,{other.upn},Teaching assistant\n"
    report = run(text, by=decider)
    assert [r.outcome for r in report.rows] == ["created", "created"]
    assert SupportAssignment.objects.filter(staff=nurse, student=pupil, kind=NURSE).exists()
    assert SupportAssignment.objects.filter(staff=ta, student=other, kind=TA).exists()
    again = run(text, by=decider)
    assert [r.outcome for r in again.rows] == ["unchanged", "unchanged"]
    assert SupportAssignment.objects.count() == 2


def test_a_dry_run_assigns_nothing(db, decider, nurse, pupil):
    report = run(HEADER + f"nurse,{pupil.upn},health professional\n", dry_run=True, by=decider)
    assert report.rows[0].outcome == "created" and not report.applied
    assert not SupportAssignment.objects.exists()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("teacher,{upn},health professional", "does not hold the health professional role"),
        ("nurse,{upn},teaching assistant", "does not hold the teaching assistant role"),
        ("volunteer,{upn},TA", "does not hold the teaching assistant role"),
        ("nobody,{upn},TA", "no account with username nobody"),
        ("nurse,A999999999999,nurse", "no student with UPN A999999999999"),
        ("nurse,{upn},cook", "'cook' is not a kind of assignment"),
    ],
)
def test_rows_that_do_not_fit_are_rejected_with_why(
    db, teacher, nurse, volunteer, pupil, row, reason
):
    report = run(HEADER + row.format(upn=pupil.upn) + "\n")
    (result,) = report.rows
    assert result.outcome == "rejected" and reason in str(result), str(result)
    assert not SupportAssignment.objects.exists()


def test_an_end_column_ends_an_assignment(db, decider, nurse, pupil):
    run(HEADER + f"nurse,{pupil.upn},nurse\n", by=decider)
    assert SupportAssignment.objects.exists()
    report = run(f"Username,UPN,Kind,End\nnurse,{pupil.upn},nurse,Yes\n")
    assert report.rows[0].outcome == "updated"
    assert not SupportAssignment.objects.exists()


def test_the_head_uploads_assignments_in_the_browser(client, head, nurse, pupil):
    sign_in(client, head, verified=True)
    response = upload(client, "assignments", HEADER + f"nurse,{pupil.upn},nurse\n")
    assert response.status_code == 200 and "Imported: 1 created" in response.content.decode()
    assert sign_in(client, nurse).get(page(pupil)).status_code == 200


def test_a_teacher_cannot_import_assignments(client, teacher, nurse, pupil):
    sign_in(client, teacher)
    response = upload(client, "assignments", HEADER + f"nurse,{pupil.upn},nurse\n")
    assert response.status_code == 404 and not SupportAssignment.objects.exists()
