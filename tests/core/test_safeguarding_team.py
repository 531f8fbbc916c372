"""P8: exactly one DSL, plus deputies, and a way to hand over inside the application. The head
teacher and the DSL (with a confirmed second factor) appoint the DSL and the deputies from the
"Safeguarding team" page; nobody else finds the page, and the admin cannot do it. Each change
is audited; a DSL who is replaced is emailed that the role has passed, nothing more. Handing
over moves the concerns about adults with the role."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from confidentiality import roles
from confidentiality.roles import Role
from tests.conftest import sign_in

PAGE = "/team/"
APPOINT = "/team/appoint-dsl/"
ADD_DEPUTY = "/team/deputies/"


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


def remove_url(person):
    return f"/team/deputies/{person.pk}/remove/"


def team_entries(how):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__how=how
    ).order_by("pk")


@pytest.fixture
def newcomer(make_user):
    return make_user("newcomer", Role.TEACHER, job_title="Assistant head")


# --- who finds the page -----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    for url in (PAGE, APPOINT, ADD_DEPUTY):
        response = client.get(url) if url == PAGE else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["teacher", "deputy", "office", "ta", "volunteer", "nurse", "governor", "parent"]
)
def test_everyone_else_gets_404_even_when_verified(client, request, persona, dsl, newcomer):
    user = request.getfixturevalue(persona)
    sign_in(client, user, verified=user.is_school_staff)
    assert client.get(PAGE).status_code == 404
    assert client.post(APPOINT, {"person": newcomer.pk, "confirm": "yes"}).status_code == 404
    assert client.post(ADD_DEPUTY, {"person": newcomer.pk}).status_code == 404
    assert roles.current_dsl() == dsl
    assert not team_entries("appoint-dsl").exists()


def test_a_deputy_cannot_stand_another_deputy_down(client, deputy, make_user):
    other = make_user("other_deputy", Role.DEPUTY_DSL)
    sign_in(client, deputy, verified=True)
    assert client.post(remove_url(other)).status_code == 404
    assert other in roles.deputies()


@pytest.mark.parametrize("persona", ["head", "dsl"])
def test_the_head_and_the_dsl_confirm_their_second_factor_first(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))  # not verified
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]


@pytest.mark.parametrize("persona", ["head", "dsl"])
def test_the_head_and_the_dsl_see_the_team(client, request, persona, dsl, deputy, newcomer):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dsl Tester" in page and "Deputy Tester" in page
    assert (
        f'<option value="{newcomer.pk}">Newcomer Tester – Teacher (Assistant head)</option>' in page
    )


@pytest.mark.parametrize("persona", ["head", "dsl"])
def test_the_menu_shows_the_page_to_the_head_and_the_dsl(client, request, persona):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert 'href="/team/"' in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["teacher", "deputy", "governor", "parent"])
def test_the_menu_hides_the_page_from_everyone_else(client, request, persona):
    sign_in(client, request.getfixturevalue(persona), verified=persona == "deputy")
    assert 'href="/team/"' not in client.get("/").content.decode()


# --- handing the DSL role over ----------------------------------------------------------------


def test_choosing_the_new_dsl_asks_for_confirmation_and_changes_nothing(
    client, head, dsl, newcomer
):
    sign_in(client, head, verified=True)
    response = client.post(APPOINT, {"person": newcomer.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirm the new DSL" in page and "Newcomer Tester" in page
    assert 'name="confirm" value="yes"' in page
    assert roles.current_dsl() == dsl
    assert not team_entries("appoint-dsl").exists()
    assert mail.outbox == []


def test_the_head_hands_over_audited_and_the_previous_dsl_is_told(
    client, head, dsl, newcomer, django_capture_on_commit_callbacks
):
    sign_in(client, head, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPOINT, {"person": newcomer.pk, "confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert roles.current_dsl() == newcomer
    dsl.refresh_roles()
    assert not dsl.has_role(Role.DSL)
    (entry,) = team_entries("appoint-dsl")
    assert entry.actor == head and entry.object_pk == str(newcomer.pk)
    assert "handing over from Dsl Tester" in entry.additional_data["reason"]
    (email,) = mail.outbox
    assert email.to == [dsl.email]
    assert "no longer the Designated Safeguarding Lead" in email.subject
    assert "Newcomer Tester is now the Designated Safeguarding Lead" in email.body
    assert "appointed by Head Tester" in email.body
    assert "concern" not in email.body.replace("any child or concern", "")


def test_the_dsl_hands_over_and_can_stay_as_a_deputy(
    client, dsl, newcomer, django_capture_on_commit_callbacks
):
    sign_in(client, dsl, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            APPOINT, {"person": newcomer.pk, "keep_previous_as_deputy": "on", "confirm": "yes"}
        )
    # The former DSL no longer manages the team: back to the dashboard, and the page is gone.
    assert response.status_code == 302 and response["Location"] == "/"
    assert roles.current_dsl() == newcomer
    assert list(roles.deputies()) == [dsl]
    assert "remain on the safeguarding team as a deputy DSL" in mail.outbox[0].body
    assert client.get(PAGE).status_code == 404


def test_a_deputy_appointed_dsl_is_no_longer_listed_as_a_deputy(client, head, dsl, deputy):
    sign_in(client, head, verified=True)
    client.post(APPOINT, {"person": deputy.pk, "confirm": "yes"})
    assert roles.current_dsl() == deputy
    assert not roles.deputies().exists()


def test_the_first_dsl_is_appointed_when_there_is_none(client, head, newcomer):
    sign_in(client, head, verified=True)
    assert "No DSL is appointed" in client.get(PAGE).content.decode()
    client.post(APPOINT, {"person": newcomer.pk, "confirm": "yes"})
    assert roles.current_dsl() == newcomer
    assert mail.outbox == []  # nobody to hand over from


@pytest.mark.parametrize("persona", ["parent", "volunteer", "governor", "nurse"])
def test_only_school_staff_can_be_appointed(client, request, head, dsl, persona):
    outsider = request.getfixturevalue(persona)
    sign_in(client, head, verified=True)
    response = client.post(APPOINT, {"person": outsider.pk, "confirm": "yes"})
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    assert roles.current_dsl() == dsl


def test_someone_who_has_left_cannot_be_appointed(client, head, dsl, newcomer):
    newcomer.is_active = False
    newcomer.save()
    sign_in(client, head, verified=True)
    assert client.post(APPOINT, {"person": newcomer.pk, "confirm": "yes"}).status_code == 400
    assert roles.current_dsl() == dsl


def test_the_page_cannot_make_a_second_dsl(client, head, dsl, newcomer):
    sign_in(client, head, verified=True)
    client.post(APPOINT, {"person": newcomer.pk, "confirm": "yes"})
    holders = roles.group_for(Role.DSL).user_set.all()
    assert list(holders) == [newcomer]


def test_a_get_of_the_appointment_url_is_refused(client, head):
    sign_in(client, head, verified=True)
    assert client.get(APPOINT).status_code == 405


# --- deputies ---------------------------------------------------------------------------------


def test_the_head_appoints_a_deputy_audited(client, head, newcomer):
    sign_in(client, head, verified=True)
    response = client.post(ADD_DEPUTY, {"person": newcomer.pk})
    assert response.status_code == 302
    assert list(roles.deputies()) == [newcomer]
    (entry,) = team_entries("appoint-deputy")
    assert entry.actor == head and entry.object_pk == str(newcomer.pk)


def test_the_dsl_stands_a_deputy_down_audited(client, dsl, deputy):
    sign_in(client, dsl, verified=True)
    assert client.post(remove_url(deputy)).status_code == 302
    assert not roles.deputies().exists()
    (entry,) = team_entries("remove-deputy")
    assert entry.actor == dsl and entry.object_pk == str(deputy.pk)


def test_standing_down_someone_who_is_not_a_deputy_is_404(client, dsl, teacher):
    sign_in(client, dsl, verified=True)
    assert client.post(remove_url(teacher)).status_code == 404
    assert not team_entries("remove-deputy").exists()


def test_a_parent_cannot_be_made_a_deputy(client, dsl, parent):
    sign_in(client, dsl, verified=True)
    assert client.post(ADD_DEPUTY, {"person": parent.pk}).status_code == 400
    assert not roles.deputies().exists()


def test_the_dsl_cannot_also_be_made_a_deputy(client, head, dsl):
    sign_in(client, head, verified=True)
    assert client.post(ADD_DEPUTY, {"person": dsl.pk}).status_code == 400
    assert not roles.deputies().exists()


# --- concerns about adults follow the role ----------------------------------------------------


def test_a_handover_through_the_page_moves_concerns_about_adults(
    client, head, dsl, teacher, other_teacher, newcomer
):
    from safeguarding import adults

    concern, _ = adults.raise_adult_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "person": other_teacher,
            "nature": "allegation",
            "category": "other",
            "urgency": "routine",
            "account": "Gave a pupil his phone number.",
            "happened_at": timezone.now(),
        },
    )
    url = f"/safeguarding/concerns/{concern.pk}/"
    assert sign_in(client, newcomer, verified=True).get(url).status_code == 404
    assert sign_in(client, dsl, verified=True).get(url).status_code == 200

    sign_in(client, head, verified=True).post(APPOINT, {"person": newcomer.pk, "confirm": "yes"})

    assert sign_in(client, newcomer, verified=True).get(url).status_code == 200
    assert sign_in(client, dsl, verified=True).get(url).status_code == 404
    assert sign_in(client, head, verified=True).get(url).status_code == 200


# --- the dashboard alert when nobody is DSL ---------------------------------------------------

NO_DSL = "No Designated Safeguarding Lead is appointed"


@pytest.mark.parametrize("persona", ["teacher", "office", "deputy"])
def test_staff_are_told_when_no_dsl_is_appointed(client, request, persona):
    sign_in(client, request.getfixturevalue(persona), verified=persona == "deputy")
    page = client.get("/").content.decode()
    assert NO_DSL in page
    assert "on the Safeguarding team page" not in page  # they cannot appoint one


def test_the_head_is_pointed_to_the_team_page(client, head):
    sign_in(client, head, verified=True)
    page = client.get("/").content.decode()
    assert '<a href="/team/">Appoint a DSL on the safeguarding team page</a>' in page
    assert "(/team/)" not in page


@pytest.mark.parametrize("persona", ["teacher", "head"])
def test_no_alert_once_a_dsl_is_appointed(client, request, persona, dsl):
    sign_in(client, request.getfixturevalue(persona), verified=persona == "head")
    assert NO_DSL not in client.get("/").content.decode()


# Governors report concerns (P16), so, like volunteers, they see the safeguarding team's card and
# are told when there is no DSL to tell; parents are not.
@pytest.mark.parametrize("persona", ["parent"])
def test_people_outside_the_staff_see_no_such_alert(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert NO_DSL not in client.get("/").content.decode()


# --- the admin: no longer a way to change the team (see tests/security/test_admin_back_door.py) --


@pytest.fixture
def itadmin(make_user):
    return make_user("itadmin", is_superuser=True, is_staff=True)


def run_action(client, *people):
    return client.post(
        "/admin/confidentiality/user/",
        {"action": "appoint_as_dsl", "_selected_action": [p.pk for p in people]},
        follow=True,
    )


def test_the_admin_has_no_appoint_as_dsl_action(client, itadmin, dsl, newcomer):
    sign_in(client, itadmin, verified=True)
    page = client.get("/admin/confidentiality/user/").content.decode()
    assert "appoint_as_dsl" not in page
    run_action(client, newcomer)
    assert roles.current_dsl() == dsl
    assert not team_entries("appoint-dsl").exists()


def test_the_admin_form_offers_no_roles(client, itadmin, dsl, newcomer):
    sign_in(client, itadmin, verified=True)
    url = f"/admin/confidentiality/user/{newcomer.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "groups" not in form.fields
    assert "Teacher" in client.get(url).content.decode()  # the roles are shown, read-only


# --- nobody appoints themselves; nobody reshapes the team that handles a concern about them ----


def test_the_head_cannot_appoint_themselves_dsl_or_deputy(client, head, dsl):
    sign_in(client, head, verified=True)
    client.post(APPOINT, {"person": head.pk, "confirm": "yes"})
    client.post(ADD_DEPUTY, {"person": head.pk})
    head.refresh_roles()
    assert head.roles == {Role.HEAD_TEACHER}
    assert roles.current_dsl() == dsl


def test_the_subject_of_an_open_adult_concern_cannot_change_the_team(
    client, head, dsl, deputy, newcomer, teacher
):
    from tests.safeguarding.test_concerns_about_adults import raise_about

    raise_about(teacher, head)
    sign_in(client, head, verified=True)
    response = client.post(APPOINT, {"person": newcomer.pk, "confirm": "yes"}, follow=True)
    assert "the head teacher or the DSL" in response.content.decode()
    assert roles.current_dsl() == dsl
    client.post(remove_url(deputy))
    assert deputy in roles.deputies()

    sign_in(client, dsl, verified=True)  # the DSL, not the subject, still can
    client.post(ADD_DEPUTY, {"person": newcomer.pk})
    assert newcomer in roles.deputies()


def test_the_admin_needs_a_verified_second_factor(client, itadmin, dsl, newcomer):
    client.force_login(itadmin)
    response = client.get("/admin/confidentiality/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert roles.current_dsl() == dsl
