"""H2: the admin is not a back door.

The IT technician (a superuser with a verified second factor, as the admin demands) manages
accounts and nothing else: no roles, no permissions, no superuser status, no second-factor
secrets, no sessions, no audit entries, no queued tasks. The accounts of the people who handle
allegations (appointed roles) cannot have their email or password changed, nor be deleted, from
there. Every change of a role, by any route, is a sealed entry in the audit trail that the DSL
and the head teacher read."""

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from confidentiality import roles
from confidentiality.audit.chain import verify_chain
from confidentiality.models import AuditSeal
from confidentiality.roles import Role
from tests.conftest import sign_in

NEVER_IN_THE_ADMIN = [
    "auth.Group",
    "auth.Permission",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "otp_static.StaticToken",
    "auditlog.LogEntry",
    "sessions.Session",
    "django_tasks_database.DBTaskResult",
    "confidentiality.AuditSeal",
]
# P18: performance files are the head teacher's and the member of staff's, never the technician's.
NEVER_IN_THE_ADMIN += [
    f"performance.{name}"
    for name in (
        "ReviewCycle",
        "PerformanceFile",
        "Objective",
        "ProgressNote",
        "ReviewMeeting",
        "Delegation",
        "Observation",
        "ObservationSheet",
    )
]
# Field names that carry a secret or change who may read what.
FORBIDDEN_FIELDS = {
    "groups",
    "user_permissions",
    "is_superuser",
    "key",
    "bin_key",
    "token",
    "session_data",
    "permissions",
}


@pytest.fixture
def itadmin(make_user):
    return make_user("itadmin", is_superuser=True, is_staff=True)


def role_changes(person=None):
    entries = LogEntry.objects.filter(additional_data__how="role-change")
    if person is not None:
        entries = entries.filter(object_pk=str(person.pk))
    return entries.order_by("pk")


def test_none_of_the_back_doors_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    for label in NEVER_IN_THE_ADMIN:
        assert label not in registered, label


def test_no_guardian_object_permission_is_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    guardian = {model._meta.label for model in apps.get_app_config("guardian").get_models()}
    assert not registered & guardian
    # Nor the direct object-permission tables of our apps (ConcernUserObjectPermission, ...).
    assert not [label for label in registered if "ObjectPermission" in label]


def test_no_admin_change_form_shows_a_secret_or_a_role(itadmin):
    request = RequestFactory().get("/admin/")
    request.user = itadmin
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request, None)
        fields = set(form.base_fields) | set(model_admin.get_readonly_fields(request, None))
        assert not fields & FORBIDDEN_FIELDS, (model._meta.label, fields & FORBIDDEN_FIELDS)
        for name in model_admin.get_list_display(request):
            assert name not in FORBIDDEN_FIELDS, (model._meta.label, name)


def test_the_user_admin_has_no_bulk_actions(itadmin):
    request = RequestFactory().get("/admin/")
    request.user = itadmin
    model_admin = admin.site._registry[apps.get_model("confidentiality.User")]
    assert model_admin.get_actions(request) == {}


def test_the_superuser_cannot_make_themselves_deputy_in_the_admin(client, itadmin, dsl):
    """The reviewer's route: the change form of one's own account, with 'Deputy DSL' ticked."""
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{itadmin.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "groups" not in form.fields and "is_superuser" not in form.fields
    data = {
        "username": itadmin.username,
        "first_name": "It",
        "last_name": "Admin",
        "email": itadmin.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [roles.group_for(Role.DEPUTY_DSL).pk],
        "is_superuser": "",
    }
    client.post(url, data)
    itadmin.refresh_from_db()
    assert not itadmin.groups.exists()
    assert itadmin.is_superuser  # an ignored field, not a silent demotion either
    assert itadmin not in roles.deputies()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/group/",
        "/admin/otp_totp/totpdevice/",
        "/admin/otp_static/staticdevice/",
        "/admin/auditlog/logentry/",
        "/admin/django_tasks_database/dbtaskresult/",
    ],
)
def test_the_pages_are_gone(client, itadmin, url):
    sign_in(client, itadmin, verified=True)
    assert client.get(url).status_code == 404


def test_the_admin_index_still_works_for_the_technician(client, itadmin):
    sign_in(client, itadmin, verified=True)
    page = client.get("/admin/").content.decode()
    assert "/admin/confidentiality/user/" in page
    assert "/admin/auth/group/" not in page and "otp_totp" not in page


@pytest.fixture
def unused(make_user):
    """An account nobody has signed in with yet (as an import makes one): no password."""
    person = make_user("unused", Role.TEACHER)
    person.set_unusable_password()
    person.save()
    return person


