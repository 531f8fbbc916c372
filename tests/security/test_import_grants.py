"""Imports that grant access to children are bounded and visible (second review 2 and 3, H1).

"An import may do only what the importer could do by hand in the application, never about
themselves or anyone linked to them; anything it does that grants access appears in a report to
the DSL and head, and each family's existing parents with responsibility are told in the portal
when a new carer is linked." Each finding is replayed here as it was reported.
"""

import importlib
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection

from confidentiality.roles import Role
from records.importing import IMPORTERS
from records.models import (
    FamilyNotice,
    ParentLink,
    StudentUserObjectPermission,
    SupportAssignment,
    TeachingGroup,
    WorkItem,
)
from tests.conftest import PASSWORD, sign_in
from tests.records.conftest import access_entries, add_learning
from tests.records.test_import import upload

CONTACTS = (
    "Pupil UPN,Contact forename,Contact surname,Email,Telephone,Relationship,"
    "Parental responsibility,Contact priority\n"
)
ASSIGNMENTS = "Username,UPN,Kind\n"
NURSE = SupportAssignment.Kind.HEALTH_PROFESSIONAL
TA = SupportAssignment.Kind.TEACHING_ASSISTANT


def run(kind, text, **options):
    return IMPORTERS[kind].run(text.encode(), filename=f"{kind}.csv", **options)


def grants():
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__how="import-grant"
    )


@pytest.fixture
def child(student_factory, oak, parent):
    student = student_factory(group=oak, first_name="Ravi", last_name="Patel")
    ParentLink.objects.create(parent=parent, student=student, relationship="mother")
    return student


@pytest.fixture
def mallorys_child(student_factory, oak, parent):
    """The child of the finding (UPN A823400000008), with a mother who has responsibility."""
    child = student_factory(group=oak, upn="A823400000008", first_name="Ruby", last_name="Lane")
    ParentLink.objects.create(parent=parent, student=child, relationship="mother")
    return child


# --- second review 2: the office gives itself a parent account ----------------------------------


