"""An MIS import can never take over an account, and the access an import gives is reported.

Replays the findings of two security reviews of the staff import: the head changing the chair of
governors' email to take over the chair's account (C1), the office moving the nurse's and a
governor's email to addresses it controls (H1), the head named in an allegation removing the
chair, names with line breaks, look-alike usernames, and a parent's account made staff.
"""

import uuid
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from confidentiality import roles
from confidentiality.identity import lookalike_of, skeleton, unsafe_characters
from confidentiality.roles import Role
from records.importing import IMPORTERS, BadFile
from records.importing import accounts as import_accounts
from records.importing.access_report import HOW
from tests.conftest import sign_in

HEADER = "Username,First name,Last name,Email,Role,Job title\n"


def staff_file(*rows) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def import_staff(by, *rows, dry_run=False):
    return IMPORTERS["staff"].run(staff_file(*rows), filename="staff.csv", dry_run=dry_run, by=by)


def only_row(report):
    (row,) = report.rows
    return row


@pytest.fixture
def chair(make_user):
    """Gail Foster, chair of governors, who signs in with a password and handles concerns about
    the head teacher."""
    chair = make_user("governor", Role.GOVERNOR, job_title="Chair of governors")
    chair.first_name, chair.last_name = "Gail", "Foster"
    chair.email = "governor@school.invalid"
    chair.save()
    chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return chair


def grants():
    return LogEntry.objects.filter(additional_data__how=HOW)


# --- C1: the head takes over the chair of governors' account -------------------------------------


def test_c1_the_head_cannot_move_the_chairs_email_and_the_reset_reaches_nobody(client, head, chair):
    report = import_staff(
        head,
        "governor,Gail,Foster,helen.home@attacker.invalid,governor,Chair of governors",
    )
    row = only_row(report)
    assert row.outcome == "needs a person"
    assert "email differs from the MIS" in str(row)
    chair.refresh_from_db()
    assert chair.email == "governor@school.invalid"
    # The next step of the chain: a password reset to the attacker's address sends nothing.
    mail.outbox.clear()
    response = client.post("/accounts/password-reset/", {"email": "helen.home@attacker.invalid"})
    assert response.status_code == 302
    assert mail.outbox == []


# --- H1: the office moves emails of accounts in use, or mints an account for itself --------------


def test_h1_the_office_cannot_change_the_nurses_or_a_governors_email(db, office, nurse, chair):
    report = import_staff(
        office,
        "nurse,Nurse,Tester,office.home@attacker.invalid,health_professional,",
        "governor,Gail,Foster,office.home2@attacker.invalid,governor,",
    )
    assert [r.outcome for r in report.rows] == ["needs a person", "needs a person"]
    nurse.refresh_from_db()
    chair.refresh_from_db()
    assert nurse.email == "nurse@school.test"
    assert chair.email == "governor@school.invalid"


def test_h1_the_office_cannot_create_an_account_with_its_own_email(db, office):
    report = import_staff(office, "nurse2,Nurse,Two,OFFICE@school.test,health_professional,")
    assert only_row(report).outcome == "rejected"
    assert "your own email address" in str(report.rows[0])
    assert not get_user_model().objects.filter(username="nurse2").exists()


def test_the_office_may_not_give_governance_roles_but_the_head_may(db, office, head):
    refused = import_staff(office, "gov2,Gwen,Two,gwen@school.test,governor,")
    assert only_row(refused).outcome == "rejected" and "cannot give" in str(refused.rows[0])
    given = import_staff(head, "gov2,Gwen,Two,gwen@school.test,governor,")
    assert only_row(given).outcome == "created"


def test_an_account_in_use_keeps_its_roles_and_the_difference_is_reported(db, head, teacher):
    report = import_staff(head, "teacher,Teacher,Tester,teacher@school.test,office_staff,")
    row = only_row(report)
    assert row.outcome == "needs a person" and "roles differ from the MIS" in str(row)
    teacher.refresh_roles()
    assert teacher.roles == {Role.TEACHER}