def test_an_admin_save_is_audited_with_field_names_only(client, itadmin, unused):
    teacher = unused
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{teacher.pk}/change/"
    client.post(
        url,
        {
            "username": teacher.username,
            "first_name": teacher.first_name,
            "last_name": teacher.last_name,
            "email": "new.address@school.test",
            "is_active": "on",
        },
    )
    teacher.refresh_from_db()
    assert teacher.email == "new.address@school.test"
    (entry,) = LogEntry.objects.filter(additional_data__how="admin-change")
    assert entry.actor == itadmin and entry.object_pk == str(teacher.pk)
    assert "email" in entry.additional_data["reason"]
    assert entry.additional_data["fields"] == ["email"]
    assert "new.address" not in str(entry.additional_data)


@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
def test_the_accounts_that_open_allegations_cannot_be_taken_over_in_the_admin(
    client, request, itadmin, persona
):
    person = request.getfixturevalue(persona)
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{person.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "email" not in form.fields and "username" not in form.fields
    client.post(
        url,
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "is_active": "on",
            "email": "attacker@evil.test",
        },
    )
    person.refresh_from_db()
    assert person.email == f"{persona}@school.test"
    assert client.get(f"/admin/confidentiality/user/{person.pk}/password/").status_code == 403
    assert (
        client.post(
            f"/admin/confidentiality/user/{person.pk}/password/",
            {"password1": "a new long passphrase 1", "password2": "a new long passphrase 1"},
        ).status_code
        == 403
    )
    person.refresh_from_db()
    assert person.check_password("correct horse battery staple")
    assert (
        client.post(f"/admin/confidentiality/user/{person.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert type(person).objects.filter(pk=person.pk).exists()


def test_the_chair_of_governors_account_is_protected_too(client, itadmin, governor):
    governor.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    sign_in(client, itadmin, verified=True)
    assert client.get(f"/admin/confidentiality/user/{governor.pk}/password/").status_code == 403


def test_the_clerks_account_is_protected_too(client, itadmin, make_user):
    clerk = make_user("clerk", Role.CLERK)
    sign_in(client, itadmin, verified=True)
    assert client.get(f"/admin/confidentiality/user/{clerk.pk}/password/").status_code == 403
    form = client.get(f"/admin/confidentiality/user/{clerk.pk}/change/").context["adminform"]
    assert "email" not in form.form.fields


# --- the admin sets no password of an account someone uses (attack review, high 2) ------------

NEW_PASSWORD = "a new long passphrase 1"


@pytest.mark.parametrize("persona", ["teacher", "governor", "office"])
def test_the_admin_never_sets_the_password_of_an_account_in_use(
    client, request, itadmin, dsl, head, persona
):
    """The replay: the technician set a teacher's password and signed in as them."""
    from django.core import mail

    person = request.getfixturevalue(persona)
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{person.pk}/password/"
    response = client.get(url)
    assert response.status_code == 403
    assert "resets their own password from the sign-in page" in response.content.decode()
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.check_password("correct horse battery staple")
    assert not LogEntry.objects.filter(additional_data__how="admin-password-set").exists()
    assert mail.outbox == []


def test_an_account_signed_in_without_a_password_is_in_use_too(client, itadmin, teacher):
    from django.utils import timezone

    teacher.set_unusable_password()
    teacher.last_login = timezone.now()
    teacher.save()
    sign_in(client, itadmin, verified=True)
    response = client.get(f"/admin/confidentiality/user/{teacher.pk}/password/")
    assert response.status_code == 403


def test_the_first_password_of_an_unused_account_is_audited_and_told(
    client, itadmin, dsl, head, make_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    newcomer = make_user("newcomer", Role.TEACHER)
    newcomer.set_unusable_password()
    newcomer.save()
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{newcomer.pk}/password/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.check_password(NEW_PASSWORD)
    (entry,) = LogEntry.objects.filter(additional_data__how="admin-password-set")
    assert entry.actor == itadmin and entry.object_pk == str(newcomer.pk)
    assert NEW_PASSWORD not in str(entry.additional_data)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dsl.email, head.email])
    assert all(len(m.to) == 1 and NEW_PASSWORD not in m.body for m in mail.outbox)
    # Now in use: a second password from the admin is refused.
    assert client.get(url).status_code == 403


def test_a_password_chosen_when_adding_an_account_is_audited_and_told(
    client, itadmin, dsl, head, django_capture_on_commit_callbacks
):
    from django.core import mail

    sign_in(client, itadmin, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/confidentiality/user/add/",
            {
                "username": "newstarter",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    person = type(itadmin).objects.get(username="newstarter")
    assert LogEntry.objects.filter(
        additional_data__how="admin-password-set", object_pk=str(person.pk)
    ).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dsl.email, head.email])


def test_the_imports_and_the_admin_share_one_definition_of_in_use():
    from confidentiality import admin as school_admin
    from confidentiality import team
    from records.importing import staff

    assert staff.in_use is team.in_use
    assert not hasattr(school_admin, "_in_use")


# --- an account named in safeguarding records is closed, not deleted (attack review, low 3) ----


def test_deleting_an_account_named_in_a_concern_shows_a_message(client, itadmin, dsl, teacher):
    from tests.safeguarding.test_concerns_about_adults import raise_about

    raise_about(dsl, teacher)
    sign_in(client, itadmin, verified=True)
    response = client.post(
        f"/admin/confidentiality/user/{teacher.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "named in safeguarding records and cannot be deleted" in response.content.decode()
    assert type(teacher).objects.filter(pk=teacher.pk).exists()


def test_an_account_nobody_names_can_still_be_deleted(client, itadmin, make_user):
    leaver = make_user("leaver", Role.TEACHER)
    sign_in(client, itadmin, verified=True)
    response = client.post(f"/admin/confidentiality/user/{leaver.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(leaver).objects.filter(pk=leaver.pk).exists()


# --- migration 0003 on a database where two accounts share an email (review, 5) ---------------


def test_migration_0003_names_the_accounts_sharing_an_email(db, make_user):
    import importlib

    from django.apps import apps as current_apps
    from django.db import connection

    migration = importlib.import_module("confidentiality.migrations.0003_chair_of_governors")
    make_user("ann")
    assert migration.shared_emails(type(make_user("bob")).objects.all()) == {}
    with connection.cursor() as cursor:  # as before the constraint (rolled back after the test)
        cursor.execute("DROP INDEX one_account_per_email")
    users = type(make_user("ann2")).objects
    users.filter(username="ann2").update(email="ANN@school.test")
    for blank in ("carol", "dan"):
        users.filter(pk=make_user(blank).pk).update(email="")
    with pytest.raises(migration.SharedEmails) as refused:
        migration.refuse_shared_emails(current_apps, None)
    message = str(refused.value)
    assert "ann, ann2" in message and "Give each account its own address" in message
    assert "carol" not in message and "bob" not in message


# --- every change of a role, from any route, is a sealed audit entry ---------------------------


def test_adding_a_role_from_the_user_side_is_audited_and_sealed(teacher):
    before = role_changes(teacher).count()
    teacher.groups.add(roles.group_for(Role.DEPUTY_DSL))
    entry = role_changes(teacher).last()
    assert role_changes(teacher).count() == before + 1
    assert entry.additional_data["added"] == ["Deputy DSL"]
    assert entry.additional_data["removed"] == []
    assert entry.actor is None  # no request: nobody signed in made it
    assert AuditSeal.objects.filter(entry_id=entry.pk).exists()
    assert verify_chain()[1] is None


def test_adding_and_clearing_from_the_group_side_are_audited(teacher, other_teacher):
    deputy_group = roles.group_for(Role.DEPUTY_DSL)
    deputy_group.user_set.add(teacher, other_teacher)
    for person in (teacher, other_teacher):
        assert role_changes(person).last().additional_data["added"] == ["Deputy DSL"]
    deputy_group.user_set.clear()
    for person in (teacher, other_teacher):
        assert role_changes(person).last().additional_data["removed"] == ["Deputy DSL"]
    assert verify_chain()[1] is None


def test_clear_and_remove_from_the_user_side_record_only_what_was_held(teacher):
    deputy_group = roles.group_for(Role.DEPUTY_DSL)
    head_group = roles.group_for(Role.HEAD_TEACHER)
    before = role_changes(teacher).count()
    teacher.groups.remove(head_group)  # not held: nothing happened, nothing recorded
    assert role_changes(teacher).count() == before
    teacher.groups.add(deputy_group)
    teacher.groups.clear()
    entry = role_changes(teacher).last()
    assert entry.additional_data["removed"] == ["Deputy DSL", "Teacher"]


def test_deleting_an_account_records_the_roles_it_held(deputy):
    pk = deputy.pk
    deputy.delete()
    entry = LogEntry.objects.filter(additional_data__how="account-deleted").get()
    assert entry.object_pk == str(pk)
    assert entry.additional_data["removed"] == ["Deputy DSL"]


def test_a_role_change_in_a_request_names_who_made_it(client, head, dsl, teacher):
    teacher.last_login = teacher.date_joined  # a colleague who signs in (appointable)
    teacher.save()
    sign_in(client, head, verified=True)
    client.post("/team/deputies/", {"person": teacher.pk})
    entry = role_changes(teacher).last()
    assert entry.actor == head
    assert entry.additional_data["added"] == ["Deputy DSL"]


@pytest.mark.parametrize("reader", ["dsl", "head"])
def test_the_dsl_and_the_head_see_role_changes_in_who_has_seen_what(
    client, request, reader, dsl, head, teacher
):
    teacher.groups.add(roles.group_for(Role.DEPUTY_DSL))
    sign_in(client, request.getfixturevalue(reader), verified=True)
    page = client.get("/audit/").content.decode()
    assert "Teacher Tester: given Deputy DSL" in page


def test_a_second_chair_cannot_be_added_behind_the_pages_back(make_user):
    from django.core.exceptions import ValidationError
    from django.db import transaction

    first = make_user("first", Role.GOVERNOR)
    second = make_user("second", Role.GOVERNOR)
    chair = roles.group_for(Role.CHAIR_OF_GOVERNORS)
    first.groups.add(chair)
    with (
        pytest.raises(ValidationError, match="already the chair of governors"),
        transaction.atomic(),
    ):
        second.groups.add(chair)
    with pytest.raises(ValidationError), transaction.atomic():
        chair.user_set.add(second)
    assert list(chair.user_set.all()) == [first]


def test_the_technician_can_still_add_an_account_without_any_role(client, itadmin):
    sign_in(client, itadmin, verified=True)
    assert client.get("/admin/confidentiality/user/add/").status_code == 200
    response = client.post(
        "/admin/confidentiality/user/add/",
        {"username": "newstarter", "usable_password": "false"},
    )
    assert response.status_code == 302
    person = type(itadmin).objects.get(username="newstarter")
    assert not person.groups.exists() and not person.is_superuser
    assert LogEntry.objects.filter(
        additional_data__how="admin-change", object_pk=str(person.pk)
    ).exists()


def test_an_email_changed_in_the_admin_tells_the_person_and_the_team(
    client, itadmin, unused, dsl, head, django_capture_on_commit_callbacks
):
    """The step before a reset takes over an account, even one nobody has used yet (an
    imported account, say): the old address, the DSL and the head hear of it (who and when
    only), and it is in the audit trail."""
    from django.core import mail

    teacher = unused
    sign_in(client, itadmin, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/confidentiality/user/{teacher.pk}/change/",
            {
                "username": teacher.username,
                "first_name": teacher.first_name,
                "last_name": teacher.last_name,
                "email": "mallory@attacker.example",
                "is_active": "on",
            },
        )
    teacher.refresh_from_db()
    assert teacher.email == "mallory@attacker.example"
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted(["unused@school.test", dsl.email, head.email])
    assert all("mallory" not in message.body for message in mail.outbox)
    assert LogEntry.objects.filter(additional_data__how="email-changed-in-admin").exists()


def test_an_account_created_by_an_import_is_reported_when_the_admin_moves_its_email(
    client, itadmin, head, dsl, django_capture_on_commit_callbacks
):
    """Third review, 2: a never-used imported account's address changed in the admin raised no
    alert; the first reset from the new address would have signed its sender in."""
    from auditlog.context import set_actor
    from django.core import mail

    from records.importing import IMPORTERS

    header = "Username,First name,Last name,Email,Role,Job title\n"
    row = "newstaff,New,Staff,new.staff@school.test,teacher,Teacher\n"
    with set_actor(head):
        IMPORTERS["staff"].run((header + row).encode(), filename="s.csv", dry_run=False, by=head)
    person = type(head).objects.get(username="newstaff")
    sign_in(client, itadmin, verified=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/confidentiality/user/{person.pk}/change/",
            {
                "username": "newstaff",
                "first_name": "New",
                "last_name": "Staff",
                "email": "it.admin.home@mailbox.example",
                "is_active": "on",
            },
        )
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted(["new.staff@school.test", dsl.email, head.email])
    assert LogEntry.objects.filter(
        additional_data__how="email-changed-in-admin", object_pk=str(person.pk)
    ).exists()


def test_the_email_of_an_account_in_use_cannot_be_changed_in_the_admin(
    client, itadmin, teacher, other_teacher
):
    """Third review, 2: the administrator set a teacher's address to their own mailbox, then
    reset the password from it and signed in as the teacher. The address is read-only now; the
    teacher changes it on their own page, with their password."""
    from django.core import mail

    other_teacher.last_login = other_teacher.date_joined  # signed in before
    other_teacher.save()
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{other_teacher.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "email" not in form.fields
    client.post(
        url,
        {
            "username": other_teacher.username,
            "first_name": other_teacher.first_name,
            "last_name": other_teacher.last_name,
            "email": "it.admin@mailbox.example",
            "is_active": "on",
        },
    )
    other_teacher.refresh_from_db()
    assert other_teacher.email == "other_teacher@school.test"
    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": "it.admin@mailbox.example"})
    assert mail.outbox == []
    # Other details of the account are still the technician's to correct.
    assert "first_name" in form.fields and "job_title" in form.fields


def test_an_appointed_person_cannot_be_closed_in_the_admin(client, itadmin, dsl):
    sign_in(client, itadmin, verified=True)
    form = client.get(f"/admin/confidentiality/user/{dsl.pk}/change/").context["adminform"].form
    assert "is_active" not in form.fields