def test_the_mallory_row_is_reported_and_the_family_is_told(
    client,
    office,
    dsl,
    head,
    parent,
    mallorys_child,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The row itself may be a real new carer, so it is applied, but never silently: the DSL
    and the head teacher see it, the child's mother is told in the portal and by email, and
    the office can end it (tests/security/test_family_links.py)."""
    sign_in(client, office)
    row = "A823400000008,Mallory,Office,mallory@attacker.example,,mother,Yes,1\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "contacts", CONTACTS + row)
    assert "Imported: 1 created" in response.content.decode()
    mallory = ParentLink.objects.get(student=mallorys_child, parent__email__startswith="mallory")

    entry = grants().get()
    assert entry.actor == office and entry.object_pk == str(mallory.parent.pk)
    assert entry.additional_data["subject"] == f"records.student:{mallorys_child.pk}"
    assert "parental responsibility" in entry.additional_data["reason"]
    reported = sorted(m.to[0] for m in mailoutbox if "import" in m.subject.lower())
    assert reported == ["dsl@school.test", "head@school.test"]

    notice = FamilyNotice.objects.get(kind=FamilyNotice.Kind.CARER_LINKED)
    portal = sign_in(client, parent).get(f"/portal/children/{mallorys_child.pk}/")
    assert notice.title in portal.content.decode()
    told = [m for m in mailoutbox if m.to == ["parent@school.test"]]
    assert len(told) == 1 and "Ruby" not in told[0].body
    assert "mallory@attacker.example" not in {a for m in told for a in m.to}
    # Mallory is not told about herself.
    assert not FamilyNotice.objects.for_parent(mallory.parent, mallorys_child).exists()


def test_an_adult_linked_later_does_not_read_earlier_information_sharing_notices(
    client, office, parent, mallorys_child
):
    """The finding: Mallory's new account opened the portal on the P2 notice ("we have shared
    information about your child"), which was sent to the mother before Mallory was linked."""
    FamilyNotice(
        student=mallorys_child,
        kind=FamilyNotice.Kind.INFORMATION_SHARED,
        title="We have shared information about your child",
        body="With children's social care.",
    ).save()
    row = "A823400000008,Mallory,Office,mallory@attacker.example,,mother,Yes,1\n"
    run("contacts", CONTACTS + row, by=office)
    mallory = ParentLink.objects.get(parent__email="mallory@attacker.example").parent
    page = sign_in(client, mallory).get(f"/portal/children/{mallorys_child.pk}/")
    assert page.status_code == 200
    assert "We have shared information" not in page.content.decode()
    mother = sign_in(client, parent).get(f"/portal/children/{mallorys_child.pk}/")
    assert "We have shared information" in mother.content.decode()


def test_a_dry_run_reports_nothing_and_tells_nobody(
    db, office, parent, mallorys_child, mailoutbox, django_capture_on_commit_callbacks
):
    row = "A823400000008,Mallory,Office,mallory@attacker.example,,mother,Yes,1\n"
    with django_capture_on_commit_callbacks(execute=True):
        report = run("contacts", CONTACTS + row, by=office, dry_run=True)
    assert report.rows[0].outcome == "created" and not report.applied
    assert not grants().exists() and not FamilyNotice.objects.exists() and not mailoutbox


def test_a_lookalike_of_a_staff_address_is_refused(db, office, teacher, mallorys_child):
    teacher.email, teacher.first_name, teacher.last_name = (
        "teacher@school.invalid",
        "Tom",
        "Bennett",
    )
    teacher.save()
    lookalike = "teacher@sch\u043e\u043el.invalid"  # Cyrillic "о" twice
    report = run("contacts", CONTACTS + f"A823400000008,Tom,Bennett,{lookalike},,father,Yes,1\n")
    (row,) = report.rows
    assert row.outcome == "rejected", str(row)
    assert not ParentLink.objects.filter(parent__first_name="Tom").exists()


@pytest.mark.parametrize(
    "email",
    [
        "p\u0430rent@home.test",  # Cyrillic "а": mixes alphabets
        "office@sch\u043eol.invalid",  # looks like the school's own domain
        "head@school.invalid",  # the school's own domain
    ],
)
def test_addresses_that_pass_for_someone_else_are_refused(db, settings, mallorys_child, email):
    settings.DEFAULT_FROM_EMAIL = "safeguarding@school.invalid"
    report = run("contacts", CONTACTS + f"A823400000008,Pat,Lane,{email},,father,Yes,1\n")
    assert report.rows[0].outcome == "rejected", str(report.rows[0])
    assert not ParentLink.objects.filter(parent__first_name="Pat").exists()


@pytest.mark.parametrize(
    "email", ["teacher@school.test", "TEACHER@school.test", "teacher+kids@school.test"]
)
def test_a_staff_account_or_mailbox_is_never_linked_as_a_parent(db, teacher, mallorys_child, email):
    report = run("contacts", CONTACTS + f"A823400000008,Pat,Lane,{email},,father,Yes,1\n")
    assert report.rows[0].outcome == "rejected", str(report.rows[0])
    assert (
        not ParentLink.objects.filter(student=mallorys_child)
        .exclude(parent__username="parent")
        .exists()
    )
    assert not teacher.children_links.exists()


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff", "inactive"])
def test_a_technician_or_closed_account_is_never_linked(db, make_user, mallorys_child, flag):
    account = make_user("pat", Role.PARENT)
    if flag == "inactive":
        account.is_active = False
    else:
        setattr(account, flag, True)
    account.save()
    report = run("contacts", CONTACTS + "A823400000008,Pat,Tester,pat@school.test,,father,Yes,1\n")
    assert report.rows[0].outcome == "rejected" and "not a parent's" in str(report.rows[0])


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A823400000008,X,Y,office@school.test,,mother,Yes,1", "your own email"),
        ("A823400000008,X,Y,OFFICE+home@school.test,,mother,Yes,1", "your own email"),
        ("A823400000008,Office,Tester,mum@home.test,,mother,Yes,1", "your name"),
    ],
)
def test_the_importer_never_links_themselves(db, office, mallorys_child, row, reason):
    report = run("contacts", CONTACTS + row + "\n", by=office)
    assert report.rows[0].outcome == "rejected" and reason in str(report.rows[0])
    assert ParentLink.objects.filter(student=mallorys_child).count() == 1


