"""Every safeguarding clock reads the school calendar (P3): an urgent concern's escalation, a
LADO referral's one working day, a phone referral's written follow-up and the support action
after information is shared all skip the closures entered on the calendar page, the bank
holidays, the holidays between terms and the weekends. A concern raised when the school is
closed still reaches the safeguarding team at once, and the person who raised it is told when
the team may see it."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from confidentiality.models import Closure, Term
from records.models import ParentLink
from safeguarding import routing, school_time
from safeguarding.models import Action, Alert, Referral
from tests.conftest import sign_in

LONDON = ZoneInfo("Europe/London")


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def london(*parts):
    return datetime(*parts, tzinfo=LONDON)


@pytest.fixture
def monday_inset(client, office):
    """Monday 30 November 2026 entered as an INSET day by the school office on the page."""
    sign_in(client, office, verified=True)
    response = client.post(
        "/calendar/closures/add/",
        {"kind": "inset", "first_day": "2026-11-30", "reason": "Staff training"},
    )
    assert response.status_code == 302
    client.logout()
    return Closure.objects.get()


@pytest.fixture
def terms(db):
    Term.objects.create(
        name="Autumn term 2026", first_day=date(2026, 9, 2), last_day=date(2026, 12, 18)
    )
    Term.objects.create(
        name="Spring term 2027", first_day=date(2027, 1, 4), last_day=date(2027, 3, 26)
    )


# --- the escalation of an urgent concern ------------------------------------------------------


def test_escalation_skips_a_closure_entered_on_the_calendar_page(
    raise_concern, teacher, pupil, team, monday_inset
):
    with at(london(2026, 11, 27, 17, 55)):  # Friday, five minutes before closing
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    # Five minutes on Friday; Monday is an INSET day; ten minutes on Tuesday morning.
    assert routing.escalation_due_at(concern) == london(2026, 12, 1, 8, 10)
    assert routing.escalate_overdue(london(2026, 11, 30, 12, 0)) == 0
    assert routing.escalate_overdue(london(2026, 12, 1, 8, 10)) == 1


def test_escalation_skips_the_bank_holidays(raise_concern, teacher, pupil, team):
    with at(london(2026, 12, 24, 17, 55)):  # Christmas Eve, no terms entered
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    # Christmas Day (Friday), the weekend and Boxing Day's substitute (Monday 28th) skipped.
    assert routing.escalation_due_at(concern) == london(2026, 12, 29, 8, 10)


def test_escalation_waits_for_the_next_term(raise_concern, teacher, pupil, team, terms):
    with at(london(2026, 12, 18, 17, 55)):  # the last day of the autumn term
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    assert routing.escalation_due_at(concern) == london(2027, 1, 4, 8, 10)
    assert routing.escalate_overdue(london(2026, 12, 21, 10, 0)) == 0  # the holidays


def test_an_urgent_concern_at_night_reaches_the_team_at_once(
    raise_concern, teacher, pupil, team, django_capture_on_commit_callbacks
):
    with at(london(2026, 11, 30, 3, 55)), django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
    told = set(Alert.objects.filter(concern=concern).values_list("recipient__username", flat=True))
    assert told == {"dsl", "deputy"}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "deputy@school.test",
        "dsl@school.test",
    ]
    # Only the climb to the next person waits for school time.
    assert routing.escalation_due_at(concern) == london(2026, 11, 30, 8, 15)


# --- statutory clocks --------------------------------------------------------------------------


def test_a_lado_referral_skips_a_closure_and_a_bank_holiday(
    raise_concern, teacher, pupil, team, dsl, monday_inset
):
    with at(london(2026, 11, 27, 11, 0)):  # Friday; Monday is an INSET day
        concern = raise_concern(teacher, [pupil])
    referral = Referral(concern=concern, agency=Referral.Agency.LADO, made_by=dsl)
    referral.save()
    assert referral.due_by == london(2026, 12, 1, 18, 0)  # Tuesday evening

    with at(london(2026, 12, 24, 11, 0)):  # Thursday before Christmas
        concern = raise_concern(teacher, [pupil])
    referral = Referral(concern=concern, agency=Referral.Agency.LADO, made_by=dsl)
    referral.save()
    assert referral.due_by == london(2026, 12, 29, 18, 0)
    assert not Referral.objects.overdue(london(2026, 12, 28, 17, 0)).filter(pk=referral.pk)


def _phone_referral(concern, dsl, made_at):
    referral = Referral(
        concern=concern,
        agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
        method=Referral.Method.PHONE,
        made_at=made_at,
        made_by=dsl,
    )
    referral.save()
    return referral


def test_the_written_follow_up_is_due_on_a_school_day(
    raise_concern, teacher, pupil, team, dsl, monday_inset
):
    concern = raise_concern(teacher, [pupil])
    # A school day: 24 hours after the call.
    tuesday = _phone_referral(concern, dsl, london(2026, 11, 24, 10, 0))
    assert tuesday.follow_up_due_by == london(2026, 11, 25, 10, 0)
    # Friday's call: Saturday is no school day, nor is Monday (INSET): Tuesday evening.
    friday = _phone_referral(concern, dsl, london(2026, 11, 27, 10, 0))
    assert friday.follow_up_due_by == london(2026, 12, 1, 18, 0)
    assert not Referral.objects.overdue(london(2026, 11, 30, 20, 0)).filter(pk=friday.pk)
    assert Referral.objects.overdue(london(2026, 12, 1, 18, 1)).filter(pk=friday.pk).exists()
    # The day before a bank holiday (Good Friday 2027): the end of the next school day.
    before_easter = _phone_referral(concern, dsl, london(2027, 3, 25, 10, 0))
    assert before_easter.follow_up_due_by == london(2027, 3, 30, 18, 0)  # Easter Monday skipped


def test_the_support_action_after_a_share_skips_a_closure(
    client, raise_concern, teacher, pupil, team, dsl, parent, monday_inset
):
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    with at(london(2026, 11, 26, 10, 0)):  # Thursday
        concern = raise_concern(teacher, [pupil])
        sign_in(client, dsl, verified=True)
        response = client.post(
            f"/safeguarding/concerns/{concern.pk}/shares/",
            {
                "share-student": str(pupil.pk),
                "share-shared_on": "2026-11-26",
                "share-agency": "Children's social care",
                "share-recipient": "J. Harper, social worker",
                "share-what_was_shared": "What was said.",
                "share-lawful_basis": "6_1_e",
                "share-special_category": "9_2_g_sch1_18",
                "share-student_told": "on",
                "share-parents_told": "on",
            },
        )
    assert response.status_code == 302
    action = Action.objects.get(concern=concern)
    # Three school days: Friday, (Monday is an INSET day) Tuesday, Wednesday.
    assert action.due_on == date(2026, 12, 2)
    assert routing.alert_overdue(london(2026, 12, 2, 17, 0)) == 0
    assert routing.alert_overdue(london(2026, 12, 3, 9, 0)) == 1


# --- the clock's own words ---------------------------------------------------------------------


def test_school_time_is_weekdays_in_term_in_school_hours(terms, monday_inset):
    assert school_time.is_school_time(london(2026, 11, 27, 9, 0))
    assert not school_time.is_school_time(london(2026, 11, 27, 19, 0))  # evening
    assert not school_time.is_school_time(london(2026, 11, 28, 10, 0))  # Saturday
    assert not school_time.is_school_time(london(2026, 11, 30, 10, 0))  # INSET day
    assert not school_time.is_school_time(london(2026, 12, 22, 10, 0))  # holidays
    assert school_time.next_school_time(london(2026, 12, 18, 19, 0)) == london(2027, 1, 4, 8, 0)


def test_the_old_closure_setting_still_closes_the_school(settings, db):
    settings.SAFEGUARDING_CLOSURE_DATES = ["2026-11-24"]
    assert not school_time.is_working_day(date(2026, 11, 24))
    assert school_time.is_working_day(date(2026, 11, 25))


def test_a_calendar_closed_for_years_never_stops_the_clock(db):
    Closure.objects.create(
        kind=Closure.Kind.OTHER, first_day=date(2026, 1, 1), last_day=date(2030, 12, 31)
    )
    assert school_time.add_working_days(london(2026, 11, 27, 10, 0), 1) == london(
        2026, 11, 30, 18, 0
    )


def test_one_query_at_most_for_a_clock(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        school_time.add_school_minutes(london(2026, 12, 24, 17, 55), 15)
    with django_assert_max_num_queries(0):
        school_time.add_working_days(london(2026, 12, 24, 11, 0), 5)


# --- what the person raising it is told --------------------------------------------------------


def test_at_night_the_person_is_told_when_school_opens(db):
    words = school_time.when_the_team_will_see(
        london(2026, 11, 30, 3, 55), now=london(2026, 11, 30, 3, 56)
    )
    assert words == (
        "It is outside school hours: your concern has been sent now, by email and alert, but "
        "the safeguarding team may not see it until school opens on Monday 30 November at "
        "8:00. If a child is in immediate danger, call 999 now."
    )


def test_an_urgent_concern_also_says_when_it_climbs(monday_inset):
    words = school_time.when_the_team_will_see(
        london(2026, 11, 27, 18, 30), urgent=True, now=london(2026, 11, 27, 18, 31)
    )
    assert "until school opens on Tuesday 1 December at 8:00" in words
    assert "If nobody has acknowledged it by 8:15 that day" in words
    assert words.endswith("call 999 now.")


def test_in_school_time_or_once_school_has_opened_nothing_is_said(db):
    assert school_time.when_the_team_will_see(london(2026, 11, 27, 10, 0)) == ""
    assert (
        school_time.when_the_team_will_see(
            london(2026, 11, 28, 10, 0), now=london(2026, 11, 30, 8, 0)
        )
        == ""
    )


def test_the_concern_page_tells_the_person_who_raised_it(raise_concern, client, teacher, pupil):
    saturday = london(2026, 11, 28, 11, 0)
    with at(saturday):
        concern = raise_concern(teacher, [pupil], urgency="urgent")
        sign_in(client, teacher)
        page = client.get(f"/safeguarding/mine/{concern.pk}/").content.decode()
    assert 'id="when-seen"' in page
    assert "until school opens on Monday 30 November at 8:00" in page
    assert "call 999 now" in page
    # Once acknowledged, or once school has opened, it is no longer said.
    with at(london(2026, 11, 30, 9, 0)):
        page = client.get(f"/safeguarding/mine/{concern.pk}/").content.decode()
    assert 'id="when-seen"' not in page
