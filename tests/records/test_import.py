"""Importing the MIS exports: row-by-row reports with line numbers, bad files that change
nothing, dry runs, all-or-nothing, idempotency, audit entries, and who may import."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from confidentiality import access
from confidentiality.roles import Role
from records.importing import IMPORTERS, BadFile
from records.models import ParentLink, Student, TeachingGroup
from tests.conftest import sign_in

STUDENTS = (
    "UPN,Legal forename,Legal surname,Preferred forename,Date of birth,Year group\n"
    "A123456789012,Maya,Quinn,,01/02/2018,Year 3\n"
    "A123456789013,Leo,Hughes,Lee,2017-09-30,4\n"
)


def run(kind, text, **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return IMPORTERS[kind].run(data, filename=f"{kind}.csv", **options)


def outcomes(report):
    return [(row.line, row.outcome) for row in report.rows]


def change_entries():
    return LogEntry.objects.exclude(action=LogEntry.Action.ACCESS)


# --- students --------------------------------------------------------------------------------


def test_students_are_created_with_their_encrypted_date_of_birth(db):
    report = run("students", STUDENTS)
    assert outcomes(report) == [(2, "created"), (3, "created")]
    leo = Student.objects.get(upn="A123456789013")
    assert leo.preferred_name == "Lee" and leo.year_group == 4
    assert str(leo.date_of_birth) == "2017-09-30"
    assert LogEntry.objects.get_for_object(leo).filter(action=LogEntry.Action.CREATE).exists()


def test_importing_the_same_file_again_changes_nothing(db):
    run("students", STUDENTS)
    before = change_entries().count()
    report = run("students", STUDENTS)
    assert [r.outcome for r in report.rows] == ["unchanged", "unchanged"]
    assert change_entries().count() == before


def test_a_known_upn_is_updated_and_the_report_says_what_changed(db):
    run("students", STUDENTS)
    report = run("students", STUDENTS.replace("Year 3", "Year 4"))
    assert report.rows[0].outcome == "updated"
    assert report.rows[0].messages == ["changed year group"]
    assert Student.objects.get(upn="A123456789012").year_group == 4


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A123456789014,Ann,Lee,,31/02/2015,3", "date of birth '31/02/2015' is not a real date"),
        ("A123456789014,Ann,Lee,,next week,3", "date of birth 'next week' is not a date"),
        ("A123456789014,Ann,Lee,,01/01/2999,3", "date of birth '01/01/2999' is in the future"),
        ("A12345,Ann,Lee,,01/01/2016,3", "upn 'A12345' is not a UPN"),
        ("A123456789014,,Lee,,01/01/2016,3", "legal forename is missing"),
        ("A123456789014,Ann,Lee,,01/01/2016,Year 15", "year group 'Year 15' is not a year group"),
        ("A123456789014,Ann,Lee,,01/01/2016,3,extra", "has more values than the file has columns"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_number_and_why(db, row, reason):
    report = run("students", STUDENTS + row + "\n")
    rejected = report.rows[-1]
    assert rejected.line == 4 and rejected.outcome == "rejected"
    assert reason in str(rejected) and str(rejected).startswith("line 4: rejected")
    assert Student.objects.count() == 2  # the good rows still went in
    assert not Student.objects.filter(upn="A123456789014").exists()


def test_the_same_upn_twice_in_a_file_is_rejected_the_second_time(db):
    report = run("students", STUDENTS + "A123456789012,Maya,Quinn,,01/02/2018,3\n")
    assert str(report.rows[-1]) == "line 4: rejected A123456789012 — also on line 2"


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(db):
    text = (
        "UPN,Legal forename,Legal surname,Preferred forename,Date of birth,Year group\n"
        '\nA123456789012,"Maya\nRose",Quinn,,01/02/2018,3\n'
        "A123456789013,Leo,Hughes,,31/02/2015,4\n"
    )
    report = run("students", text)
    # A line break has no place in a name (it breaks every email naming the child): the row is
    # rejected, and the next row's line number still counts it.
    assert outcomes(report) == [(3, "rejected"), (5, "rejected")]
    assert "a line break" in str(report.rows[0])


def test_headers_other_mis_products_use_are_understood(db):
    text = (
        "\ufeffForename,Surname,DOB,Year,UPN,Gender\nAnn,Lee,2016-01-05,R,A123456789014,F\n"
    ).encode()
    report = run("students", text)
    assert report.rows[0].outcome == "created" and report.ignored_columns == ["Gender"]
    assert Student.objects.get(upn="A123456789014").year_group == 0


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty."),
        (b"   \n", "The file is empty."),
        (
            b"UPN,Legal forename,Legal surname,Date of birth,Year group\n",
            "has no rows to import",
        ),
        (b"UPN,Name\nA123456789012,Maya\n", "Missing column(s): Legal forename, Legal surname"),
        (
            "UPN,Legal forename,Legal surname,Date of birth,Year group\n"
            "A123456789012,Zoë,Quinn,01/02/2018,3\n".encode("latin-1"),
            "not UTF-8",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00binary spreadsheet", "not a CSV file"),
        (
            b'UPN,Legal forename,Legal surname,Date of birth,Year group\n"A1"23,x,y,z,1\n',
            "not valid CSV",
        ),
        (b"UPN,UPN,Legal forename,Legal surname,Date of birth,Year group\n", "appears twice"),
    ],
)
def test_a_bad_file_changes_nothing_and_says_what_is_wrong(db, data, problem):
    before = change_entries().count()
    with pytest.raises(BadFile) as error:
        run("students", data)
    assert problem in str(error.value)
    assert not Student.objects.exists() and change_entries().count() == before


def test_a_dry_run_reports_everything_and_saves_nothing(db):
    report = run("students", STUDENTS + "A1,x,y,,1/1/2016,3\n", dry_run=True)
    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "rejected")]
    assert report.summary.startswith("Dry run: nothing was saved")
    assert not Student.objects.exists() and not change_entries().exists()


def test_all_or_nothing_imports_nothing_when_a_row_is_rejected(db):
    report = run("students", STUDENTS + "A1,x,y,,1/1/2016,3\n", all_or_nothing=True)
    assert not report.applied and "Nothing was imported" in report.summary
    assert not Student.objects.exists() and not change_entries().exists()


def test_all_or_nothing_imports_everything_when_every_row_is_good(db):
    report = run("students", STUDENTS, all_or_nothing=True)
    assert report.applied and Student.objects.count() == 2


# --- staff -----------------------------------------------------------------------------------

STAFF = (
    "Username,First name,Last name,Email,Role,Job title\n"
    "jsmith,Jo,Smith,jo.smith@school.test,Teacher,Class teacher 2 Birch\n"
    "kpatel,Kiran,Patel,kiran@school.test,TA; volunteer,\n"
)


def test_staff_accounts_are_created_with_their_roles_and_no_password(db):
    report = run("staff", STAFF)
    assert [r.outcome for r in report.rows] == ["created", "created"]
    jo = get_user_model().objects.get(username="jsmith")
    assert jo.roles == {Role.TEACHER} and jo.job_title == "Class teacher 2 Birch"
    assert not jo.has_usable_password()
    assert get_user_model().objects.get(username="kpatel").roles == {
        Role.TEACHING_ASSISTANT,
        Role.VOLUNTEER,
    }
    assert LogEntry.objects.get_for_object(jo).filter(action=LogEntry.Action.CREATE).exists()


def test_reimporting_staff_changes_nothing_and_a_new_role_is_an_update(db):
    run("staff", STAFF)
    assert {r.outcome for r in run("staff", STAFF).rows} == {"unchanged"}
    report = run("staff", STAFF.replace("TA; volunteer", "Teaching assistant"))
    assert report.rows[1].outcome == "updated"
    assert "removed role Volunteer / student teacher" in report.rows[1].messages[0]
    assert get_user_model().objects.get(username="kpatel").roles == {Role.TEACHING_ASSISTANT}


def test_the_import_never_appoints_the_dsl_nor_removes_them(db, dsl):
    report = run("staff", STAFF + "newlead,New,Lead,lead@school.test,DSL,\n")
    assert "appointed in the application" in str(report.rows[-1])
    # The current DSL listed as DSL and teacher keeps the DSL role.
    run(
        "staff",
        "Username,First name,Last name,Email,Role\ndsl,Dsl,Tester,dsl@school.test,dsl;teacher\n",
    )
    # The DSL is an appointed person: the import changes none of their roles, and says so.
    dsl.refresh_roles()
    assert dsl.roles == {Role.DSL}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("x,X,Y,x@school.test,Parent,", "'parent' is not a staff role"),
        ("x,X,Y,x@school.test,Wizard,", "role 'Wizard' is not a role"),
        ("x,X,Y,not-an-email,Teacher,", "email 'not-an-email' is not an email address"),
        ("bad name!,X,Y,x@school.test,Teacher,", "username may contain only"),
        ("x,X,Y,jo.smith@school.test,Teacher,", "belongs to another account"),
    ],
)
def test_bad_staff_rows_are_rejected(db, row, reason):
    report = run("staff", STAFF + row + "\n")
    assert report.rows[-1].outcome == "rejected" and reason in str(report.rows[-1])
    assert report.rows[-1].line == 4


# --- classes ---------------------------------------------------------------------------------


@pytest.fixture
def school(db):
    run("students", STUDENTS)
    run("staff", STAFF)


CLASSES = (
    "Class,Year group,Teachers,Pupil UPNs\n"
    '3 Oak,3,jsmith;kiran@school.test,"A123456789012;A123456789013"\n'
)


def test_a_class_is_created_and_its_teachers_get_access(school):
    report = run("classes", CLASSES)
    assert report.rows[0].outcome == "created"
    oak = TeachingGroup.objects.get(name="3 Oak")
    assert oak.students.count() == 2 and oak.staff.count() == 2
    jo = get_user_model().objects.get(username="jsmith")
    maya = Student.objects.get(upn="A123456789012")
    assert access.has_permission(jo, "records.view_student", maya)


def test_reimporting_a_class_changes_nothing(school):
    run("classes", CLASSES)
    before = change_entries().count()
    assert run("classes", CLASSES).rows[0].outcome == "unchanged"
    assert change_entries().count() == before


def test_a_pupil_left_out_of_the_class_leaves_it_and_the_teacher_loses_access(school):
    run("classes", CLASSES)
    report = run("classes", CLASSES.replace(";A123456789013", ""))
    assert report.rows[0].messages == ["changed pupils: 0 joined, 1 left"]
    jo = get_user_model().objects.get(username="jsmith")
    assert not access.has_permission(
        jo, "records.view_student", Student.objects.get(upn="A123456789013")
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("4 Elm,4,jsmith,A999999999999", "no student with UPN A999999999999"),
        (
            "4 Elm,4,nobody,A123456789012",
            "no member of staff or volunteer with username or email nobody",
        ),
        ("4 Elm,Y20,jsmith,A123456789012", "year group 'Y20' is not a year group"),
    ],
)
def test_a_class_naming_someone_unknown_is_rejected_whole(school, row, reason):
    report = run("classes", CLASSES + row + "\n")
    assert str(report.rows[-1]).startswith("line 3: rejected") and reason in str(report.rows[-1])
    assert not TeachingGroup.objects.filter(name="4 Elm").exists()


def test_a_parent_cannot_be_made_a_classs_teacher(school, parent):
    report = run("classes", CLASSES + f"4 Elm,4,{parent.username},A123456789012\n")
    assert report.rows[-1].outcome == "rejected"


# --- contacts --------------------------------------------------------------------------------

CONTACTS = (
    "Pupil UPN,Contact forename,Contact surname,Email,Telephone,Relationship,"
    "Parental responsibility,Contact priority\n"
    "A123456789012,Priya,Quinn,priya@home.test,07700 900001,Mother,Yes,1\n"
    "A123456789013,Priya,Quinn,priya@home.test,07700 900001,Mum,Y,2\n"
    "A123456789012,Sam,Quinn,sam@home.test,,Grandfather,No,3\n"
)


def test_contacts_become_parent_accounts_linked_to_their_children(school):
    report = run("contacts", CONTACTS)
    # Priya's second child links the account her first row made: never reported as "created".
    assert [r.outcome for r in report.rows] == ["created", "updated", "created"]
    assert "linked the existing account" in str(report.rows[1])
    priya = get_user_model().objects.get(email="priya@home.test")
    assert priya.roles == {Role.PARENT} and not priya.has_usable_password()
    assert ParentLink.objects.filter(parent=priya).count() == 2
    sam_link = ParentLink.objects.get(parent__email="sam@home.test")
    assert sam_link.relationship == "grandparent" and not sam_link.parental_responsibility
    assert sam_link.contact_priority == 3
    assert LogEntry.objects.get_for_object(sam_link).exists()


def test_reimporting_contacts_changes_nothing_and_changes_are_updates(school):
    run("contacts", CONTACTS)
    before = change_entries().count()
    assert {r.outcome for r in run("contacts", CONTACTS).rows} == {"unchanged"}
    assert change_entries().count() == before
    report = run("contacts", CONTACTS.replace("Grandfather,No,3", "Grandfather,Yes,2"))
    assert report.rows[-1].outcome == "updated"
    assert report.rows[-1].messages == ["changed parental responsibility, contact priority"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A999999999999,A,B,a@home.test,,Mother,Yes,1", "no student with UPN A999999999999"),
        ("A123456789012,A,B,a@home.test,,Uncle Bob,Yes,1", "'Uncle Bob' is not a relationship"),
        ("A123456789012,A,B,a@home.test,,Mother,Perhaps,1", "'Perhaps' should be Yes or No"),
        ("A123456789012,A,B,a@home.test,,Mother,Yes,first", "should be a whole number"),
        ("A123456789012,A,B,jo.smith@school.test,,Mother,Yes,1", "not a parent's"),
    ],
)
def test_bad_contact_rows_are_rejected(school, row, reason):
    report = run("contacts", CONTACTS + row + "\n")
    assert report.rows[-1].line == 5 and reason in str(report.rows[-1])
    assert not get_user_model().objects.filter(email="a@home.test").exists()


# --- in the browser --------------------------------------------------------------------------


def upload(client, kind, text, **options):
    data = {"file": SimpleUploadedFile(f"{kind}.csv", text.encode(), "text/csv")}
    data.update({k: "on" for k, v in options.items() if v})
    return client.post(f"/records/import/{kind}/", data)


def test_anonymous_is_sent_to_sign_in(client):
    for path in ["/records/import/", "/records/import/students/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["teacher", "ta", "parent", "governor", "nurse"])
def test_people_who_may_not_import_get_404(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get("/records/import/").status_code == 404
    assert upload(client, "students", STUDENTS).status_code == 404
    assert not Student.objects.exists()


@pytest.mark.parametrize("persona", ["office", "head", "dsl", "deputy"])
def test_the_office_head_and_safeguarding_team_may_import(client, request, persona):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.get("/records/import/").status_code == 200
    assert client.get("/records/import/staff/").status_code == 200


def test_the_safeguarding_team_confirms_the_second_factor_first(client, dsl):
    sign_in(client, dsl)
    response = client.get("/records/import/")
    assert response.status_code == 302 and "two-factor/verify" in response["Location"]


def test_an_unknown_kind_is_404(client, office):
    sign_in(client, office)
    assert client.get("/records/import/pets/").status_code == 404


def test_the_form_starts_as_a_dry_run(client, office):
    sign_in(client, office)
    assert client.get("/records/import/students/").context["form"]["dry_run"].value() is True


def test_a_browser_dry_run_shows_the_report_and_saves_nothing(client, office):
    sign_in(client, office)
    response = upload(client, "students", STUDENTS + "A1,x,y,,1/1/2016,3\n", dry_run=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dry run: nothing was saved" in page and "is not a UPN" in page
    assert not Student.objects.exists()


def test_a_browser_import_saves_and_the_audit_names_who(client, office):
    sign_in(client, office)
    response = upload(client, "students", STUDENTS)
    assert response.context["report"].applied
    maya = Student.objects.get(upn="A123456789012")
    assert LogEntry.objects.get_for_object(maya).get(action=LogEntry.Action.CREATE).actor == office


def test_a_bad_upload_says_what_is_wrong_and_keeps_the_choices(client, office):
    sign_in(client, office)
    response = upload(client, "students", "", all_or_nothing=True)
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert response.context["form"]["all_or_nothing"].value() is True
    assert not Student.objects.exists()


def test_all_or_nothing_in_the_browser(client, office):
    sign_in(client, office)
    response = upload(client, "students", STUDENTS + "A1,x,y,,1/1/2016,3\n", all_or_nothing=True)
    assert "Nothing was imported" in response.content.decode()
    assert not Student.objects.exists()


# --- on the command line ---------------------------------------------------------------------


def test_the_command_prints_a_report_line_per_row(db, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(STUDENTS + "A1,x,y,,31/02/2015,3\n")
    out = StringIO()
    call_command("import_mis", "students", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "line 2: created A123456789012" in text
    assert "line 4: rejected" in text and "'31/02/2015' is not a real date" in text
    assert "Dry run" in text and not Student.objects.exists()


def test_the_command_refuses_a_bad_file(db, tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="nothing was imported. The file is empty"):
        call_command("import_mis", "students", str(path))


def test_the_command_all_or_nothing_fails_loudly(db, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(STUDENTS + "A1,x,y,,1/1/2016,3\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_mis", "students", str(path), "--all-or-nothing", stdout=StringIO())
    assert not Student.objects.exists()


def test_the_command_names_the_importer_in_the_audit_trail(db, tmp_path, office):
    path = tmp_path / "students.csv"
    path.write_text(STUDENTS)
    call_command("import_mis", "students", str(path), "--by", "office", stdout=StringIO())
    maya = Student.objects.get(upn="A123456789012")
    assert LogEntry.objects.get_for_object(maya).get(action=LogEntry.Action.CREATE).actor == office