def test_nobody_imports_a_child_they_are_linked_to(db, make_user, mallorys_child):
    both = make_user("both", Role.OFFICE_STAFF)
    ParentLink.objects.create(parent=both, student=mallorys_child, relationship="father")
    row = "A823400000008,Gran,Lane,gran@home.test,,grandparent,Yes,1\n"
    report = run("contacts", CONTACTS + row, by=both)
    assert "linked to this child" in str(report.rows[0])
    students = "UPN,Legal forename,Legal surname,Date of birth,Year group\n"
    report = run("students", students + "A823400000008,Ruby,Changed,01/01/2018,3\n", by=both)
    assert "linked to this child" in str(report.rows[0])


def test_a_new_responsibility_is_reported(db, office, parent, mallorys_child):
    row = "A823400000008,Gran,Lane,gran@home.test,,grandparent,{},2\n"
    run("contacts", CONTACTS + row.format("No"), by=office)
    assert grants().count() == 1 and "without parental" in grants().get().additional_data["reason"]
    run("contacts", CONTACTS + row.format("Yes"), by=office)
    assert grants().count() == 2
    assert "given parental responsibility" in grants().first().additional_data["reason"]


# --- second review 3: the office gives itself a class ------------------------------------------


@pytest.mark.parametrize("persona", ["office", "head"])
def test_nobody_places_themselves_in_a_class(client, request, persona, student_factory):
    user = request.getfixturevalue(persona)
    pupils = [student_factory() for _ in range(60)]
    upns = ";".join(p.upn for p in pupils)
    sign_in(client, user, verified=True)
    response = upload(
        client,
        "classes",
        f"Class,Year group,Teachers,Pupil UPNs\nOffice support,3,{user.username},{upns}\n",
    )
    assert "this class lists you" in response.content.decode()
    assert not TeachingGroup.objects.filter(name="Office support").exists()
    assert not StudentUserObjectPermission.objects.filter(user=user).exists()
    # Nor by their email address, nor by joining an existing class.
    report = run(
        "classes",
        f"Class,Year group,Teachers,Pupil UPNs\n3 Oak,3,teacher;{user.email},{pupils[0].upn}\n",
        by=user,
    )
    assert report.rows[0].outcome == "rejected"


def test_a_member_of_staff_placed_in_a_class_is_reported(
    db, office, dsl, head, teacher, pupil, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = run(
            "classes",
            f"Class,Year group,Teachers,Pupil UPNs\n4 Elm,4,teacher,{pupil.upn}\n",
            by=office,
        )
    assert report.rows[0].outcome == "created"
    entry = grants().get()
    assert entry.object_pk == str(teacher.pk) and "4 Elm" in entry.additional_data["reason"]
    assert sorted(m.to[0] for m in mailoutbox) == ["dsl@school.test", "head@school.test"]
    # Re-importing the same class gives nothing new, so reports nothing new.
    run(
        "classes", f"Class,Year group,Teachers,Pupil UPNs\n4 Elm,4,teacher,{pupil.upn}\n", by=office
    )
    assert grants().count() == 1


def test_a_class_with_the_importers_own_child_is_refused(db, make_user, teacher, pupil):
    both = make_user("both", Role.OFFICE_STAFF)
    ParentLink.objects.create(parent=both, student=pupil, relationship="mother")
    report = run(
        "classes", f"Class,Year group,Teachers,Pupil UPNs\n4 Elm,4,teacher,{pupil.upn}\n", by=both
    )
    assert "linked to as a parent" in str(report.rows[0])


# --- H1: assignments are an appointed decision with a verified second factor ---------------------


def assign_url(student):
    return f"/records/students/{student.pk}/support/assign/"


def test_the_office_can_no_longer_assign_a_health_professional(client, office, nurse, pupil):
    sign_in(client, office)
    assert client.get(assign_url(pupil)).status_code == 404
    response = client.post(assign_url(pupil), {"staff": nurse.pk, "kind": NURSE})
    assert response.status_code == 404 and not SupportAssignment.objects.exists()
    text = sign_in(client, nurse).get(f"/records/students/{pupil.pk}/")
    assert text.status_code == 404


@pytest.mark.parametrize("persona", ["head", "dsl", "deputy"])
def test_the_head_and_the_team_assign_with_a_verified_second_factor(
    client, request, persona, nurse, pupil
):
    user = request.getfixturevalue(persona)
    response = sign_in(client, user).post(assign_url(pupil), {"staff": nurse.pk, "kind": NURSE})
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]
    assert not SupportAssignment.objects.exists()
    sign_in(client, user, verified=True)
    assert client.post(assign_url(pupil), {"staff": nurse.pk, "kind": NURSE}).status_code == 302
    assert SupportAssignment.objects.filter(staff=nurse, student=pupil).exists()
    entry = access_entries(pupil, how="support-assigned").get()
    assert entry.actor == user and "nurse" in entry.additional_data["reason"]