def test_an_account_never_used_follows_the_mis_and_the_change_is_reported(db, head, dsl):
    import_staff(head, "newbie,New,Bie,newbie@school.test,teacher,")
    report = import_staff(head, "newbie,New,Bie,newbie@home.test,teacher;office_staff,")
    assert only_row(report).outcome == "updated"
    newbie = get_user_model().objects.get(username="newbie")
    assert newbie.email == "newbie@home.test"
    assert newbie.roles == {Role.TEACHER, Role.OFFICE_STAFF}
    reasons = [e.additional_data["reason"] for e in grants().filter(object_pk=str(newbie.pk))]
    assert any("sign-in address of newbie" in r for r in reasons)
    assert any("given the role(s) Office staff" in r for r in reasons)


def test_a_signed_in_account_without_a_password_is_still_in_use(db, head, make_user):
    person = make_user("signedin", Role.TEACHER)
    person.set_unusable_password()
    person.last_login = timezone.now()
    person.save()
    report = import_staff(head, "signedin,Signedin,Tester,moved@attacker.invalid,teacher,")
    assert only_row(report).outcome == "needs a person"
    person.refresh_from_db()
    assert person.email == "signedin@school.test"


# --- Review 1: appointed roles, and the head named in an allegation ------------------------------


def allegation_about(person, author):
    from safeguarding import adults

    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": "allegation",
            "category": "other",
            "urgency": "routine",
            "account": "Seen shouting at a pupil in the corridor.",
            "happened_at": timezone.now(),
            "location": "Corridor",
        },
    )
    return concern


def test_the_head_named_in_an_open_allegation_cannot_import(db, head, teacher, dsl, chair):
    allegation_about(head, teacher)
    with pytest.raises(BadFile):
        import_staff(head, "governor,Gail,Foster,governor@school.invalid,governor,Governor")
    chair.refresh_roles()
    assert Role.CHAIR_OF_GOVERNORS in chair.roles


def test_the_head_named_in_an_allegation_is_refused_in_the_browser(client, head, teacher, dsl):
    allegation_about(head, teacher)
    sign_in(client, head, verified=True)
    response = client.post(
        "/records/import/staff/",
        {"file": _upload(staff_file("newbie,New,Bie,newbie@school.test,teacher,")), "dry_run": ""},
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_the_head_named_in_an_allegation_is_refused_on_the_command_line(
    db, tmp_path, head, teacher, dsl
):
    allegation_about(head, teacher)
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_file("newbie,New,Bie,newbie@school.test,teacher,"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_mis", "staff", str(path), "--by", "head", stdout=StringIO())
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_a_head_named_in_no_concern_imports(db, head, teacher):
    report = import_staff(head, "newbie,New,Bie,newbie@school.test,teacher,")
    assert only_row(report).outcome == "created"


def test_the_command_refuses_someone_who_may_not_import(db, tmp_path, teacher):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_file("newbie,New,Bie,newbie@school.test,teacher,"))
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_mis", "staff", str(path), "--by", "teacher", stdout=StringIO())


def test_a_job_title_never_takes_the_chair_away(db, head, chair):
    import_staff(head, "governor,Gail,Foster,governor@school.invalid,governor,Governor")
    chair.refresh_roles()
    assert Role.CHAIR_OF_GOVERNORS in chair.roles


@pytest.mark.parametrize("role", sorted(r.value for r in roles.APPOINTED_ROLES))
def test_no_appointed_role_is_ever_given_by_import(db, head, role):
    report = import_staff(head, f"newbie,New,Bie,newbie@school.test,teacher;{role},")
    assert only_row(report).outcome == "rejected"
    assert "appointed in the application" in str(report.rows[0])


@pytest.mark.parametrize("role", sorted(r.value for r in roles.APPOINTED_ROLES))
def test_no_appointed_role_is_ever_taken_by_import(db, head, make_user, role):
    person = make_user("appointed", Role.TEACHER)
    if role == Role.DSL:
        roles.appoint_dsl(person)
    else:
        person.groups.add(roles.group_for(Role(role)))
    import_staff(head, "appointed,Appointed,Tester,appointed@school.test,teacher,")
    person.refresh_roles()
    assert Role(role) in person.roles


# --- Review 7: control characters in names -------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "named"),
    [
        ('"Amy\r\nBcc: all@school.test"', "a line break"),
        ("Amy\u200bLewis", "ZERO WIDTH SPACE"),
        ("Amy\u202eLewis", "RIGHT-TO-LEFT OVERRIDE"),
        ("Amy\x07", "U+0007"),
    ],
)
def test_a_name_with_control_characters_is_rejected(db, head, first_name, named):
    report = import_staff(head, f"newbie,{first_name},Bie,newbie@school.test,teacher,")
    row = only_row(report)
    assert row.outcome == "rejected" and named in str(row)
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_a_job_title_with_a_line_break_is_rejected(db, head):
    report = import_staff(head, 'newbie,New,Bie,newbie@school.test,teacher,"Teacher\nand more"')
    assert only_row(report).outcome == "rejected" and "job title" in str(report.rows[0])


