"""The month to answer (UK GDPR, article 12(3)), its extension by up to two further months with
a reason, and the dashboard's warning when a deadline is near or past."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from subject_access import casework
from subject_access.deadlines import add_months, due_on
from tests.conftest import sign_in


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 2, 3), date(2026, 3, 3)),  # the same day next month (a Tuesday)
        (date(2027, 1, 31), date(2027, 3, 1)),  # no 31 February: the 28th, a Sunday -> Monday
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year's last day of February
        (date(2026, 12, 15), date(2027, 1, 15)),  # over the turn of the year
        (date(2026, 9, 5), date(2026, 10, 5)),  # 5 October 2026 is a Monday
        (date(2026, 9, 3), date(2026, 10, 5)),  # 3 October 2026 is a Saturday -> Monday
    ],
)
def test_the_deadline_is_the_same_day_next_month_or_the_next_working_day(received, due):
    assert due_on(received) == due


def test_an_extension_adds_up_to_two_further_months():
    assert add_months(date(2026, 3, 31), 3) == date(2026, 6, 30)
    assert due_on(date(2026, 3, 3), 2) == date(2026, 6, 3)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Christmas Day 2026 is a Friday, the 26th a Saturday, the 28th the substitute Boxing
        # Day: both bank holidays in England and Wales, so the 29th.
        (date(2026, 11, 25), date(2026, 12, 29)),
        (date(2026, 11, 28), date(2026, 12, 29)),
        # Good Friday 2026 is 3 April and Easter Monday the 6th: the Tuesday.
        (date(2026, 3, 3), date(2026, 4, 7)),
        (date(2026, 3, 6), date(2026, 4, 7)),
        # The early May bank holiday, 4 May 2026: the Tuesday.
        (date(2026, 4, 4), date(2026, 5, 5)),
    ],
)
def test_a_deadline_on_a_bank_holiday_moves_to_the_next_working_day(received, due):
    assert due_on(received) == due


def test_an_extended_deadline_on_a_bank_holiday_moves_too():
    # Received 25 October 2026: two more months end on 25 December, so the 29th.
    assert due_on(date(2026, 10, 25), 1) == date(2026, 12, 29)


def test_the_bank_holidays_are_those_of_the_schools_nation(settings):
    # 2 January 2027 is a Saturday; Scotland's substitute day for it is Monday 4 January.
    settings.SCHOOL_NATION = "scotland"
    assert due_on(date(2026, 12, 4)) == date(2027, 1, 5)
    settings.SCHOOL_NATION = "england-and-wales"
    assert due_on(date(2026, 12, 4)) == date(2027, 1, 4)


def test_a_school_closure_does_not_move_the_deadline(db):
    """The month runs through the school's holidays: a closure entered on the calendar (here
    the whole week of the deadline) changes nothing."""
    from confidentiality.models import Closure

    Closure.objects.create(
        first_day=date(2026, 10, 26), last_day=date(2026, 10, 30), kind="half_term"
    )
    assert due_on(date(2026, 9, 28)) == date(2026, 10, 28)


def test_an_extension_is_recorded_with_its_reason(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    url = reverse("subject_access:extend", kwargs={"pk": sar.pk})
    response = client.post(url, {"months": "2", "reason": "Twelve years of records to read."})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.extended_months == 2 and sar.extended_by == dsl
    assert sar.extension_reason == "Twelve years of records to read."
    assert sar.due_on == due_on(sar.received_on, 2)


def test_an_extension_needs_a_reason_and_keeps_what_was_chosen(client, sar, dsl):
    sign_in(client, dsl, verified=True)
    url = reverse("subject_access:extend", kwargs={"pk": sar.pk})
    response = client.post(url, {"months": "1", "reason": ""})
    assert response.status_code == 400
    assert 'value="1" required id="id_months_0" checked' in response.content.decode()
    sar.refresh_from_db()
    assert sar.extended_months == 0


def test_no_extension_after_the_first_month_nor_beyond_two_months(sar, dsl):
    with pytest.raises(ValidationError, match="one or two months"):
        casework.extend(sar, 3, "Complex.", dsl)
    sar.received_on = timezone.localdate() - timedelta(days=40)
    sar.save()
    with pytest.raises(ValidationError, match="can no longer be extended"):
        casework.extend(sar, 1, "Complex.", dsl)


def _dashboard(client, user):
    sign_in(client, user, verified=True)
    return client.get(reverse("dashboard")).content.decode()


def test_the_dashboard_warns_the_team_of_a_near_or_past_deadline(client, sar, dsl, deputy, head):
    assert "Subject-access deadlines" not in _dashboard(client, dsl)  # a month away
    sar.received_on = timezone.localdate() - timedelta(days=40)
    sar.save()
    for person in (dsl, deputy):
        client.logout()
        page = _dashboard(client, person)
        assert "Subject-access deadlines" in page and "overdue since" in page
    client.logout()
    assert "Subject-access deadlines" not in _dashboard(client, head)
    # Answered: no longer warned of.
    sar.status = "sent"
    sar.save()
    client.logout()
    assert "Subject-access deadlines" not in _dashboard(client, dsl)