def test_the_model_refuses_an_assignment_without_a_decider(db, office, nurse, pupil):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only the DSL or the head teacher"):
        SupportAssignment.assign(student=pupil, staff=nurse, kind=NURSE, by=office)
    assert not SupportAssignment.objects.exists()


def test_the_office_cannot_assign_by_import(client, office, nurse, pupil):
    sign_in(client, office)
    response = upload(client, "assignments", ASSIGNMENTS + f"nurse,{pupil.upn},nurse\n")
    assert "may not assign" in response.content.decode()
    assert not SupportAssignment.objects.exists()


def test_the_head_assigns_by_import_in_the_browser_and_it_is_reported(
    client, head, dsl, nurse, pupil, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "assignments", ASSIGNMENTS + f"nurse,{pupil.upn},nurse\n")
    assert "Imported: 1 created" in response.content.decode()
    entry = grants().get()
    assert entry.actor == head and entry.object_pk == str(nurse.pk)
    assert sorted(m.to[0] for m in mailoutbox) == ["dsl@school.test", "head@school.test"]


def test_an_unverified_importer_cannot_assign(db, head, nurse, pupil):
    report = run("assignments", ASSIGNMENTS + f"nurse,{pupil.upn},nurse\n", by=head)
    assert report.rows[0].outcome == "rejected" and "two-factor" in str(report.rows[0])
    assert not SupportAssignment.objects.exists()


@pytest.mark.parametrize("by", [[], ["--by", "head"]])
def test_the_command_line_refuses_assignments_and_points_to_the_page(
    db, tmp_path, head, nurse, pupil, by
):
    path = tmp_path / "a.csv"
    path.write_text(ASSIGNMENTS + f"nurse,{pupil.upn},nurse\n")
    out = StringIO()
    call_command("import_mis", "assignments", str(path), *by, stdout=out)
    assert "rejected" in out.getvalue() and "page" in out.getvalue()
    assert not SupportAssignment.objects.exists()


def test_the_command_line_may_still_end_an_assignment(db, tmp_path, nurse, pupil):
    SupportAssignment.objects.create(staff=nurse, student=pupil, kind=NURSE)
    path = tmp_path / "a.csv"
    path.write_text(f"Username,UPN,Kind,End\nnurse,{pupil.upn},nurse,Yes\n")
    call_command("import_mis", "assignments", str(path), stdout=StringIO())
    assert not SupportAssignment.objects.exists()


def test_nobody_assigns_to_a_child_they_are_linked_to(rf, make_user, nurse, pupil):
    both = make_user("both", Role.HEAD_TEACHER)
    ParentLink.objects.create(parent=both, student=pupil, relationship="father")
    both.is_verified = lambda: True  # as the browser's two-factor middleware marks it
    report = run("assignments", ASSIGNMENTS + f"nurse,{pupil.upn},nurse\n", by=both)
    assert "linked to this child" in str(report.rows[0])
    assert not SupportAssignment.objects.exists()


# --- low: the original name of a pupil's uploaded work --------------------------------------------


def raw_original_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM records_workitem")
        return [row[0] for row in cursor.fetchall()]


