"""The reminders of the periodic checks go out on school days only (P3, P9): an action that fell
due before a closure entered on the calendar page and a bank holiday is told on the next school
day, not on the closed days; training reminders wait the same way; the deadlines skip the same
days. A new urgent concern is never held back: it reaches the team at once, whatever the day."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from confidentiality.models import Closure
from safeguarding import routing, school_time, training
from safeguarding.models import Action, Alert, Referral
from tests.conftest import sign_in

LONDON = ZoneInfo("Europe/London")
# Wednesday 23 December 2026 is the last school day before Christmas: the school enters
# Thursday 24th as a closure; Friday 25th and Monday 28th (Boxing Day's substitute) are bank
# holidays; Tuesday 29th is the next school day (no terms entered: every weekday is term time).
DUE = date(2026, 12, 23)
CLOSED_DAYS = [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)]
NEXT_SCHOOL_DAY = date(2026, 12, 29)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def ten_oclock(day):
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)


@pytest.fixture
def christmas_eve_closed(client, office):
    """Thursday 24 December 2026 entered as a closure by the school office on the page."""
    sign_in(client, office, verified=True)
    response = client.post(
        "/calendar/closures/add/",
        {"kind": "inset", "first_day": "2026-12-24", "reason": "Staff training"},
    )
    assert response.status_code == 302
    client.logout()
    return Closure.objects.get()


@pytest.fixture
def action_due_before_christmas(raise_concern, teacher, pupil, team, dsl):
    with at(ten_oclock(date(2026, 12, 21))):
        concern = raise_concern(teacher, [pupil])
    action = Action(
        concern=concern,
        description="Speak to mum at pick-up",
        brief="Please speak to mum at pick-up.",
        owner=teacher,
        due_on=DUE,
        created_by=dsl,
    )
    action.save()
    return action


def test_the_closed_days_are_the_calendar_s(christmas_eve_closed):
    for day in CLOSED_DAYS:
        assert not school_time.is_school_day_today(ten_oclock(day)), day
    assert school_time.is_school_day_today(ten_oclock(NEXT_SCHOOL_DAY))
    assert school_time.last_school_day_before(NEXT_SCHOOL_DAY) == DUE


def test_an_overdue_action_is_told_on_the_next_school_day_not_on_a_closed_one(
    christmas_eve_closed, action_due_before_christmas, dsl, deputy, teacher
):
    for day in CLOSED_DAYS:
        assert routing.run_checks(ten_oclock(day))["overdue"] == 0, day
    assert not Alert.objects.filter(
        kind__in=[Alert.Kind.OVERDUE_ACTION, Alert.Kind.TASK_OVERDUE]
    ).exists()

    assert routing.run_checks(ten_oclock(NEXT_SCHOOL_DAY))["overdue"] == 1
    told = Alert.objects.filter(kind=Alert.Kind.OVERDUE_ACTION)
    assert {alert.recipient for alert in told} == {dsl, deputy}
    assert Alert.objects.filter(kind=Alert.Kind.TASK_OVERDUE, recipient=teacher).exists()
    action_due_before_christmas.refresh_from_db()
    assert timezone_date(action_due_before_christmas.overdue_alerted_at) == NEXT_SCHOOL_DAY


def timezone_date(moment):
    return moment.astimezone(LONDON).date()


def test_a_referral_past_its_time_is_told_on_a_school_day(
    raise_concern, teacher, pupil, team, dsl, christmas_eve_closed
):
    with at(ten_oclock(date(2026, 12, 23))):  # Wednesday, the last day before the closure
        concern = raise_concern(teacher, [pupil])
    referral = Referral(concern=concern, agency=Referral.Agency.LADO, made_by=dsl)
    referral.save()
    # The deadline skips the closure and the bank holidays: the end of Tuesday 29th.
    assert referral.due_by == datetime(2026, 12, 29, 18, 0, tzinfo=LONDON)
    for day in CLOSED_DAYS:
        assert routing.alert_overdue(ten_oclock(day)) == 0
    assert routing.alert_overdue(datetime(2026, 12, 29, 18, 1, tzinfo=LONDON)) == 1


def test_the_deadlines_skip_the_closure_and_the_bank_holidays(
    raise_concern, teacher, pupil, team, dsl, christmas_eve_closed
):
    wednesday_evening = datetime(2026, 12, 23, 17, 0, tzinfo=LONDON)
    assert school_time.add_working_days(wednesday_evening, 1) == datetime(
        2026, 12, 29, 18, 0, tzinfo=LONDON
    )
    assert school_time.hours_later_on_a_school_day(wednesday_evening, 24) == datetime(
        2026, 12, 29, 18, 0, tzinfo=LONDON
    )


def test_an_urgent_concern_on_a_closed_day_reaches_the_team_at_once(
    raise_concern, teacher, pupil, team, christmas_eve_closed
):
    with at(ten_oclock(date(2026, 12, 24))):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    told = set(Alert.objects.filter(concern=concern).values_list("recipient__username", flat=True))
    assert told == {"dsl", "deputy"}
    # Only the climb to the next person counts school minutes: Tuesday 29th at 08:15.
    assert routing.escalation_due_at(concern) == datetime(2026, 12, 29, 8, 15, tzinfo=LONDON)


def test_a_training_reminder_waits_for_a_school_day(teacher, christmas_eve_closed):
    # Nothing recorded: overdue. Nobody is reminded on a closed day.
    for day in CLOSED_DAYS:
        assert training.send_reminders(day) == 0, day
    assert not Alert.objects.filter(kind=Alert.Kind.TRAINING_DUE).exists()
    assert training.send_reminders(NEXT_SCHOOL_DAY) > 0
    assert Alert.objects.filter(kind=Alert.Kind.TRAINING_DUE, recipient=teacher).exists()
