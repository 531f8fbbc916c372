"""Whoever may import cannot use a file to widen anyone's access (P8, P10, P11, P16, P25)."""

import pytest

from confidentiality.roles import Role
from records.importing import IMPORTERS
from records.models import StudentUserObjectPermission, TeachingGroup
from tests.conftest import sign_in
from tests.records.test_import import upload

HEADER = "Username,First name,Last name,Email,Role,Job title\n"


def staff_file(*rows):
    return HEADER + "".join(f"{row}\n" for row in rows)


def test_the_office_cannot_make_itself_a_deputy_dsl(client, office):
    sign_in(client, office)
    upload(
        client, "staff", staff_file("office,Off,Ice,office@school.test,office_staff;deputy_dsl,")
    )
    office.refresh_roles()
    assert office.roles == {Role.OFFICE_STAFF}


@pytest.mark.parametrize("role", ["deputy_dsl", "head_teacher", "dsl"])
def test_appointed_roles_are_never_given_by_import(db, make_user, role):
    make_user("jo", Role.TEACHER)
    report = IMPORTERS["staff"].run(
        staff_file(f"jo,Jo,Smith,jo@school.test,teacher;{role},").encode(), filename="s.csv"
    )
    (row,) = report.rows
    assert row.outcome == "rejected" and "appointed in the application" in str(row)


def test_an_import_never_takes_an_appointed_role_away(db, head):
    IMPORTERS["staff"].run(
        staff_file("head,Head,Tester,head@school.test,teacher,").encode(), filename="s.csv"
    )
    head.refresh_roles()
    assert Role.HEAD_TEACHER in head.roles


def test_an_import_never_changes_the_email_of_the_head_or_the_team(db, head, deputy):
    report = IMPORTERS["staff"].run(
        staff_file(
            "head,Head,Tester,attacker@evil.test,head_teacher,",
            "deputy,Deputy,Tester,attacker2@evil.test,deputy_dsl,",
        ).encode(),
        filename="s.csv",
    )
    assert [r.outcome for r in report.rows] == ["needs a person", "needs a person"]
    assert all("email differs from the MIS" in str(r) for r in report.rows)
    head.refresh_from_db()
    deputy.refresh_from_db()
    assert head.email == "head@school.test" and deputy.email == "deputy@school.test"


def test_the_importer_cannot_change_their_own_account(client, office):
    sign_in(client, office)
    response = upload(
        client, "staff", staff_file("office,Off,Ice,new@school.test,office_staff;teacher,")
    )
    assert "your own account" in response.content.decode()
    office.refresh_from_db()
    office.refresh_roles()
    assert office.email == "office@school.test" and office.roles == {Role.OFFICE_STAFF}


def test_the_chair_of_governors_is_not_designated_by_import(db, governor):
    report = IMPORTERS["staff"].run(
        staff_file(
            "governor,Gov,Tester,governor@school.test,governor;chair_of_governors,"
        ).encode(),
        filename="s.csv",
    )
    assert report.rows[0].outcome == "rejected"
    assert "appointed in the application" in str(report.rows[0])
    governor.refresh_roles()
    assert governor.roles == {Role.GOVERNOR}
    # A job title is only words: it makes nobody the chair.
    IMPORTERS["staff"].run(
        staff_file("governor,Gov,Tester,governor@school.test,governor,Chair of governors").encode(),
        filename="s.csv",
    )
    governor.refresh_roles()
    assert Role.CHAIR_OF_GOVERNORS not in governor.roles


@pytest.mark.parametrize("persona", ["governor", "nurse", "parent"])
def test_only_staff_and_volunteers_can_be_placed_in_a_class(db, request, persona, pupil):
    person = request.getfixturevalue(persona)
    report = IMPORTERS["classes"].run(
        f"Class,Year,Staff,Students\n3 Oak,3,{person.username},{pupil.upn}\n".encode(),
        filename="c.csv",
    )
    assert report.rows[0].outcome == "rejected"


@pytest.mark.parametrize("persona", ["volunteer", "governor", "nurse"])
def test_a_class_gives_record_access_to_staff_only(client, request, persona, oak, pupil):
    person = request.getfixturevalue(persona)
    oak.staff.add(person)  # however they got there
    assert not StudentUserObjectPermission.objects.filter(user=person).exists()
    sign_in(client, person)
    assert client.get(f"/records/students/{pupil.pk}/").status_code == 404


def test_a_teacher_who_becomes_a_volunteer_loses_the_class_records(client, teacher, oak, pupil):
    from confidentiality.roles import group_for

    assert StudentUserObjectPermission.objects.filter(user=teacher).exists()
    teacher.groups.remove(group_for(Role.TEACHER))
    teacher.groups.add(group_for(Role.VOLUNTEER))
    assert not StudentUserObjectPermission.objects.filter(user=teacher).exists()
    assert TeachingGroup.objects.filter(staff=teacher).exists()  # still helps in the class


def test_assignments_by_import_need_the_same_right_as_on_the_page(db, head, office, ta, pupil):
    rows = f"Username,UPN,Kind\nta,{pupil.upn},teaching assistant\n".encode()
    refused = IMPORTERS["assignments"].run(rows, filename="a.csv", by=office)
    assert refused.rows[0].outcome == "rejected" and "may not assign" in str(refused.rows[0])
    assert not StudentUserObjectPermission.objects.filter(user=ta).exists()
    head.is_verified = lambda: True  # as in the browser, after the second factor (H1)
    allowed = IMPORTERS["assignments"].run(rows, filename="a.csv", by=head)
    assert allowed.rows[0].outcome == "created"
