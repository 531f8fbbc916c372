"""Dates as the school's pages, alerts and emails say them: one style, no leading zeros.

"Wed 2 Dec" where a short date fits (a task on the dashboard, an alert), "Wednesday 2 December"
in a sentence; the year only when it is not this year's. Written here once so that an alert
never reads "02 December" beside a page's "2 Dec"."""

from datetime import date

from django.utils import timezone


def _year(day: date) -> str:
    return "" if day.year == timezone.localdate().year else f" {day.year}"


def short_day(day: date) -> str:
    """ "Wed 2 Dec" (with the year if not this year's)."""
    return f"{day:%a} {day.day} {day:%b}{_year(day)}"


def day_in_words(day: date) -> str:
    """ "Wednesday 2 December" (with the year if not this year's)."""
    return f"{day:%A} {day.day} {day:%B}{_year(day)}"