def test_names_from_every_alphabet_are_welcome(db, head):
    report = import_staff(head, "zoe,Zoë,Ó Briain-Šimić,zoe@school.test,teacher,")
    assert only_row(report).outcome == "created"
    assert unsafe_characters("Дмитрий Ñúñez") == []


# --- Review 9: look-alike usernames and emails ---------------------------------------------------


def test_a_lookalike_username_is_rejected(db, head, ta):
    report = import_staff(head, "t\u0430,Ta,Tester,someone@school.test,teaching_assistant,")
    assert only_row(report).outcome == "rejected" and "looks like" in str(report.rows[0]).lower()
    assert get_user_model().objects.count() == 2


def test_a_username_differing_only_in_capitals_is_rejected(db, head, ta):
    report = import_staff(head, "TA,Ta,Tester,someone@school.test,teaching_assistant,")
    assert only_row(report).outcome == "rejected" and "capital letters" in str(report.rows[0])


def test_a_lookalike_email_is_rejected(db, head, ta):
    # A Cyrillic "о" in the domain: the address would pass for the school's.
    report = import_staff(head, "amy,Amy,Lewis,ta@sch\u043e\u043el.test,teaching_assistant,")
    assert only_row(report).outcome == "rejected"


def test_an_email_imitating_the_schools_own_address_is_rejected(db, head, settings):
    settings.DEFAULT_FROM_EMAIL = "safeguarding@school.test"
    assert lookalike_of(email="safeguarding@sch\u043eol.test") == "safeguarding@school.test"
    report = import_staff(head, "amy,Amy,Lewis,safeguarding@sch\u043eol.test,teacher,")
    assert only_row(report).outcome == "rejected"


def test_a_clearly_different_username_is_accepted(db, head, ta):
    report = import_staff(head, "tb,Tb,Tester,tb@school.test,teaching_assistant,")
    assert only_row(report).outcome == "created"


def test_the_lookalike_check_is_one_reusable_helper(db, ta):
    assert skeleton("t\u0430") == skeleton("TA")
    assert lookalike_of(username="t\u0430") == "ta"
    assert lookalike_of(username="ta") is None  # the same, not a look-alike
    assert lookalike_of(username="t\u0430", exclude_pk=ta.pk) is None
    assert lookalike_of(email="ta@sch\u043e\u043el.test") == "ta@school.test"


# --- Review 10 and the importer's own circle -----------------------------------------------------


def test_a_parents_account_is_never_made_staff(db, head, parent):
    report = import_staff(head, "parent,Parent,Tester,parent@school.test,teacher,")
    assert only_row(report).outcome == "rejected" and "parent" in str(report.rows[0])
    parent.refresh_roles()
    assert parent.roles == {Role.PARENT}


def test_the_importer_cannot_import_their_own_account(db, office):
    report = import_staff(office, "office,Office,Tester,office@school.test,office_staff;teacher,")
    assert only_row(report).outcome == "rejected" and "your own account" in str(report.rows[0])


