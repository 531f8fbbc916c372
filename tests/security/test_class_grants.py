"""A place in a class opens its pupils' records only to those who teach or support in class.

Replays the retest of the imports: the office imported an office account for a mailbox it
controls (``ghost``), put it in 3 Oak with the classes import, set its first password and read
the class's grades, progress notes, work, SEN and medical summary; through ghost it put its own
account in 4 Elm. And the variant: the office re-imported a teacher's never-used account with a
new email, to set its first password itself (P5, P10).
"""

import pytest

from confidentiality import access, roles
from confidentiality.roles import Role
from records import policy
from records.importing import IMPORTERS
from records.models import StudentUserObjectPermission, TeachingGroup

STAFF = "Username,First name,Last name,Email,Role,Job title\n"
CLASSES = "Class,Year group,Teachers,Pupil UPNs\n"

# What the attacker read: grades, progress notes, work, SEN and the medical summary.
CLASSROOM_LOOKS = ("records.view_medical_summary", "records.view_send", "records.record_learning")


def run(kind, by, header, *rows):
    data = (header + "".join(f"{row}\n" for row in rows)).encode()
    return IMPORTERS[kind].run(data, filename=f"{kind}.csv", by=by)


def only_row(report):
    (row,) = report.rows
    return row


def opens_classroom(user, student) -> bool:
    user = type(user).objects.get(pk=user.pk)  # fresh permission caches
    return any(access.has_permission(user, perm, student) for perm in CLASSROOM_LOOKS)


def grants_of(user, student) -> set:
    return set(
        StudentUserObjectPermission.objects.filter(user=user, content_object=student).values_list(
            "permission__codename", flat=True
        )
    )


@pytest.fixture
def elm(db, make_user):
    group = TeachingGroup.objects.create(name="4 Elm", year_group=4)
    group.staff.add(make_user("teacher2", Role.TEACHER))
    return group


# --- the office's own imports: a class gives the office nothing ---------------------------------


def test_an_office_account_the_office_put_in_a_class_reads_nothing_of_its_pupils(
    office, teacher, ta, oak, student_factory
):
    child = student_factory(oak)
    oak.staff.add(ta)
    created = run("staff", office, STAFF, "ghost,Gail,Host,gail.host@mailbox.example,office,")
    assert only_row(created).outcome == "created"
    placed = run("classes", office, CLASSES, f"3 Oak,3,teacher;ta;ghost,{child.upn}")
    assert only_row(placed).outcome == "updated"
    ghost = type(office).objects.get(username="ghost")
    assert oak.staff.filter(pk=ghost.pk).exists()
    assert grants_of(ghost, child) == set()
    assert not opens_classroom(ghost, child)
    assert not {"grades", "progress_notes", "work", "family"} & policy.learning_visible_to(
        ghost, child
    )
    # The other side: the class's teacher and teaching assistant still teach it.
    assert opens_classroom(teacher, child)
    assert opens_classroom(ta, child)
    assert grants_of(ta, child) == set(policy.CLASSROOM)


def test_the_office_placed_in_a_class_by_another_office_account_gains_nothing(
    office, make_user, elm, student_factory
):
    child = student_factory(elm)
    ghost = make_user("ghost", Role.OFFICE_STAFF)
    report = run("classes", ghost, CLASSES, f"4 Elm,4,teacher2;office,{child.upn}")
    assert only_row(report).outcome == "updated"
    assert elm.staff.filter(pk=office.pk).exists()
    assert grants_of(office, child) == set()
    assert not opens_classroom(office, child)
    teacher2 = type(office).objects.get(username="teacher2")
    assert opens_classroom(teacher2, child)


@pytest.mark.parametrize(
    "role, teaches",
    [
        (Role.TEACHER, True),
        (Role.TEACHING_ASSISTANT, True),
        (Role.HEAD_TEACHER, True),
        (Role.DEPUTY_DSL, True),
        (Role.OFFICE_STAFF, False),
        (Role.VOLUNTEER, False),
    ],
)
def test_who_a_place_in_a_class_gives_the_classroom_to(
    make_user, oak, student_factory, role, teaches
):
    child = student_factory(oak)
    person = make_user("person", role)
    oak.staff.add(person)
    assert (grants_of(person, child) == set(policy.CLASSROOM)) is teaches
    if not teaches:
        assert grants_of(person, child) == set()


def test_a_teacher_who_moves_to_the_office_loses_the_class_records(make_user, oak, student_factory):
    child = student_factory(oak)
    moved = make_user("moved", Role.TEACHER)
    oak.staff.add(moved)
    assert opens_classroom(moved, child)
    moved.groups.add(roles.group_for(Role.OFFICE_STAFF))
    assert opens_classroom(moved, child)  # still a teacher too
    moved.groups.remove(roles.group_for(Role.TEACHER))
    assert grants_of(moved, child) == set()
    assert not opens_classroom(moved, child)


# --- the variant: the office re-addresses a teacher's never-used account ------------------------


@pytest.fixture
def new_teacher(deputy):
    """A teacher's account the deputy imported; nobody has signed in to it yet."""
    report = run("staff", deputy, STAFF, "nteacher,Nia,Teach,nia.teach@school.test,teacher,")
    assert only_row(report).outcome == "created"
    return type(deputy).objects.get(username="nteacher")


def test_the_office_cannot_give_a_teachers_unused_account_a_new_email(office, new_teacher):
    report = run("staff", office, STAFF, "nteacher,Nia,Teach,nia@mailbox.example,teacher,")
    row = only_row(report)
    assert row.outcome == "needs a person"
    assert "email differs from the MIS" in str(row)
    assert "Teacher" in str(row)
    new_teacher.refresh_from_db()
    assert new_teacher.email == "nia.teach@school.test"


def test_the_office_cannot_rename_a_teachers_account_nor_change_its_roles(office, new_teacher):
    report = run(
        "staff", office, STAFF, "nteacher,Nina,Other,nia.teach@school.test,teacher;office,"
    )
    row = only_row(report)
    assert row.outcome == "needs a person"
    new_teacher.refresh_from_db()
    new_teacher.refresh_roles()
    assert (new_teacher.first_name, new_teacher.last_name) == ("Nia", "Teach")
    assert new_teacher.roles == {Role.TEACHER}


def test_the_deputy_may_give_a_teachers_unused_account_a_new_email(deputy, new_teacher):
    report = run("staff", deputy, STAFF, "nteacher,Nia,Teach,nia.t@school.test,teacher,")
    assert only_row(report).outcome == "updated"
    new_teacher.refresh_from_db()
    assert new_teacher.email == "nia.t@school.test"


def test_the_office_may_still_update_an_unused_office_account(office):
    run("staff", office, STAFF, "clerk2,Cara,Desk,cara.desk@school.test,office,")
    report = run("staff", office, STAFF, "clerk2,Cara,Desk,cara.d@school.test,office,")
    assert only_row(report).outcome == "updated"
    assert type(office).objects.get(username="clerk2").email == "cara.d@school.test"