def test_the_original_file_name_is_encrypted_and_downloads_still_work(client, teacher, child):
    *_, work = add_learning(child, teacher)
    work.original_name = "Ravi Patel reading record.png"
    work.save()
    (raw,) = raw_original_names()
    assert "Ravi" not in raw
    assert WorkItem.objects.get().original_name == "Ravi Patel reading record.png"
    response = sign_in(client, teacher).get(f"/records/work/{work.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Volcano diagram.png"'
    changes = LogEntry.objects.get_for_object(work)
    assert all("Ravi" not in str(entry.changes) for entry in changes)


def test_the_migration_seals_names_stored_before_it(db, teacher, child):
    from django.apps import apps

    from confidentiality.crypto.keyring import Sealed

    *_, work = add_learning(child, teacher)
    # As a row written before the migration: the name in plain text.
    WorkItem.objects.filter(pk=work.pk).update(
        original_name=Sealed("Ravi page.png"), seal_version=0
    )
    assert raw_original_names() == ["Ravi page.png"]
    migration = importlib.import_module("records.migrations.0007_security_review")
    migration.seal_original_names(apps, None)
    migration.seal_original_names(apps, None)  # running it again changes nothing
    (raw,) = raw_original_names()
    assert "Ravi" not in raw
    assert WorkItem.objects.get().original_name == "Ravi page.png"


def test_the_migration_seals_with_the_schools_recorded_key_not_the_newest(
    db, settings, teacher, child
):
    """During a rotation a server may run the migration with the new ring (k2 first) while the
    school still seals with k1: values sealed with k2 could not be opened by servers on the old
    ring."""
    from django.apps import apps

    from confidentiality.crypto.keyring import Sealed, new_key_entry
    from confidentiality.crypto.models import SealingKey
    from confidentiality.crypto.sealing import record_sealing_key

    *_, work = add_learning(child, teacher)
    record_sealing_key("k1")  # the school seals with k1
    WorkItem.objects.filter(pk=work.pk).update(
        original_name=Sealed("Ravi page.png"), seal_version=0
    )
    old = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = f"{new_key_entry('k2')},{old}"
    migration = importlib.import_module("records.migrations.0007_security_review")
    migration.seal_original_names(apps, None)
    (raw,) = raw_original_names()
    assert Sealed(raw).key_id == "k1" and "Ravi" not in raw
    settings.FIELD_ENCRYPTION_KEYS = old  # a server still on the old ring opens it
    assert WorkItem.objects.get().original_name == "Ravi page.png"
    # A ring without the school's key refuses rather than sealing with another.
    SealingKey.objects.update(key_id="k9")
    WorkItem.objects.filter(pk=work.pk).update(
        original_name=Sealed("Ravi page.png"), seal_version=0
    )
    with pytest.raises(RuntimeError, match="lacks the school's sealing key"):
        migration.seal_original_names(apps, None)


def test_the_migration_waits_for_the_key_ring_table():
    migration = importlib.import_module("records.migrations.0007_security_review")
    assert ("confidentiality", "0004_field_key_ring") in migration.Migration.dependencies


# --- reviewer: "a child you are linked to" guards compared the staff account itself -------------


@pytest.fixture
def jo(office):
    """The office worker Jo Smith (staff account ``office``)."""
    office.first_name, office.last_name = "Jo", "Smith"
    office.save()
    return office


@pytest.fixture
def jos_child(make_user, student_factory, oak):
    """Jo's child, linked to Jo's separate parent account ``j.smith@home.example``."""
    account = make_user("j.smith@home.example", Role.PARENT)
    account.email, account.first_name, account.last_name = "j.smith@home.example", "Jo", "Smith"
    account.save()
    child = student_factory(group=oak, first_name="Finn", last_name="Smith")
    ParentLink.objects.create(parent=account, student=child, relationship="mother")
    return child


STUDENTS = "UPN,Legal forename,Legal surname,Date of birth,Year group\n"


def test_the_office_does_not_import_its_own_childs_record(db, jo, jos_child):
    row = f"{jos_child.upn},Finn,Smythe,2018-03-01,3\n"
    (result,) = run("students", STUDENTS + row, by=jo).rows
    assert result.outcome == "rejected" and "linked to this child" in str(result), str(result)
    jos_child.refresh_from_db()
    assert jos_child.last_name == "Smith"


def test_a_colleague_imports_the_same_childs_record(db, make_user, jo, jos_child):
    colleague = make_user("office2", Role.OFFICE_STAFF)
    row = f"{jos_child.upn},Finn,Smythe,2018-03-01,3\n"
    (result,) = run("students", STUDENTS + row, by=colleague).rows
    assert result.outcome == "updated", str(result)


def test_the_office_does_not_import_a_class_with_its_own_child(db, jo, teacher, jos_child):
    text = f"Class,Year group,Teachers,Pupil UPNs\n4 Elm,4,teacher,{jos_child.upn}\n"
    (result,) = run("classes", text, by=jo).rows
    assert result.outcome == "rejected" and "linked to as a parent" in str(result), str(result)
    assert not TeachingGroup.objects.filter(name="4 Elm").exists()


def test_the_office_does_not_link_another_adult_to_its_own_child(db, jo, jos_child):
    row = f"{jos_child.upn},Sam,Smith,sam.smith@home.example,,father,Yes,1\n"
    (result,) = run("contacts", CONTACTS + row, by=jo).rows
    assert result.outcome == "rejected" and "linked to this child" in str(result), str(result)
    assert not ParentLink.objects.filter(parent__email="sam.smith@home.example").exists()


def test_the_head_does_not_assign_support_to_their_own_child(db, head, nurse, jos_child):
    from django.core.exceptions import ValidationError

    head.first_name, head.last_name = "Jo", "Smith"
    head.save()
    head.is_verified = lambda: True  # signed in with a verified second factor
    text = ASSIGNMENTS + f"nurse,{jos_child.upn},health_professional\n"
    (result,) = run("assignments", text, by=head).rows
    assert result.outcome == "rejected" and "linked to this child" in str(result), str(result)
    with pytest.raises(ValidationError, match="linked to this child"):
        SupportAssignment.assign(student=jos_child, staff=nurse, kind=NURSE, by=head)
    assert not SupportAssignment.objects.exists()


def test_another_head_may_assign_support_to_that_child(db, head, nurse, jos_child):
    head.is_verified = lambda: True
    SupportAssignment.assign(student=jos_child, staff=nurse, kind=NURSE, by=head)
    assert SupportAssignment.objects.filter(student=jos_child).exists()


# --- attack review: a parent puts another family's address on their own account ----------------

HUGHES = "{upn},Nina,Hughes,newmum.hughes@family.example,,mother,yes,1\n"


@pytest.fixture
def aisha(student_factory, oak):
    return student_factory(group=oak, first_name="Aisha", last_name="Hughes")


def test_the_address_chain_is_refused_at_the_page(client, office, other_parent, aisha):
    """parent2 asks for the other family's address: nothing changes until a link sent to that
    address is followed, so the import makes Nina her own account."""
    sign_in(client, other_parent)
    response = client.post(
        "/accounts/email/",
        {"current_password": PASSWORD, "email": "newmum.hughes@family.example"},
    )
    assert response.status_code == 302
    other_parent.refresh_from_db()
    assert other_parent.email == "other_parent@school.test"
    report = run("contacts", CONTACTS + HUGHES.format(upn=aisha.upn), by=office)
    assert report.rows[0].outcome == "created"
    assert not ParentLink.objects.filter(parent=other_parent, student=aisha).exists()
    nina = ParentLink.objects.get(student=aisha).parent
    assert nina.pk != other_parent.pk and nina.get_full_name() == "Nina Hughes"


def test_an_address_on_an_account_in_another_name_needs_a_person(db, office, other_parent, aisha):
    """Even if the address got onto parent2's account (an older page, the admin), the import
    never links it to Aisha nor renames it."""
    other_parent.email = "newmum.hughes@family.example"
    other_parent.save(update_fields=["email"])
    report = run("contacts", CONTACTS + HUGHES.format(upn=aisha.upn), by=office)
    (row,) = report.rows
    assert row.outcome == "needs a person"
    assert "the address belongs to an account with another name" in str(row)
    assert not ParentLink.objects.filter(student=aisha).exists()
    other_parent.refresh_from_db()
    assert (other_parent.first_name, other_parent.last_name) == ("Other_Parent", "Tester")
    assert not grants().exists()


def test_the_same_name_in_other_case_and_spacing_links_the_existing_account(
    db, office, other_parent, aisha
):
    row = f"{aisha.upn},  other_parent , TESTER,other_parent@school.test,,father,yes,1\n"
    report = run("contacts", CONTACTS + row, by=office)
    (line,) = report.rows
    assert line.outcome == "updated" and line.outcome != "created"
    assert "linked the existing account" in str(line)
    assert ParentLink.objects.filter(parent=other_parent, student=aisha).exists()
    assert grants().count() == 1
