"""When a subject-access request must be answered (UK GDPR, article 12(3); the ICO's guidance).

- The month runs from the day the request is received to the **corresponding day of the next
  month** (received 3 March: due 3 April). Where the next month has no such day, the deadline
  is that month's **last day** (received 31 January: due 28 or 29 February).
- A deadline on a Saturday, a Sunday or a **bank holiday** of the school's nation
  (``SCHOOL_NATION``) moves to the **next working day** (25 and 28 December 2026: the 29th;
  Good Friday: the Tuesday after Easter Monday). The bank holidays are the school calendar's
  own list (``confidentiality.school_calendar.bank_holidays``), never the school's closures:
  a request's month runs through the school holidays.
- A complex request may be **extended by up to two further months**, with the reason recorded
  and the requester told within the first month: so an extension is refused once the first
  month's deadline has passed.
"""

import calendar
from datetime import date, timedelta

from django.conf import settings

from confidentiality.school_calendar import WEEKEND, bank_holidays

MAX_EXTENSION_MONTHS = 2
# The dashboard warns this many days before a deadline.
WARN_DAYS = 7


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day if it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    holidays = bank_holidays(settings.SCHOOL_NATION)
    while day.weekday() in WEEKEND or day in holidays:
        day += timedelta(days=1)
    return day


def due_on(received_on: date, extended_months: int = 0) -> date:
    """The deadline of a request received on ``received_on``, extended by so many months."""
    return next_working_day(add_months(received_on, 1 + extended_months))