def test_the_importer_cannot_import_someone_with_their_name(db, office):
    report = import_staff(office, "office2,Office,Tester,office2@school.test,teacher,")
    assert only_row(report).outcome == "rejected" and "your name" in str(report.rows[0])


def test_the_importer_imports_a_colleague(db, office):
    # The office gives only the office's own role (the head, DSL or deputies give the rest).
    report = import_staff(office, "newbie,New,Bie,newbie@school.test,office,")
    assert only_row(report).outcome == "created"


# --- One email, one account: a duplicate is a rejected row, never a server error -----------------


def test_a_duplicate_email_in_other_capitals_is_a_rejected_row(client, office, teacher):
    sign_in(client, office)
    response = client.post(
        "/records/import/staff/",
        {"file": _upload(staff_file("newbie,New,Bie,TEACHER@School.Test,teacher,")), "dry_run": ""},
    )
    assert response.status_code == 200
    assert "belongs to another account" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_the_database_rule_catches_what_the_row_checks_missed(db, head, teacher, monkeypatch):
    # As if another import had taken the address between the check and the save.
    monkeypatch.setattr("records.importing.staff.find_by_email", lambda email: [])
    monkeypatch.setattr("records.importing.staff.lookalike_of", lambda **kw: None)
    report = import_staff(head, "newbie,New,Bie,Teacher@school.test,teacher,")
    row = only_row(report)
    assert row.outcome == "rejected" and "belongs to one account" in str(row)
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert import_accounts.find_by_email("teacher@school.test") == [teacher]


# --- Imports that give access are audited and reported to the DSL and the head -------------------


