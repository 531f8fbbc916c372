"""The daily check of ending delegations reads the school calendar like every other reminder:
nobody is told on a day the school is closed, and an end that fell in the holidays between
terms is still told on the first school day after them (not lost to the week looked back on)."""

from datetime import date

import pytest

from confidentiality.models import Term
from performance.models import Delegation
from performance.notifications import tell_of_ending_delegations


@pytest.fixture
def terms(db):
    Term.objects.create(
        name="Autumn term 2026", first_day=date(2026, 9, 2), last_day=date(2026, 12, 18)
    )
    Term.objects.create(
        name="Spring term 2027", first_day=date(2027, 1, 4), last_day=date(2027, 3, 26)
    )


def test_an_end_in_the_holidays_is_told_on_the_first_day_of_term(
    terms, teacher_file, line_manager, head
):
    delegation = Delegation(
        file=teacher_file,
        reviewer=line_manager,
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 12, 22),  # in the Christmas holidays
        delegated_by=head,
    )
    delegation.save()
    for holiday in (date(2026, 12, 23), date(2026, 12, 30), date(2027, 1, 1)):
        assert tell_of_ending_delegations(today=holiday) == 0, holiday
    delegation.refresh_from_db()
    assert delegation.end_told_at is None
    # Thirteen days after it ended, but the first school day since.
    assert tell_of_ending_delegations(today=date(2027, 1, 4)) == 1
    delegation.refresh_from_db()
    assert delegation.end_told_at is not None
    assert tell_of_ending_delegations(today=date(2027, 1, 5)) == 0  # once only
