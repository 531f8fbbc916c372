"""Concerns about adults: they go to the DSL and the head teacher only (the DSL and the chair of
governors when the head is named; the head and deputies when the DSL is), are hidden from the
person named whatever their role, and an allegation starts the LADO clock."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from confidentiality.roles import SAFEGUARDING_TEAM
from safeguarding import adults, routing
from safeguarding.models import Alert, Concern, Referral
from safeguarding.models.adults import handlers_for
from tests.conftest import sign_in

from .conftest import signed

# Reminders go out on school days only: these tests are about who is told, not when.
pytestmark = pytest.mark.usefixtures("any_day_is_a_school_day")

ACCOUNT = "Saw him give a pupil his personal phone number."


@pytest.fixture
def chair(make_user):
    from confidentiality import roles
    from confidentiality.roles import Role

    chair = make_user("chair", Role.GOVERNOR, job_title="Chair of governors")
    chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return chair


def raise_about(author, person, nature="low_level"):
    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": nature,
            "category": "other",
            "urgency": "routine",
            "account": ACCOUNT,
            "happened_at": timezone.now(),
            "location": "Car park",
        },
    )
    return concern


def page(concern):
    return f"/safeguarding/concerns/{concern.pk}/"


def accesses(concern):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(concern.pk))


def test_routed_to_the_dsl_and_head_only(teacher, other_teacher, dsl, deputy, head):
    concern = raise_about(teacher, other_teacher)
    assert set(handlers_for(other_teacher)) == {dsl, head}
    alerted = {a.recipient for a in Alert.objects.filter(concern=concern)}
    assert alerted == {dsl, head}
    assert all(ACCOUNT not in a.message for a in Alert.objects.all())


def test_about_the_head_it_goes_to_the_dsl_and_the_chair(teacher, dsl, deputy, head, chair):
    raise_about(teacher, head)
    assert set(handlers_for(head)) == {dsl, chair}


def test_about_the_dsl_it_goes_to_the_head_and_deputies(teacher, dsl, deputy, head):
    raise_about(teacher, dsl)
    assert set(handlers_for(dsl)) == {head, deputy}


def test_an_allegation_starts_the_lado_clock(teacher, other_teacher, dsl, head):
    concern = raise_about(teacher, other_teacher, nature="allegation")
    referral = Referral.objects.get(concern=concern)
    assert referral.agency == Referral.Agency.LADO and referral.made_at is None
    assert referral.due_by is not None and referral.due_by > concern.created_at
    assert (referral.due_by - concern.created_at).days <= 4  # one working day (weekends skipped)


def test_a_low_level_concern_has_no_lado_referral(teacher, other_teacher, dsl, head):
    concern = raise_about(teacher, other_teacher)
    assert not Referral.objects.filter(concern=concern).exists()


@pytest.mark.parametrize("persona", ["dsl", "head"])
def test_the_dsl_and_head_open_it_audited_once(
    client, request, persona, teacher, other_teacher, dsl, head
):
    user = request.getfixturevalue(persona)
    concern = raise_about(teacher, other_teacher)
    sign_in(client, user, verified=True)
    response = client.get(page(concern))
    assert response.status_code == 200 and ACCOUNT in response.content.decode()
    assert accesses(concern).count() == 1
    listing = client.get("/safeguarding/adults/").content.decode()
    assert concern.reference in listing


def test_deputies_do_not_see_it(client, teacher, other_teacher, dsl, deputy, head):
    concern = raise_about(teacher, other_teacher)
    sign_in(client, deputy, verified=True)
    assert client.get(page(concern)).status_code == 404
    assert client.post(f"{page(concern)}notes/", {"note-text": "x"}).status_code == 404
    assert concern.reference not in client.get("/safeguarding/adults/").content.decode()
    assert concern.reference not in client.get("/safeguarding/").content.decode()
    assert not accesses(concern).exists()


@pytest.mark.parametrize("named", ["deputy", "head", "dsl", "other_teacher"])
def test_hidden_from_the_person_named_whatever_their_role(client, request, named, teacher, chair):
    for persona in ("dsl", "deputy", "head"):
        request.getfixturevalue(persona)
    person = request.getfixturevalue(named)
    concern = raise_about(teacher, person)
    sign_in(client, person, verified=person.needs_second_factor)
    assert client.get(page(concern)).status_code == 404
    assert client.post(f"{page(concern)}acknowledge/").status_code == 404
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 404
    if person.has_role(*SAFEGUARDING_TEAM):
        assert concern.reference not in client.get("/safeguarding/").content.decode()
    assert not Alert.objects.filter(recipient=person, concern=concern).exists()
    assert not accesses(concern).exists()


def test_the_chair_opens_a_concern_about_the_head(client, teacher, dsl, head, chair):
    concern = raise_about(teacher, head)
    sign_in(client, signed(chair))
    # Casework on a concern needs a verified second factor, whoever handles it.
    assert client.get(page(concern))["Location"].startswith("/accounts/two-factor/verify/")
    sign_in(client, chair, verified=True)
    assert client.get(page(concern)).status_code == 200
    sign_in(client, signed(head), verified=True)
    assert client.get(page(concern)).status_code == 404


@pytest.mark.parametrize("persona", ["other_teacher", "office", "governor", "parent"])
def test_nobody_else_opens_it(client, request, persona, teacher, ta, dsl, head):
    concern = raise_about(teacher, ta)
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get(page(concern)).status_code == 404
    assert not accesses(concern).exists()


def test_the_author_follows_only_its_status(client, teacher, other_teacher, dsl, head):
    concern = raise_about(teacher, other_teacher)
    sign_in(client, teacher)
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 200
    assert client.get(page(concern)).status_code == 404


def test_the_form_logs_it(client, teacher, other_teacher, dsl, head):
    sign_in(client, teacher)
    form = client.get("/safeguarding/adults/log/")
    assert form.status_code == 200
    response = client.post(
        "/safeguarding/adults/log/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "person": other_teacher.pk,
            "nature": "allegation",
            "category": "physical",
            "account": ACCOUNT,
            "happened_at": "2026-11-20T10:00",
            "urgency": "routine",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.about_adults().get()
    assert concern.adult.person == other_teacher and concern.raised_by == teacher


# Governors and the clerk report a concern about an adult like anyone else (P16).
@pytest.mark.parametrize("persona", ["parent"])
def test_parents_cannot_use_the_form(client, request, persona):
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get("/safeguarding/adults/log/").status_code == 404


@pytest.mark.parametrize("persona", ["teacher", "office", "parent"])
def test_the_list_is_for_those_who_may_be_routed_one(client, request, persona):
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get("/safeguarding/adults/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    for path in ("/safeguarding/adults/", "/safeguarding/adults/log/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overdue_items_on_it_alert_only_its_handlers(teacher, other_teacher, dsl, deputy, head):
    concern = raise_about(teacher, other_teacher, nature="allegation")
    Alert.objects.all().delete()
    routing.alert_overdue(now=timezone.now() + timezone.timedelta(days=7))
    alerted = {a.recipient for a in Alert.objects.filter(concern=concern)}
    assert alerted == {dsl, head}


def test_urgent_ones_never_escalate_to_the_deputies(teacher, other_teacher, dsl, deputy, head):
    concern, _ = adults.raise_adult_concern(
        teacher,
        {
            "idempotency_key": uuid.uuid4(),
            "person": other_teacher,
            "nature": "allegation",
            "category": "physical",
            "urgency": "urgent",
            "account": ACCOUNT,
            "happened_at": timezone.now(),
        },
    )
    routing.escalate_overdue(now=timezone.now() + timezone.timedelta(days=3))
    assert not Alert.objects.filter(recipient=deputy, concern=concern).exists()


def test_the_audit_trail_does_not_reveal_it_to_the_head_it_names(client, teacher, dsl, head, chair):
    concern = raise_about(teacher, head, nature="allegation")
    sign_in(client, dsl, verified=True)
    client.get(page(concern))  # the DSL's look is audited
    trail = client.get("/audit/").content.decode()
    assert f"Concern {concern.reference}" in trail  # the DSL, who handles it, sees it
    sign_in(client, head, verified=True)
    trail = client.get("/audit/").content.decode()
    assert concern.reference not in trail and str(concern.pk) not in trail
    assert "LADO" not in trail


def test_only_the_handlers_can_be_assigned_a_concern_about_an_adult(
    teacher, other_teacher, dsl, deputy, head
):
    from safeguarding.forms.casework import TriageForm

    concern = raise_about(teacher, other_teacher)
    choices = set(TriageForm(concern=concern).fields["assigned_to"].queryset)
    assert choices == {dsl, head}
    assert deputy not in choices and other_teacher not in choices


def test_the_alert_names_its_kind_once(client, teacher, other_teacher, dsl, head):
    # The kind ("Concern about an adult") heads the alert; the message starts at the reference.
    concern = raise_about(teacher, other_teacher)
    alert = Alert.objects.get(recipient=dsl, concern=concern)
    assert alert.message.startswith(f"Concern {concern.reference} raised by ")
    sign_in(client, dsl, verified=True)
    body = client.get("/safeguarding/alerts/").content.decode()
    assert f"Concern about an adult: Concern {concern.reference} raised by" in body
    assert "Concern about an adult: Concern about an adult" not in body