def test_an_applied_import_audits_each_grant_and_emails_the_dsl_and_head(
    db, office, dsl, head, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_staff(
            office,
            "newbie,New,Bie,newbie@school.test,office,",
            "clerk2,Nina,Two,nina@school.test,office,",
        )
    assert len(report.grants) == 2
    entries = list(grants())
    assert len(entries) == 2 and all(e.actor == office for e in entries)
    assert {m.to[0] for m in mail.outbox} == {"dsl@school.test", "head@school.test"}
    assert all(len(m.to) == 1 for m in mail.outbox)
    for message in mail.outbox:
        assert "2 times" in message.body and "Office Tester" in message.body
        assert "newbie" not in message.body and "Nina" not in message.body


def test_a_dry_run_gives_nothing_and_tells_nobody(
    db, office, dsl, head, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_staff(office, "newbie,New,Bie,newbie@school.test,office,", dry_run=True)
    assert report.grants  # shown as what it would have given
    assert not grants().exists() and mail.outbox == []


def test_the_panel_shows_recent_grants_to_the_dsl_and_head_only(client, office, dsl, head, teacher):
    import_staff(office, "newbie,New,Bie,newbie@school.test,office,")
    for person in (dsl, head):
        sign_in(client, person, verified=True)
        text = client.get("/").content.decode()
        assert "Access given by imports" in text and "new account newbie" in text
    for person in (office, teacher):
        sign_in(client, person, verified=True)
        assert "Access given by imports" not in client.get("/").content.decode()


def test_the_report_page_lists_what_the_import_gave(client, office):
    sign_in(client, office)
    response = client.post(
        "/records/import/staff/",
        {"file": _upload(staff_file("newbie,New,Bie,newbie@school.test,office,")), "dry_run": ""},
    )
    text = response.content.decode()
    assert "Access this import gave" in text and "new account newbie" in text


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("staff.csv", data, content_type="text/csv")


# --- attack: the office gave itself a teacher account through a +tag of its own address -------


@pytest.mark.parametrize(
    "email", ["Office+Supply@School.Test", "office+n2@school.test", "0ffice@school.test"]
)
def test_a_tag_or_lookalike_of_the_importers_address_is_their_own(db, office, email):
    """The finding: ``Office+Supply@…`` reaches the office's mailbox (a password reset too)."""
    report = import_staff(office, f"supply9,Sam,Supply,{email},office,Supply teacher")
    row = only_row(report)
    assert row.outcome == "rejected" and "your own email address" in str(row), str(row)
    assert not get_user_model().objects.filter(username="supply9").exists()


def test_a_tag_of_a_colleagues_address_is_refused_whoever_imports_it(db, head, office):
    report = import_staff(head, "supply9,Sam,Supply,Office+Supply@School.Test,teacher,")
    row = only_row(report)
    assert row.outcome == "rejected" and "looks like" in str(row), str(row)
    assert "office@school.test" in str(row)


@pytest.mark.parametrize("role", ["teacher", "ta", "health_professional", "volunteer", "governor"])
def test_the_office_cannot_give_a_role_that_it_cannot_give_by_hand(db, office, role):
    """An import does only what the importer could do by hand: the office gives no role that
    opens children's records (nor the governing body's)."""
    report = import_staff(office, f"supply9,Sam,Supply,sam@supply.example,{role},")
    row = only_row(report)
    assert row.outcome == "rejected" and "cannot give" in str(row), str(row)
    assert not get_user_model().objects.filter(username="supply9").exists()


def test_the_office_cannot_turn_a_colleague_into_a_teacher(db, office, make_user):
    clerk = make_user("clerk9", Role.OFFICE_STAFF)
    clerk.set_unusable_password()
    clerk.save()
    report = import_staff(office, "clerk9,Clerk9,Tester,clerk9@school.test,office;teacher,")
    assert only_row(report).outcome == "rejected"
    clerk.refresh_roles()
    assert clerk.roles == {Role.OFFICE_STAFF}


def test_the_office_may_give_the_office_role(db, office):
    report = import_staff(office, "clerk9,Cleo,Clark,cleo@school.test,office,")
    assert only_row(report).outcome == "created"


@pytest.mark.parametrize("persona", ["head", "dsl", "deputy"])
def test_the_head_dsl_and_deputies_may_give_a_teacher_account(db, request, persona):
    importer = request.getfixturevalue(persona)
    report = import_staff(importer, "supply9,Sam,Supply,sam@supply.example,teacher,")
    assert only_row(report).outcome == "created", str(only_row(report))


# --- reviewer: identity._ASCII_FOLD did nothing for plain ASCII usernames ---------------------


@pytest.mark.parametrize(("username", "imitated"), [("dsI", "dsl"), ("0ffice", "office")])
def test_an_ascii_username_that_folds_to_another_is_a_lookalike(
    db, head, dsl, office, username, imitated
):
    assert lookalike_of(username=username) == imitated
    report = import_staff(head, f"{username},Dee,Ess,dee@elsewhere.example,office,")
    row = only_row(report)
    assert row.outcome == "rejected" and "looks like" in str(row), str(row)


def test_ordinary_distinct_usernames_are_still_accepted(db, head, teacher):
    assert lookalike_of(username="teacher2") is None
    report = import_staff(head, "teacher2,Tia,Two,tia@school.test,teacher,")
    assert only_row(report).outcome == "created"


# --- reviewer: the staff import wrote old and new addresses into the audit log -----------------


def test_the_audit_log_names_the_fields_an_import_changed_never_their_values(db, head):
    import_staff(head, "newbie,Nadia,Bie,nadia.bie@school.test,office,")
    import_staff(head, "newbie,Nadia,Bie-Jones,nadia.jones@school.test,office,")
    entries = LogEntry.objects.filter(additional_data__how="mis-import")
    assert entries.count() >= 2
    changed = [e for e in entries if e.action == LogEntry.Action.UPDATE]
    assert any({"email", "last_name"} <= set(e.changes_dict) for e in changed)
    for entry in entries:
        text = str(entry.changes) + str(entry.changes_text)
        assert "nadia" not in text.lower() and "Bie" not in text


# --- low: the report email described every grant as a link or a class ---------------------------


def test_the_report_email_covers_new_accounts_and_roles_without_content(
    db, head, dsl, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_staff(head, "gov9,Gwen,Ova,gwen@governors.example,governor,")
    assert mail.outbox
    for message in mail.outbox:
        assert "new accounts" in message.body and "roles given" in message.body
        assert "parents linked to children, or staff placed" not in message.body
        assert "Gwen" not in message.body and "gov9" not in message.body
