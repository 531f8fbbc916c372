"""Routing (P3, P8): every concern reaches the DSL and deputies at once; urgent ones climb to the
deputies and then the head teacher if nobody acknowledges them in school time; emails carry
no content, are retried when they fail, and are never silently dropped."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from safeguarding import routing, school_time
from safeguarding.models import Alert, Notification

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_new_concern_alerts_the_dsl_and_every_deputy_at_once(
    raise_concern, teacher, pupil, team, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(teacher, [pupil])
    recipients = set(
        Alert.objects.filter(concern=concern).values_list("recipient__username", flat=True)
    )
    assert recipients == {"dsl", "deputy"}  # not the head teacher (not on the team)
    assert sorted(m.to[0] for m in mail.outbox) == ["deputy@school.test", "dsl@school.test"]
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2


def test_the_email_names_who_and_when_but_never_the_content(
    raise_concern, teacher, pupil, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(teacher, [pupil], account="My dad hit me with a belt.", urgency="urgent")
    message = mail.outbox[0]
    body = message.body + message.alternatives[0][0] + message.subject
    assert "Teacher Tester" in body and "URGENT" in message.subject
    for secret in ("belt", "Maya", "Quinn", "bruise", "Classroom", "physical", "Physical"):
        assert secret not in body
    alert = Alert.objects.first()
    assert "belt" not in alert.message and "Maya" not in alert.message


def test_with_no_safeguarding_team_the_head_teacher_is_told(raise_concern, teacher, pupil, head):
    concern = raise_concern(teacher, [pupil])
    assert list(Alert.objects.filter(concern=concern).values_list("recipient", flat=True)) == [
        head.pk
    ]


def test_an_unacknowledged_urgent_concern_climbs_to_the_deputies_then_the_head(
    raise_concern, teacher, pupil, team, head, settings
):
    settings.SAFEGUARDING_ESCALATE_AFTER_MINUTES = 15
    with at(MONDAY_10):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    assert routing.escalate_overdue(MONDAY_10 + timedelta(minutes=14)) == 0
    assert routing.escalate_overdue(MONDAY_10 + timedelta(minutes=15)) == 1
    concern.refresh_from_db()
    assert concern.escalation_level == 1
    escalated = Alert.objects.filter(kind=Alert.Kind.ESCALATED)
    assert list(escalated.values_list("recipient__username", flat=True)) == ["deputy"]
    # Fifteen more school minutes: the head teacher.
    assert routing.escalate_overdue(MONDAY_10 + timedelta(minutes=29)) == 0
    assert routing.escalate_overdue(MONDAY_10 + timedelta(minutes=30)) == 1
    assert escalated.filter(recipient=head).count() == 1
    # Nobody above the head: no more escalation, however long it waits.
    assert routing.escalate_overdue(MONDAY_10 + timedelta(hours=5)) == 0
    assert "belt" not in escalated.get(recipient=head).message


def test_acknowledging_stops_escalation(raise_concern, teacher, pupil, team, dsl):
    with at(MONDAY_10):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    concern.acknowledge(by=dsl, now=MONDAY_10 + timedelta(minutes=5))
    assert routing.escalate_overdue(MONDAY_10 + timedelta(hours=2)) == 0
    assert not Alert.objects.filter(kind=Alert.Kind.ESCALATED).exists()


def test_routine_concerns_do_not_escalate(raise_concern, teacher, pupil, team):
    with at(MONDAY_10):
        raise_concern(teacher, [pupil], urgency="routine")
    assert routing.escalate_overdue(MONDAY_10 + timedelta(hours=3)) == 0


def test_out_of_hours_the_clock_starts_at_the_next_school_day(raise_concern, teacher, pupil, team):
    friday_evening = datetime(2026, 11, 27, 17, 55, tzinfo=LONDON)
    with at(friday_evening):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    # Five minutes on Friday, ten on Monday morning.
    assert routing.escalation_due_at(concern) == datetime(2026, 11, 30, 8, 10, tzinfo=LONDON)
    assert routing.escalate_overdue(datetime(2026, 11, 29, 12, 0, tzinfo=LONDON)) == 0
    assert routing.escalate_overdue(datetime(2026, 11, 30, 8, 10, tzinfo=LONDON)) == 1


def test_the_escalation_time_is_a_setting(raise_concern, teacher, pupil, team, settings):
    settings.SAFEGUARDING_ESCALATE_AFTER_MINUTES = 5
    with at(MONDAY_10):
        raise_concern(teacher, [pupil], urgency="urgent")
    assert routing.escalate_overdue(MONDAY_10 + timedelta(minutes=5)) == 1


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (datetime(2026, 11, 23, 7, 0), 15, datetime(2026, 11, 23, 8, 15)),  # before opening
        (datetime(2026, 11, 23, 17, 50), 15, datetime(2026, 11, 24, 8, 5)),  # across the night
        (datetime(2026, 11, 28, 11, 0), 15, datetime(2026, 11, 30, 8, 15)),  # Saturday
    ],
)
def test_school_minutes(start, minutes, expected, db):  # the calendar is in the database
    start, expected = start.replace(tzinfo=LONDON), expected.replace(tzinfo=LONDON)
    assert school_time.add_school_minutes(start, minutes) == expected


def test_a_closure_day_is_not_a_school_day(settings, db):
    settings.SAFEGUARDING_CLOSURE_DATES = ["2026-11-24"]
    start = datetime(2026, 11, 23, 17, 55, tzinfo=LONDON)
    assert school_time.add_school_minutes(start, 15) == datetime(2026, 11, 25, 8, 10, tzinfo=LONDON)


def test_a_failed_email_is_retried_with_backoff_then_delivered(
    raise_concern, teacher, pupil, dsl, django_capture_on_commit_callbacks
):
    failing = mock.patch("safeguarding.routing.send_templated", side_effect=OSError("SMTP down"))
    with failing, at(MONDAY_10), django_capture_on_commit_callbacks(execute=True):
        raise_concern(teacher, [pupil])
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.RETRYING
    assert notification.attempts == 1 and "SMTP down" in notification.last_error
    assert notification.next_attempt_at == MONDAY_10 + timedelta(minutes=1)
    assert routing.retry_due(MONDAY_10 + timedelta(seconds=30)) == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert routing.run_checks(MONDAY_10 + timedelta(minutes=1))["retried"] == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 2
    assert [m.to for m in mail.outbox] == [["dsl@school.test"]]


def test_an_email_that_keeps_failing_is_shown_to_the_team_never_dropped(
    raise_concern, teacher, pupil, team, dsl, client, django_capture_on_commit_callbacks
):
    from tests.conftest import sign_in

    failing = mock.patch("safeguarding.routing.send_templated", side_effect=OSError("SMTP down"))
    with failing, at(MONDAY_10), django_capture_on_commit_callbacks(execute=True):
        raise_concern(teacher, [pupil])
    moment = MONDAY_10
    for wait in Notification.BACKOFF:
        moment += wait
        with failing, at(moment), django_capture_on_commit_callbacks(execute=True):
            routing.run_checks(moment)
    failed = Notification.objects.failed()
    assert failed.count() == 2 and all(n.attempts == Notification.MAX_ATTEMPTS for n in failed)
    assert Alert.objects.filter(kind=Alert.Kind.DELIVERY_FAILED, recipient=dsl).count() == 2
    page = sign_in(client, dsl, verified=True).get("/safeguarding/").content.decode()
    assert "Emails that could not be delivered" in page and "SMTP down" in page


def test_the_periodic_command_escalates(raise_concern, teacher, pupil, team):
    with at(MONDAY_10):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    with at(MONDAY_10 + timedelta(minutes=20)):
        call_command("escalate_concerns", verbosity=0)
    concern.refresh_from_db()
    assert concern.escalation_level == 1
