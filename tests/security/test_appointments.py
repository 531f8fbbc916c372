"""Second review, 1: the chair of governors (and the head teacher) are appointed in the
application, on the "Appointments" page, with the same guards as the safeguarding team page.

The DSL or the clerk to the governors appoints the chair from among the active governors; the
head teacher never does (the chair handles allegations about the head and appraises the head).
The chair or the DSL appoints the clerk (never the head teacher, never by import: the clerk
appoints the chair). The chair appoints the head teacher. Always with a verified second
factor; nobody appoints themselves; nobody named in an open concern about an adult changes
anything; audited; the outgoing holder is told by email, and the DSL of any new chair or clerk
the DSL did not appoint; there is always at most one chair and one clerk."""

from datetime import timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from confidentiality import roles, team
from confidentiality.roles import Role
from safeguarding.models.adults import chair_of_governors
from tests.conftest import sign_in

PAGE = "/appointments/"
CHAIR = "/appointments/chair_of_governors/"
CLERK = "/appointments/clerk/"
HEAD = "/appointments/head_teacher/"


@pytest.fixture
def make_user(make_user):
    """Everyone here has signed in before: an account nobody has used is never appointed
    (tests/security/test_appointments.py, the made-up account)."""
    from datetime import timedelta

    from django.utils import timezone

    def make(username, role=None, **extra):
        extra.setdefault("last_login", timezone.now() - timedelta(days=400))
        return make_user(username, role, **extra)

    return make


def entries(how):
    return LogEntry.objects.filter(additional_data__how=how).order_by("pk")


def chair_form(page: str) -> str:
    """Only the form appointing the chair (the clerk's form lists staff too)."""
    start = page.index(f'action="{CHAIR}"')
    return page[start : page.index("</form>", start)]


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.CLERK)


@pytest.fixture
def chair(make_user):
    person = make_user("chair", Role.GOVERNOR)
    person.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return person


@pytest.fixture
def candidate(make_user):
    return make_user("candidate", Role.GOVERNOR, job_title="Parent governor")


# --- who finds the page -----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    for url in (PAGE, CHAIR, CLERK, HEAD):
        response = client.get(url) if url == PAGE else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["head", "deputy", "teacher", "office", "governor", "volunteer", "parent"]
)
def test_everyone_else_gets_404_even_when_verified(client, request, persona, chair, candidate):
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=True)
    assert client.get(PAGE).status_code == 404
    assert client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"}).status_code == 404
    assert chair_of_governors() == chair
    assert not entries("appoint-chair").exists()


def test_the_head_teacher_never_appoints_the_chair_even_as_dsl(client, make_user, candidate):
    """A small school's head who is also the DSL still may not choose their own appraiser."""
    head_dsl = make_user("headdsl", Role.DSL)
    head_dsl.groups.add(roles.group_for(Role.HEAD_TEACHER))
    sign_in(client, head_dsl, verified=True)
    assert client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"}).status_code == 404
    assert chair_of_governors() is None


@pytest.mark.parametrize("persona", ["dsl", "clerk"])
def test_the_dsl_and_the_clerk_confirm_a_second_factor_first(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))  # not verified
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]


@pytest.mark.parametrize("persona", ["dsl", "clerk"])
def test_the_dsl_and_the_clerk_see_the_governors_to_choose_from(
    client, request, persona, chair, candidate, teacher
):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    page = client.get(PAGE).content.decode()
    assert "Chair Tester" in page
    page = chair_form(page)
    label = "Candidate Tester – Governor (Parent governor)"
    assert f'<option value="{candidate.pk}">{label}</option>' in page
    assert f'<option value="{teacher.pk}">' not in page  # staff are not governors to choose
    assert f'<option value="{chair.pk}">' not in page  # already chair


@pytest.mark.parametrize("persona", ["dsl", "clerk"])
def test_the_menu_shows_appointments_to_the_dsl_and_the_clerk(client, request, persona):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert f'href="{PAGE}"' in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["head", "teacher", "governor"])
def test_the_menu_hides_appointments_from_everyone_else(client, request, persona):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert f'href="{PAGE}"' not in client.get("/").content.decode()


# --- appointing the chair ---------------------------------------------------------------------


