"""The DSL's work (P3): acknowledge, triage, actions with owners and dates, referrals with their
statutory clocks, and closing only with a decision and its rationale."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguarding import routing
from safeguarding.models import Action, Alert, CaseNote, Concern, Referral
from tests.conftest import sign_in

# Reminders go out on school days only: these tests are about who is told, not when.
pytestmark = pytest.mark.usefixtures("any_day_is_a_school_day")

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil], urgency="urgent")


def url(concern, verb=""):
    return f"/safeguarding/concerns/{concern.pk}/{verb + '/' if verb else ''}"


@pytest.fixture
def dsl_client(client, dsl):
    return sign_in(client, dsl, verified=True)


def test_acknowledging_records_who_and_when(dsl_client, dsl, concern):
    dsl_client.post(url(concern, "acknowledge"))
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ACKNOWLEDGED
    assert concern.acknowledged_by == dsl and concern.acknowledged_at is not None


def test_triage_assigns_sets_the_level_with_a_reason_and_links(
    dsl_client, deputy, concern, raise_concern, teacher, pupil, student_factory, oak
):
    sibling = student_factory(group=oak, first_name="Leo", last_name="Quinn")
    earlier = raise_concern(teacher, [sibling])
    concern.name_children([(pupil, "subject"), (sibling, "sibling")])
    concern.save()
    response = dsl_client.post(
        url(concern, "triage"),
        {
            "triage-assigned_to": deputy.pk,
            "triage-level": "csc_referral",
            "triage-level_reason": "Repeated marks; dad named.",
            "triage-linked": [earlier.pk],
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.assigned_to == deputy and concern.level == "csc_referral"
    assert concern.level_reason == "Repeated marks; dad named."
    assert concern.status == Concern.Status.IN_PROGRESS
    assert list(concern.linked_concerns.all()) == [earlier]
    assert concern in earlier.linked_concerns.all()


def test_a_level_needs_a_reason(dsl_client, concern):
    response = dsl_client.post(url(concern, "triage"), {"triage-level": "monitor"})
    assert response.status_code == 400
    assert "Say why you chose this level." in response.content.decode()
    concern.refresh_from_db()
    assert concern.level == ""


def test_actions_have_owners_and_due_dates_and_overdue_ones_are_flagged(
    dsl_client, dsl, teacher, concern
):
    dsl_client.post(
        url(concern, "actions"),
        {
            "action-description": "Speak to mum at pick-up",
            "action-owner": teacher.pk,
            "action-due_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "action-keep_closed_day": "on",  # yesterday may have been a weekend
        },
    )
    action = Action.objects.get()
    assert action.owner == teacher and action.is_overdue
    page = dsl_client.get(url(concern)).content.decode()
    assert "Overdue" in page
    assert "Speak to mum at pick-up" in dsl_client.get("/safeguarding/").content.decode() or (
        concern.reference in dsl_client.get("/safeguarding/").content.decode()
    )
    assert routing.alert_overdue() == 1
    assert routing.alert_overdue() == 0  # once only
    assert Alert.objects.filter(kind=Alert.Kind.OVERDUE_ACTION, recipient=dsl).exists()
    dsl_client.post(url(concern, f"actions/{action.pk}/done"))
    action.refresh_from_db()
    assert action.done_at is not None and not action.is_overdue


def test_a_lado_referral_is_due_within_one_working_day(concern, dsl):
    concern.created_at = datetime(2026, 11, 27, 11, 0, tzinfo=LONDON)  # a Friday
    referral = Referral(concern=concern, agency=Referral.Agency.LADO, made_by=dsl)
    referral.save()
    assert referral.due_by == datetime(2026, 11, 30, 18, 0, tzinfo=LONDON)  # Monday evening
    assert not Referral.objects.overdue(datetime(2026, 11, 30, 17, 0, tzinfo=LONDON)).exists()
    assert Referral.objects.overdue(datetime(2026, 11, 30, 18, 1, tzinfo=LONDON)).exists()
    referral.record_progress(made_at=datetime(2026, 11, 30, 9, 0, tzinfo=LONDON))
    assert not Referral.objects.overdue(datetime(2026, 11, 30, 18, 1, tzinfo=LONDON)).exists()


def test_a_phone_referral_needs_a_written_follow_up_within_24_hours(dsl_client, concern):
    made = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # a Tuesday: Wednesday is a school day
    dsl_client.post(
        url(concern, "referrals"),
        {
            "referral-agency": "csc",
            "referral-method": "phone",
            "referral-made_at": made.strftime("%Y-%m-%dT%H:%M"),
            "referral-contact": "MASH duty",
            # P2: told first (tests/safeguarding/test_referral_is_a_share.py).
            "referral-student_told": "on",
            "referral-parents_told": "on",
        },
    )
    referral = Referral.objects.get()
    assert referral.follow_up_due_by == referral.made_at + timedelta(hours=24)
    assert referral.is_overdue and Referral.objects.overdue().exists()
    assert routing.alert_overdue() == 1
    assert Alert.objects.filter(kind=Alert.Kind.OVERDUE_REFERRAL).count() == 2  # DSL, deputy
    dsl_client.post(
        url(concern, f"referrals/{referral.pk}"),
        {
            f"ref-{referral.pk}-written_follow_up_at": timezone.localtime().strftime(
                "%Y-%m-%dT%H:%M"
            ),
            f"ref-{referral.pk}-outcome": "Strategy meeting booked.",
        },
    )
    referral.refresh_from_db()
    assert not referral.is_overdue and referral.outcome == "Strategy meeting booked."


def test_closing_needs_a_decision_and_its_rationale(concern, dsl):
    with pytest.raises(ValidationError) as error:
        concern.close(by=dsl, decision="", rationale="")
    assert set(error.value.message_dict) == {"decision", "rationale"}
    with pytest.raises(ValidationError):
        concern.close(by=dsl, decision="nfa", rationale="   ")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW
    concern.close(by=dsl, decision="nfa", rationale="Explained by a fall at football.")
    assert concern.status == Concern.Status.CLOSED and concern.closed_by == dsl


def test_the_close_form_shows_the_rules_errors(dsl_client, concern):
    response = dsl_client.post(url(concern, "close"), {"close-decision": "nfa"})
    assert response.status_code == 400
    assert "Explain the reasons for the decision." in response.content.decode()
    response = dsl_client.post(
        url(concern, "close"),
        {"close-decision": "nfa", "close-rationale": "Explained by a fall at football."},
    )
    concern.refresh_from_db()
    assert response.status_code == 302 and concern.is_closed


def test_dsl_notes_are_encrypted(dsl_client, concern):
    dsl_client.post(url(concern, "notes"), {"note-text": "Mum disclosed DV at home."})
    assert CaseNote.objects.get().text == "Mum disclosed DV at home."
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM safeguarding_casenote")
        stored = cursor.fetchone()[0]
    # Short words like "DV" can occur in random base64 by chance: check the whole phrase.
    assert "disclosed" not in stored
    assert stored.count("$") == 1  # "<key id>$<ciphertext>"


def test_the_dashboard_puts_urgent_first_and_counts_by_category_and_month(
    dsl_client, raise_concern, teacher, pupil, concern
):
    raise_concern(teacher, [pupil], category="neglect")
    page = dsl_client.get("/safeguarding/").content.decode()
    assert page.index("Urgent, not yet acknowledged") < page.index("New concerns")
    assert concern.reference in page
    # Each count links to the concern list narrowed to the concerns it counts.
    assert 'aria-label="1 concern: Neglect">1</a>' in page
    assert 'aria-label="1 concern: Physical abuse">1</a>' in page
    assert f'aria-label="2 concerns in {timezone.localdate():%B %Y}">2</a>' in page


def test_the_dashboard_queries_do_not_grow_with_concerns(
    dsl_client, raise_concern, teacher, pupil, dsl
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert dsl_client.get("/safeguarding/").status_code == 200
        return len(queries)

    def add_some():
        raise_concern(teacher, [pupil])
        c = raise_concern(teacher, [pupil], urgency="urgent")
        Action(
            concern=c, description="x", owner=dsl, created_by=dsl, due_on=date(2020, 1, 1)
        ).save()
        c.acknowledge(by=dsl)
        raise_concern(teacher, [pupil], urgency="urgent")

    add_some()
    first = count()
    for _ in range(5):
        add_some()
    assert count() == first


def test_the_dashboard_panel_counts_for_the_team(client, dsl, teacher, concern):
    page = sign_in(client, dsl, verified=True).get("/").content.decode()
    assert "1 urgent concern not yet acknowledged" in page
    page = sign_in(client, teacher).get("/").content.decode()
    assert "urgent concern not yet acknowledged" not in page
    assert "You have logged 1 concern; 1 still open." in page


def test_the_team_panel_waits_for_the_second_factor(client, dsl, concern):
    """Like the safeguarding dashboard it leads to: an unverified DSL is told to confirm the
    second factor, and sees no count of concerns until then."""
    page = sign_in(client, dsl).get("/").content.decode()
    assert "urgent concern" not in page and "awaiting the team" not in page
    assert "Confidential records need two-factor sign-in" in page
