"""Second review 6 and M5: a concern about an adult always reaches someone when anyone is left
to receive it (the chair of governors is the last resort), climbs its own ladder when nobody
acknowledges it (never to the deputies unless the DSL is named, never to the person named),
never tells its author it "has gone" when nobody received it (the LADO's contact instead), and
its LADO referral is made by nobody until a handler makes it. The list of concerns about adults
needs a verified second factor of everyone and writes one audit entry per look."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from confidentiality import roles
from confidentiality.roles import Role
from safeguarding import adults, routing
from safeguarding.models import Alert, Concern, Referral
from tests.conftest import sign_in
from tests.safeguarding.conftest import _tasks_run_at_once, signed  # noqa: F401

FORM = "/safeguarding/adults/log/"
LIST = "/safeguarding/adults/"
LADO = "LADO: 01632 960123, lado@council.example"
LATER = timezone.timedelta(days=3)


@pytest.fixture(autouse=True)
def lado(settings):
    settings.LADO_CONTACT = LADO


@pytest.fixture
def chair(make_user):
    chair = make_user("chair", Role.GOVERNOR)
    chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return chair


def raise_about(author, person, nature="allegation", urgency="routine", capture=None):
    data = {
        "idempotency_key": uuid.uuid4(),
        "person": person,
        "nature": nature,
        "category": "other",
        "urgency": urgency,
        "account": "Gave a pupil his personal phone number.",
        "happened_at": timezone.now(),
    }
    if capture is None:
        return adults.raise_adult_concern(author, data)[0]
    with capture(execute=True):
        return adults.raise_adult_concern(author, data)[0]


def alerted(concern) -> set:
    return set(Alert.objects.filter(concern=concern).values_list("recipient__username", flat=True))


def post_form(client, person):
    return client.post(
        FORM,
        {
            "idempotency_key": str(uuid.uuid4()),
            "person": str(person.pk),
            "nature": "allegation",
            "category": "physical",
            "account": "He grabbed a child by the arm.",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "urgency": "routine",
        },
        follow=True,
    )


# --- it always reaches someone -------------------------------------------------------------


def test_about_the_dsl_with_the_head_gone_and_no_deputy_it_reaches_the_chair(
    teacher, dsl, head, chair, django_capture_on_commit_callbacks
):
    head.is_active = False
    head.save()
    concern = raise_about(teacher, dsl, capture=django_capture_on_commit_callbacks)
    assert alerted(concern) == {"chair"}
    assert [m.to for m in mail.outbox] == [[chair.email]]
    assert adults.holders(concern) == [chair]


def test_the_chair_is_not_told_while_the_usual_handlers_are_there(
    teacher, other_teacher, dsl, head, chair
):
    concern = raise_about(teacher, other_teacher)
    assert alerted(concern) == {"dsl", "head"}
    assert chair not in adults.holders(concern)


def test_with_nobody_to_receive_it_the_author_is_told_so_and_given_the_lado(client, teacher, dsl):
    sign_in(client, teacher)
    page = post_form(client, dsl).content.decode()
    concern = Concern.objects.about_adults().get()
    assert not Alert.objects.filter(concern=concern).exists()
    assert "has gone" not in page
    assert "nobody in the school could be sent it" in page and LADO in page


def test_when_it_reached_someone_the_author_is_told_so_and_may_also_call_the_lado(
    client, teacher, other_teacher, dsl, head
):
    sign_in(client, teacher)
    page = post_form(client, other_teacher).content.decode()
    assert "has gone to the people who handle" in page and LADO in page


def test_the_form_always_shows_the_lado_contact(client, teacher):
    sign_in(client, teacher)
    assert LADO in client.get(FORM).content.decode()


def test_one_that_reached_nobody_reaches_whoever_is_appointed_next(teacher, dsl, make_user):
    concern = raise_about(teacher, dsl, nature="low_level")
    assert alerted(concern) == set()
    chair = make_user("chair", Role.GOVERNOR)
    chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    routing.run_checks()
    assert alerted(concern) == {"chair"}
    routing.run_checks()
    assert Alert.objects.filter(concern=concern, recipient=chair).count() == 1  # told once


# --- it escalates when nobody acknowledges it ------------------------------------------------


def test_an_unacknowledged_allegation_climbs_to_the_chair_and_no_further(
    client, teacher, other_teacher, dsl, deputy, head, chair
):
    concern = raise_about(teacher, other_teacher)
    assert chair not in adults.holders(concern)
    assert routing.escalate_overdue(now=timezone.now() + LATER) == 1
    concern.refresh_from_db()
    assert concern.escalation_level == 1
    assert alerted(concern) == {"dsl", "head", "chair"}
    assert Alert.objects.filter(concern=concern, kind=Alert.Kind.ESCALATED).count() == 3
    sign_in(client, signed(chair), verified=True)
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    # Never the deputies (the DSL is not named), never the person named.
    routing.escalate_overdue(now=timezone.now() + 2 * LATER)
    assert not Alert.objects.filter(concern=concern, recipient__in=[deputy, other_teacher])
    assert deputy not in adults.holders(concern) and other_teacher not in adults.holders(concern)


def test_an_escalated_concern_stays_with_the_chair_when_the_roles_change(
    teacher, other_teacher, dsl, head, chair, make_user
):
    concern = raise_about(teacher, other_teacher)
    routing.escalate_overdue(now=timezone.now() + LATER)
    make_user("new_deputy", Role.DEPUTY_DSL)  # any change of roles re-derives the grants
    assert chair in adults.holders(concern)


def test_about_the_dsl_it_climbs_from_the_head_and_deputies_to_the_chair(
    teacher, dsl, deputy, head, chair
):
    concern = raise_about(teacher, dsl, urgency="urgent")
    assert alerted(concern) == {"head", "deputy"}
    routing.escalate_overdue(now=timezone.now() + LATER)
    assert alerted(concern) == {"head", "deputy", "chair"}
    assert not Alert.objects.filter(concern=concern, recipient=dsl).exists()


def test_about_the_head_it_never_climbs_to_the_deputies_or_the_head(
    teacher, dsl, deputy, head, chair
):
    concern = raise_about(teacher, head, urgency="urgent")
    for days in (3, 6, 9):
        routing.escalate_overdue(now=timezone.now() + timezone.timedelta(days=days))
    assert alerted(concern) == {"dsl", "chair"}


def test_a_routine_low_level_concern_or_an_acknowledged_one_does_not_climb(
    teacher, other_teacher, dsl, head, chair
):
    routine = raise_about(teacher, other_teacher, nature="low_level")
    acknowledged = raise_about(teacher, other_teacher)
    acknowledged.acknowledge(by=dsl)
    assert routing.escalate_overdue(now=timezone.now() + LATER) == 0
    assert chair not in adults.holders(routine) and chair not in adults.holders(acknowledged)


# --- the LADO referral ------------------------------------------------------------------------


def test_the_lado_referral_is_not_recorded_as_made_by_the_author(teacher, other_teacher, dsl, head):
    concern = raise_about(teacher, other_teacher)
    referral = Referral.objects.get(concern=concern)
    assert referral.agency == Referral.Agency.LADO
    assert referral.made_by is None and referral.made_at is None


def test_the_handler_who_records_the_lado_referral_as_made_is_its_maker(
    client, teacher, other_teacher, dsl, head
):
    concern = raise_about(teacher, other_teacher)
    referral = Referral.objects.get(concern=concern)
    sign_in(client, head, verified=True)
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/referrals/{referral.pk}/",
        {f"ref-{referral.pk}-made_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.made_by == head and referral.made_at is not None


# --- M5: the list needs a second factor and is audited ----------------------------------------


def list_entries():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__path=LIST)


@pytest.mark.parametrize("persona", ["chair", "dsl", "head"])
def test_the_list_needs_a_verified_second_factor_of_everyone(client, request, persona):
    user = signed(request.getfixturevalue(persona))
    sign_in(client, user)
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    assert not list_entries().exists()


@pytest.mark.parametrize("persona", ["chair", "dsl", "head"])
def test_a_handler_with_a_second_factor_reads_the_list_and_each_look_is_audited(
    client, request, persona
):
    user = signed(request.getfixturevalue(persona))
    sign_in(client, user, verified=True)
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 200
    assert list_entries().filter(actor=user).count() == 2


@pytest.mark.parametrize("persona", ["teacher", "office", "volunteer", "parent"])
def test_nobody_else_reaches_the_list_even_with_a_second_factor(client, request, persona):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=True)
    assert client.get(LIST).status_code == 404
    assert not list_entries().exists()


def test_raising_one_needs_no_second_factor(client, teacher):
    """P3: reporting is never delayed, not even by the second factor."""
    sign_in(client, teacher)
    assert client.get(FORM).status_code == 200