def test_choosing_asks_for_confirmation_and_changes_nothing(client, dsl, chair, candidate):
    sign_in(client, dsl, verified=True)
    response = client.post(CHAIR, {"person": candidate.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirm the new chair of governors" in page and "Candidate Tester" in page
    assert chair_of_governors() == chair
    assert not entries("appoint-chair").exists()


@pytest.mark.parametrize("persona", ["dsl", "clerk"])
def test_a_hand_over_keeps_exactly_one_chair_audited_and_told(
    client, request, persona, chair, candidate, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(persona)
    sign_in(client, actor, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert list(roles.group_for(Role.CHAIR_OF_GOVERNORS).user_set.all()) == [candidate]
    assert chair_of_governors() == candidate
    chair.refresh_roles()
    assert chair.roles == {Role.GOVERNOR}  # still a governor, no longer chair
    (entry,) = entries("appoint-chair")
    assert entry.actor == actor and entry.object_pk == str(candidate.pk)
    assert "handing over from Chair Tester" in entry.additional_data["reason"]
    # ... and each side of the change is a role-change entry.
    assert entries("role-change").filter(object_pk=str(chair.pk), actor=actor).exists()
    assert entries("role-change").filter(object_pk=str(candidate.pk), actor=actor).exists()
    (email,) = mail.outbox
    assert email.to == [chair.email]
    assert "no longer the chair of governors" in email.subject
    assert "Candidate Tester is now the chair of governors" in email.body
    assert "concern" not in email.body.replace("any child or concern", "")


def test_the_first_chair_is_appointed_when_there_is_none(client, clerk, candidate):
    sign_in(client, clerk, verified=True)
    assert "Nobody is appointed chair of governors" in client.get(PAGE).content.decode()
    client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"})
    assert chair_of_governors() == candidate
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["teacher", "head", "parent", "volunteer", "clerk"])
def test_only_governors_outside_the_staff_can_be_chair(client, request, dsl, persona):
    person = request.getfixturevalue(persona)
    sign_in(client, dsl, verified=True)
    response = client.post(CHAIR, {"person": person.pk, "confirm": "yes"})
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    assert chair_of_governors() is None


def test_a_staff_governor_cannot_be_chair(client, dsl, make_user):
    staff_governor = make_user("staffgov", Role.TEACHER)
    staff_governor.groups.add(roles.group_for(Role.GOVERNOR))
    sign_in(client, dsl, verified=True)
    assert client.post(CHAIR, {"person": staff_governor.pk, "confirm": "yes"}).status_code == 400


def test_a_governor_who_has_left_cannot_be_chair(client, dsl, candidate):
    candidate.is_active = False
    candidate.save()
    sign_in(client, dsl, verified=True)
    assert client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"}).status_code == 400


def test_nobody_appoints_themselves_chair(client, make_user):
    clerk_governor = make_user("clerkgov", Role.CLERK)
    clerk_governor.groups.add(roles.group_for(Role.GOVERNOR))
    sign_in(client, clerk_governor, verified=True)
    response = client.post(CHAIR, {"person": clerk_governor.pk, "confirm": "yes"})
    assert response.status_code == 400
    assert chair_of_governors() is None


def test_the_subject_of_an_open_adult_concern_cannot_appoint(
    client, dsl, chair, candidate, teacher
):
    from tests.safeguarding.test_concerns_about_adults import raise_about

    raise_about(teacher, dsl)
    sign_in(client, dsl, verified=True)
    response = client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"}, follow=True)
    assert "This change cannot be made from your account" in response.content.decode()
    assert chair_of_governors() == chair
    assert not entries("appoint-chair").exists()


def test_a_get_of_the_appointment_url_is_refused(client, dsl):
    sign_in(client, dsl, verified=True)
    assert client.get(CHAIR).status_code == 405


def test_an_unknown_role_is_404(client, dsl, candidate):
    sign_in(client, dsl, verified=True)
    for role in ("dsl", "deputy_dsl", "governor", "nonsense"):
        url = f"/appointments/{role}/"
        assert client.post(url, {"person": candidate.pk, "confirm": "yes"}).status_code == 404
    assert roles.current_dsl() == dsl


def test_a_new_chair_takes_over_the_concerns_about_the_head(
    client, dsl, head, chair, candidate, teacher
):
    from tests.safeguarding.test_concerns_about_adults import raise_about

    concern = raise_about(teacher, head)
    url = f"/safeguarding/concerns/{concern.pk}/"
    assert sign_in(client, chair, verified=True).get(url).status_code == 200
    sign_in(client, dsl, verified=True).post(CHAIR, {"person": candidate.pk, "confirm": "yes"})
    assert sign_in(client, candidate, verified=True).get(url).status_code == 200
    assert sign_in(client, chair, verified=True).get(url).status_code == 404


# --- the chair appoints the head teacher ------------------------------------------------------


def test_the_chair_appoints_a_new_head_audited_and_the_old_head_is_told(
    client, chair, head, teacher, django_capture_on_commit_callbacks
):
    sign_in(client, chair, verified=True)
    assert "Head teacher" in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(HEAD, {"person": teacher.pk, "confirm": "yes"})
    assert list(team.holders(Role.HEAD_TEACHER)) == [teacher]
    head.refresh_roles()
    assert not head.has_role(Role.HEAD_TEACHER)
    (entry,) = entries("appoint-head")
    assert entry.actor == chair
    assert [m.to for m in mail.outbox] == [[head.email]]


def test_the_chair_needs_a_second_factor(client, chair, teacher):
    sign_in(client, chair)  # not verified
    response = client.post(HEAD, {"person": teacher.pk, "confirm": "yes"})
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    assert not team.holders(Role.HEAD_TEACHER).exists()


@pytest.mark.parametrize("persona", ["dsl", "clerk", "head"])
def test_nobody_but_the_chair_appoints_the_head(client, request, persona, teacher):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.post(HEAD, {"person": teacher.pk, "confirm": "yes"}).status_code == 404
    assert not team.holders(Role.HEAD_TEACHER).filter(pk=teacher.pk).exists()


def test_only_staff_can_be_head_and_not_the_chair_themselves(client, chair, parent):
    sign_in(client, chair, verified=True)
    assert client.post(HEAD, {"person": parent.pk, "confirm": "yes"}).status_code == 400
    assert client.post(HEAD, {"person": chair.pk, "confirm": "yes"}).status_code == 400
    assert not team.holders(Role.HEAD_TEACHER).exists()


def test_the_chair_does_not_see_the_chair_form(client, chair):
    sign_in(client, chair, verified=True)
    page = client.get(PAGE).content.decode()
    assert 'action="/appointments/chair_of_governors/"' not in page
    assert 'action="/appointments/head_teacher/"' in page


# --- the person named never handles the concern, whatever grant they hold ----------------------


def test_a_head_named_in_an_allegation_who_holds_the_grant_still_gets_404(
    client, dsl, head, chair, teacher
):
    """The check is made at request time against the concern's named person, not only when
    grants are given: a stray grant (restored backup, hand-edit, bug) opens nothing."""
    from django.contrib.auth.models import Permission

    from safeguarding.models import Concern, ConcernUserObjectPermission
    from tests.safeguarding.test_concerns_about_adults import raise_about

    concern = raise_about(teacher, head, nature="allegation")
    ConcernUserObjectPermission.objects.get_or_create(
        permission=Permission.objects.get(codename="handle_adult_concern"),
        content_object=concern,
        user=head,
    )
    base = f"/safeguarding/concerns/{concern.pk}/"
    sign_in(client, head, verified=True)
    assert client.get(base).status_code == 404
    assert client.post(f"{base}acknowledge/").status_code == 404
    assert (
        client.post(f"{base}triage/", {"triage-level": "", "triage-level_reason": ""}).status_code
        == 404
    )
    assert (
        client.post(
            f"{base}close/", {"close-decision": "no_further_action", "close-rationale": "x"}
        ).status_code
        == 404
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW and concern.closed_at is None
    # The people it was routed to still open it.
    assert sign_in(client, dsl, verified=True).get(base).status_code == 200


# --- the first holder of a new installation, from the server ----------------------------------


def test_the_first_dsl_can_be_appointed_from_the_server_audited_and_told(
    head, teacher, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("appoint_first", "dsl", teacher.username)
    assert roles.current_dsl() == teacher
    assert entries("role-change").filter(object_pk=str(teacher.pk)).exists()
    assert entries("appointed-from-the-server").filter(object_pk=str(teacher.pk)).exists()
    assert [m.to for m in mail.outbox] == [[head.email]]


@pytest.mark.parametrize(
    ("role", "holder_fixture"), [("dsl", "dsl"), ("chair_of_governors", "chair")]
)
def test_the_server_command_never_replaces_a_holder(request, role, holder_fixture, candidate):
    from django.core.management import CommandError, call_command

    holder = request.getfixturevalue(holder_fixture)
    with pytest.raises(CommandError, match="hand over in the application"):
        call_command("appoint_first", role, candidate.username)
    assert list(team.holders(Role.DSL if role == "dsl" else Role.CHAIR_OF_GOVERNORS)) == [holder]


def test_the_server_command_appoints_only_a_governor_as_chair(teacher, candidate):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not a governor"):
        call_command("appoint_first", "chair_of_governors", teacher.username)
    call_command("appoint_first", "chair_of_governors", candidate.username)
    assert chair_of_governors() == candidate


# --- the clerk to the governors: appointed, never imported (attack review, high 1) -------------


@pytest.fixture
def new_clerk(make_user):
    return make_user("newclerk", Role.GOVERNOR, job_title="Parent governor")


def test_the_head_cannot_install_a_clerk_by_import(head):
    """The replay: the head imported a clerk of their choosing, who then appointed a chair of
    the head's choosing, who read the allegation about the head."""
    from records.importing import IMPORTERS

    rows = (
        "Username,First name,Last name,Email,Role,Job title\n"
        "gclerk,Grace,Lowe,grace.lowe@outlook.example,clerk,Clerk\n"
        "ggov,Gus,Gov,gus.gov@outlook.example,governor,Parent governor\n"
    )
    report = IMPORTERS["staff"].run(rows.encode(), filename="staff.csv", by=head)
    clerk_row = report.rows[0]
    assert clerk_row.outcome == "rejected" and "appointed in the application" in str(clerk_row)
    assert not team.holders(Role.CLERK).exists()
    assert Role.CLERK in roles.APPOINTED_ROLES


def test_the_import_never_takes_the_clerk_role_away(head, clerk):
    from records.importing import IMPORTERS

    rows = "Username,First name,Last name,Email,Role,Job title\n" + (
        "clerk,Clerk,Tester,clerk@school.test,governor,Governor\n"
    )
    IMPORTERS["staff"].run(rows.encode(), filename="staff.csv", by=head)
    clerk.refresh_roles()
    assert Role.CLERK in clerk.roles


def test_the_clerks_account_is_protected_and_watched(clerk):
    from confidentiality import account_alerts

    assert team.holds_protected_account(clerk) and account_alerts.is_watched(clerk)


@pytest.mark.parametrize("persona", ["chair", "dsl"])
def test_the_chair_or_the_dsl_appoints_the_clerk_audited_and_the_old_clerk_told(
    client, request, persona, clerk, new_clerk, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(persona)
    sign_in(client, actor, verified=True)
    page = client.get(PAGE).content.decode()
    assert f'action="{CLERK}"' in page
    response = client.post(CLERK, {"person": new_clerk.pk})
    assert "The clerk to the governors appoints the chair" in response.content.decode()
    assert list(team.holders(Role.CLERK)) == [clerk]  # not until confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CLERK, {"person": new_clerk.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert list(team.holders(Role.CLERK)) == [new_clerk]
    (entry,) = entries("appoint-clerk")
    assert entry.actor == actor and entry.object_pk == str(new_clerk.pk)
    told = [m for m in mail.outbox if m.to == [clerk.email]]
    (email,) = told
    assert "no longer the clerk to the governors" in email.subject


@pytest.mark.parametrize("persona", ["head", "deputy", "teacher", "governor", "clerk", "office"])
def test_nobody_else_appoints_the_clerk(client, request, persona, clerk, new_clerk):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.post(CLERK, {"person": new_clerk.pk, "confirm": "yes"}).status_code == 404
    assert list(team.holders(Role.CLERK)) == [clerk]
    assert not entries("appoint-clerk").exists()


def test_a_head_who_is_also_dsl_never_appoints_the_clerk(client, make_user, new_clerk):
    head_dsl = make_user("headdsl", Role.DSL)
    head_dsl.groups.add(roles.group_for(Role.HEAD_TEACHER))
    sign_in(client, head_dsl, verified=True)
    assert client.post(CLERK, {"person": new_clerk.pk, "confirm": "yes"}).status_code == 404
    assert not team.holders(Role.CLERK).exists()


def test_appointing_the_clerk_needs_a_second_factor(client, chair, new_clerk):
    sign_in(client, chair)  # not verified
    response = client.post(CLERK, {"person": new_clerk.pk, "confirm": "yes"})
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    assert not team.holders(Role.CLERK).exists()


def test_nobody_appoints_themselves_clerk_nor_the_head_or_chair(client, dsl, head, chair):
    sign_in(client, dsl, verified=True)
    for person in (dsl, head, chair):
        response = client.post(CLERK, {"person": person.pk, "confirm": "yes"})
        assert response.status_code == 400
    assert not team.holders(Role.CLERK).exists()


def test_the_subject_of_an_open_adult_concern_cannot_appoint_the_clerk(
    client, dsl, chair, new_clerk, teacher
):
    from tests.safeguarding.test_concerns_about_adults import raise_about

    raise_about(teacher, chair)
    sign_in(client, chair, verified=True)
    response = client.post(CLERK, {"person": new_clerk.pk, "confirm": "yes"}, follow=True)
    assert "This change cannot be made from your account" in response.content.decode()
    assert not team.holders(Role.CLERK).exists()


def test_the_refusal_sends_nobody_to_the_chair_who_cannot_help():
    assert "ask the chair of governors" not in team.REFUSAL
    assert "head teacher or the DSL" in team.REFUSAL


# --- every new chair is told to the DSL, never to the head (attack review, high 1) ------------


def test_a_new_chair_the_clerk_appointed_is_told_to_the_dsl_only(
    client, clerk, dsl, head, chair, candidate, django_capture_on_commit_callbacks
):
    sign_in(client, clerk, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"})
    assert chair_of_governors() == candidate
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([chair.email, dsl.email])  # the old chair and the DSL
    (notice,) = [m for m in mail.outbox if m.to == [dsl.email]]
    assert "Candidate Tester is now the chair of governors" in notice.body
    assert "appointed by Clerk Tester" in notice.body
    assert "concern" not in notice.body.replace("any child or concern", "")
    assert all(head.email not in message.to for message in mail.outbox)


def test_the_dsl_is_not_told_of_a_chair_they_appointed(
    client, dsl, chair, candidate, django_capture_on_commit_callbacks
):
    sign_in(client, dsl, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"})
    assert [m.to for m in mail.outbox] == [[chair.email]]


def test_a_new_clerk_the_chair_appointed_is_told_to_the_dsl(
    client, chair, dsl, new_clerk, django_capture_on_commit_callbacks
):
    sign_in(client, chair, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CLERK, {"person": new_clerk.pk, "confirm": "yes"})
    assert [m.to for m in mail.outbox] == [[dsl.email]]
    assert "A new clerk to the governors has been appointed" in mail.outbox[0].subject


def test_the_first_clerk_can_be_appointed_from_the_server_but_never_replaced(
    head, new_clerk, make_user
):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not a member of staff"):
        call_command("appoint_first", "clerk", head.username)
    call_command("appoint_first", "clerk", new_clerk.username)
    assert list(team.holders(Role.CLERK)) == [new_clerk]
    assert entries("appointed-from-the-server").filter(object_pk=str(new_clerk.pk)).exists()
    other = make_user("otherclerk", Role.GOVERNOR)
    with pytest.raises(CommandError, match="hand over in the application"):
        call_command("appoint_first", "clerk", other.username)


# --- third review, 1: nobody appoints an account they could be signing in with --------------
# The head imported a made-up "supply teacher" with their own mailbox, reset its password from
# it, signed in as it, handed it the DSL role and read the allegation about themselves.

SOCK_ROW = "sock,Sam,Kerr,sam.kerr@mailbox.example,teacher,Supply teacher"
STAFF_HEADER = "Username,First name,Last name,Email,Role,Job title\n"


def import_as(actor, *rows):
    """Run a staff import as ``actor`` does in the browser (the audit trail names them)."""
    from records.importing import IMPORTERS

    with set_actor(actor):
        return IMPORTERS["staff"].run(
            (STAFF_HEADER + "".join(f"{row}\n" for row in rows)).encode(),
            filename="staff.csv",
            dry_run=False,
            by=actor,
        )


def take_over_by_reset(client, address, password="a sock puppet passphrase 1"):
    """Ask for a reset link at ``address`` and set a password with it, as its owner would."""
    import re

    mail.outbox.clear()
    client.post("/accounts/password-reset/", {"email": address})
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/\S+/)", message.body)[1]
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302


def test_the_replayed_chain_is_refused_at_the_appointment(client, head, dsl):
    """The attacker's chain, step by step, in the browser: it stops at the appointment."""
    from django.test import Client

    import_as(head, SOCK_ROW)
    sock = type(head).objects.get(username="sock")
    take_over_by_reset(Client(), "sam.kerr@mailbox.example")  # the head's own mailbox
    sign_in(Client(), sock)  # the head signs in as the supply teacher once
    sock.refresh_from_db()
    assert sock.last_login is not None and sock.has_usable_password()

    sign_in(client, head, verified=True)
    assert f'value="{sock.pk}"' not in client.get("/team/").content.decode()
    mail.outbox.clear()
    response = client.post("/team/appoint-dsl/", {"person": sock.pk, "confirm": "yes"})
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    assert roles.current_dsl() == dsl
    assert not sock.groups.filter(name=Role.DSL.group_name).exists()
    assert not LogEntry.objects.filter(additional_data__how="appoint-dsl").exists()
    # Nor as a deputy, who also reads concerns about adults.
    response = client.post("/team/deputies/", {"person": sock.pk})
    assert response.status_code == 400
    assert sock not in roles.deputies()


def test_the_verbs_refuse_too_whatever_the_form_said(rf, head, dsl):
    """The rule lives in the verbs as well as the lists: a new page cannot forget it."""
    import_as(head, SOCK_ROW)
    sock = type(head).objects.get(username="sock")
    sock.last_login = timezone.now()
    sock.save()
    request = rf.post("/team/appoint-dsl/")
    request.user = head
    for appoint in (
        lambda: team.hand_over_dsl(request, sock),
        lambda: team.add_deputy(request, sock),
        lambda: team.hand_over(request, Role.HEAD_TEACHER, sock),
    ):
        with pytest.raises(team.NotAppointable, match="cannot be appointed by you"):
            appoint()
    assert roles.current_dsl() == dsl
    assert set(sock.groups.values_list("name", flat=True)) == {Role.TEACHER.group_name}


def test_a_colleague_in_use_for_long_can_still_be_appointed_and_the_chair_is_told(
    client, head, dsl, chair, teacher, django_capture_on_commit_callbacks
):
    """The other side: a real colleague (signed in for a year, made by someone else) is
    appointed as before; the chair of governors hears of the new DSL, content-free."""
    import_as(dsl, SOCK_ROW)  # someone else's import does not bar the head from anyone else
    assert team.may_be_appointed_by(teacher, head)
    sign_in(client, head, verified=True)
    assert f'value="{teacher.pk}"' in client.get("/team/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/team/appoint-dsl/", {"person": teacher.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert roles.current_dsl() == teacher
    to_chair = [m for m in mail.outbox if m.to == [chair.email]]
    assert len(to_chair) == 1
    assert "Teacher Tester is now the Designated Safeguarding Lead" in to_chair[0].body
    assert "concern" not in to_chair[0].subject.lower()


def test_the_chair_is_not_told_when_there_is_no_chair(
    client, head, dsl, teacher, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/team/appoint-dsl/", {"person": teacher.pk, "confirm": "yes"})
    assert roles.current_dsl() == teacher
    assert sorted(a for m in mail.outbox for a in m.to) == [dsl.email]


def test_an_account_nobody_has_signed_in_with_is_never_appointed(client, head, dsl, make_user):
    never = make_user("never", Role.TEACHER, last_login=None)
    assert not team.may_be_appointed_by(never, head)
    sign_in(client, head, verified=True)
    assert f'value="{never.pk}"' not in client.get("/team/").content.decode()
    assert client.post("/team/appoint-dsl/", {"person": never.pk, "confirm": "yes"}).status_code
    assert roles.current_dsl() == dsl
    never.last_login = timezone.now()  # once they sign in, they can be
    never.save()
    assert team.may_be_appointed_by(never, head)


def test_an_account_whose_roles_the_actor_imported_is_refused(head, make_user):
    """An account someone else made (with no role) that the head's import made staff."""
    blank = make_user("blank", None, last_login=None)
    blank.set_unusable_password()
    blank.save()
    import_as(head, "blank,Blank,Tester,blank@school.test,teacher,Supply teacher")
    blank.refresh_from_db()
    blank.last_login = timezone.now()
    blank.save()
    assert blank.has_role(Role.TEACHER)
    assert not team.may_be_appointed_by(blank, head)


def test_an_account_whose_email_the_actor_changed_in_the_admin_is_refused(client, make_user):
    """A small school's head who is also the IT administrator."""
    head = make_user("ithead", Role.HEAD_TEACHER, is_superuser=True, is_staff=True)
    fresh = make_user("fresh", Role.TEACHER, last_login=None)
    fresh.set_unusable_password()
    fresh.save()
    sign_in(client, head, verified=True)
    client.post(
        f"/admin/confidentiality/user/{fresh.pk}/change/",
        {
            "username": "fresh",
            "first_name": "Fresh",
            "last_name": "Tester",
            "email": "itheads.other@mailbox.example",
            "is_active": "on",
        },
    )
    fresh.refresh_from_db()
    assert fresh.email == "itheads.other@mailbox.example"
    fresh.last_login = timezone.now()
    fresh.save()
    assert not team.may_be_appointed_by(fresh, head)
    # A change of a phone number only does not make the account the administrator's.
    other = make_user("other", Role.TEACHER)
    with set_actor(head):
        team.record_account_change(other, "admin-change", "changed phone", fields=["phone"])
    assert team.may_be_appointed_by(other, head)


@pytest.mark.parametrize(
    ("actor", "url", "row"),
    [
        ("head", "/team/deputies/", SOCK_ROW),
        ("dsl", "/team/appoint-dsl/", SOCK_ROW),
        ("dsl", CHAIR, "sock,Sam,Kerr,sam.kerr@mailbox.example,governor,Parent governor"),
        ("dsl", CLERK, SOCK_ROW),
        ("chair", HEAD, SOCK_ROW),
    ],
)
def test_every_appointment_refuses_an_account_the_actor_made(
    client, request, dsl, head, chair, actor, url, row
):
    """One rule (``team.may_be_appointed_by``) for the DSL, deputies, chair, clerk and head."""
    person = request.getfixturevalue(actor)
    if actor == "chair":  # the chair may not import: the DSL's import, a chair's admin edit
        import_as(dsl, row)
        sock = type(person).objects.get(username="sock")
        with set_actor(person):
            team.record_account_change(sock, "admin-change", "changed email", fields=["email"])
    else:
        import_as(person, row)
        sock = type(person).objects.get(username="sock")
    sock.last_login = timezone.now()
    sock.save()
    assert not team.may_be_appointed_by(sock, person)
    sign_in(client, person, verified=True)
    response = client.post(url, {"person": sock.pk, "confirm": "yes"})
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    sock.refresh_from_db()
    assert set(sock.groups.values_list("name", flat=True)) <= {
        Role.TEACHER.group_name,
        Role.GOVERNOR.group_name,
    }


def test_an_account_made_two_steps_away_is_refused_too(client, head, dsl):
    """Round three's chain: the head imports an office account, signs in as it, imports a third
    account from there and offers that one to the team. Shaped is shaped, however many steps."""
    import_as(head, "poffice,Pat,Office,pat.office@mail.example,office_staff,Office")
    poffice = type(head).objects.get(username="poffice")
    poffice.last_login = timezone.now()
    poffice.save()
    import_as(poffice, "qoffice,Quinn,Admin,quinn.admin@other.example,office_staff,Office")
    qoffice = type(head).objects.get(username="qoffice")
    qoffice.last_login = timezone.now()
    qoffice.save()
    assert qoffice.pk in team.accounts_shaped_by(head)
    assert not team.may_be_appointed_by(qoffice, head)
    sign_in(client, head, verified=True)
    assert f'value="{qoffice.pk}"' not in client.get("/team/").content.decode()
    assert client.post("/team/deputies/", {"person": qoffice.pk}).status_code == 400
    assert qoffice not in roles.deputies()


def test_the_chair_and_the_dsl_hear_of_a_new_deputy(
    client, head, dsl, chair, teacher, django_capture_on_commit_callbacks
):
    teacher.last_login = timezone.now() - timedelta(days=365)
    teacher.save()
    sign_in(client, head, verified=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/team/deputies/", {"person": teacher.pk})
    assert response.status_code == 302 and teacher in roles.deputies()
    told = sorted(address for message in mail.outbox for address in message.to)
    assert chair.email in told and dsl.email in told
    assert all("deputy" in message.body for message in mail.outbox if chair.email in message.to)


# --- fourth review, 1: nobody appoints an account any appointed person made ------------------
# The deputy DSL imported a "parent governor" with a mailbox of the deputy's own, reset its
# password from the public page, signed in once, and the DSL (who had made nothing) was offered
# it as the new chair of governors: the deputy would then read the concerns about the head.

SOCK_GOVERNOR_ROW = "sock,Sam,Kerr,sam.kerr@mailbox.example,governor,Parent governor"


def upload_staff(client, *rows):
    """The staff import in the browser, as the attacker ran it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (STAFF_HEADER + "".join(f"{row}\n" for row in rows)).encode()
    response = client.post(
        "/records/import/staff/",
        {"file": SimpleUploadedFile("staff.csv", data, content_type="text/csv"), "dry_run": ""},
    )
    assert response.status_code == 200


def test_the_deputys_governor_is_never_offered_to_the_dsl_as_chair(client, dsl, deputy, chair):
    """The chain in the browser: the deputy's import, the public reset, one sign-in; the DSL's
    page does not offer the account, a posted choice is refused in words, nothing changes."""
    from django.test import Client

    upload_staff(sign_in(Client(), deputy, verified=True), SOCK_GOVERNOR_ROW)
    sock = type(dsl).objects.get(username="sock")
    assert sock.has_role(Role.GOVERNOR)
    take_over_by_reset(Client(), "sam.kerr@mailbox.example")  # the deputy's own mailbox
    sign_in(Client(), sock)
    sock.refresh_from_db()
    assert sock.last_login is not None

    assert sock.pk in team.accounts_shaped_by_appointed_people(dsl)
    assert sock.pk not in team.accounts_shaped_by(dsl)  # the DSL made nothing
    assert not team.may_be_appointed_by(sock, dsl)
    sign_in(client, dsl, verified=True)
    page = client.get(PAGE).content.decode()
    assert f'value="{sock.pk}"' not in chair_form(page)
    assert "by anyone who now holds an appointed role" in page  # the page says why, in words
    response = client.post(CHAIR, {"person": sock.pk, "confirm": "yes"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose someone from the list" in text
    assert "anyone who now holds an appointed role" in text
    assert chair_of_governors() == chair
    assert not entries("appoint-chair").exists()


@pytest.mark.parametrize("maker", ["deputy", "head", "clerk"])
def test_the_verbs_refuse_an_account_any_appointed_person_shaped(rf, request, dsl, chair, maker):
    """Whoever appoints, to whatever role: the deputy's or the head's import, or the clerk's
    change of an address in the admin, bars the account for everyone, in words."""
    person = request.getfixturevalue(maker)
    if maker == "clerk":  # the clerk may not import: the office's import, the clerk's edit
        office = request.getfixturevalue("office")
        import_as(office, "sock,Sam,Kerr,sam.kerr@mailbox.example,office_staff,Office")
        sock = type(dsl).objects.get(username="sock")
        with set_actor(person):
            team.record_account_change(sock, "admin-change", "changed email", fields=["email"])
    else:
        import_as(person, SOCK_GOVERNOR_ROW)
        sock = type(dsl).objects.get(username="sock")
    sock.last_login = timezone.now()
    sock.save()
    for actor, role in ((dsl, Role.CLERK), (chair, Role.HEAD_TEACHER), (dsl, None)):
        request_ = rf.post(PAGE)
        request_.user = actor
        assert not team.may_be_appointed_by(sock, actor)
        with pytest.raises(team.NotAppointable) as refusal:
            if role is None:
                team.add_deputy(request_, sock)
            else:
                team.hand_over(request_, role, sock)
        assert "anyone who now holds an appointed role" in str(refusal.value)
    assert not sock.groups.filter(name__in=[r.group_name for r in roles.APPOINTED_ROLES]).exists()


def test_an_account_the_office_imported_is_still_appointed(
    client, dsl, office, chair, django_capture_on_commit_callbacks
):
    """The other side: the office is not an appointed role, so its import bars nobody once
    the person has signed in. The DSL appoints the office's new colleague clerk."""
    import_as(office, "newclerk,Nia,Clerk,nia.clerk@school.test,office_staff,Office")
    newclerk = type(dsl).objects.get(username="newclerk")
    assert newclerk.pk in team.accounts_shaped_by(office)
    newclerk.last_login = timezone.now()
    newclerk.save()
    assert newclerk.pk not in team.accounts_shaped_by_appointed_people(dsl)
    assert team.may_be_appointed_by(newclerk, dsl)
    assert team.may_be_appointed_by(newclerk, chair)
    sign_in(client, dsl, verified=True)
    assert f'<option value="{newclerk.pk}">' in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CLERK, {"person": newclerk.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert list(team.holders(Role.CLERK)) == [newclerk]


def test_the_dsls_own_account_rule_is_unchanged(client, dsl, chair, candidate):
    """The DSL still never appoints an account the DSL made, and still appoints a governor in
    real use whom no appointed person made."""
    import_as(dsl, SOCK_GOVERNOR_ROW)
    sock = type(dsl).objects.get(username="sock")
    sock.last_login = timezone.now()
    sock.save()
    assert sock.pk in team.accounts_shaped_by(dsl)
    assert not team.may_be_appointed_by(sock, dsl)
    sign_in(client, dsl, verified=True)
    page = chair_form(client.get(PAGE).content.decode())
    assert f'value="{sock.pk}"' not in page
    assert f'<option value="{candidate.pk}">' in page
    assert client.post(CHAIR, {"person": sock.pk, "confirm": "yes"}).status_code == 400
    response = client.post(CHAIR, {"person": candidate.pk, "confirm": "yes"})
    assert response.status_code == 302
    assert chair_of_governors() == candidate


def test_the_bar_follows_who_holds_an_appointed_role_now(rf, dsl, deputy, make_user):
    """A deputy's account stays barred while the deputy is on the team; once the deputy has
    stood down, it is an everyday colleague's import, as the office's is."""
    import_as(deputy, SOCK_ROW)
    sock = type(dsl).objects.get(username="sock")
    sock.last_login = timezone.now()
    sock.save()
    assert not team.may_be_appointed_by(sock, dsl)
    request_ = rf.post("/team/")
    request_.user = dsl
    team.remove_deputy(request_, deputy)
    assert team.may_be_appointed_by(sock, dsl)
