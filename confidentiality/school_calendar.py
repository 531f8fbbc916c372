"""Which days the school is open: the one answer every clock the school keeps reads.

A school day is a weekday, in term, that is neither a closure the school entered on the
calendar page (an INSET day, half term, a polling day) nor a bank holiday of the school's nation
(``SCHOOL_NATION``, from the ``govuk-bank-holidays`` package's own copy of GOV.UK's list, so
no request ever leaves the server).

Term dates: with no term entered, every weekday counts as term time (as before the calendar
existed), and a day before the first term entered or after the last one counts as term time too.
A calendar nobody has filled in for next year must never stop the safeguarding clocks; only the
holidays *between* terms the school has entered close it.

Cheap to ask: the calendar is read from the database in one query and kept in the site's cache
(shared by every worker) until a term or closure is saved or deleted.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, Value

from confidentiality.roles import Role

CACHE_KEY = "school-calendar:v1"
WEEKEND = (5, 6)  # Saturday and Sunday


def may_keep_the_calendar(user) -> bool:
    """The school office, the head teacher and the DSL keep the calendar (the DSL because the
    safeguarding clocks run on it)."""
    return user.has_role(Role.OFFICE_STAFF, Role.HEAD_TEACHER, Role.DSL)


@lru_cache(maxsize=4)
def bank_holidays(nation: str) -> dict[date, str]:
    """The bank holidays of ``nation`` (england-and-wales, scotland or northern-ireland), from
    the package's bundled copy: offline, and the same in every process."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    holidays = BankHolidays(use_cached_holidays=True)
    return {day["date"]: day["title"] for day in holidays.get_holidays(division=nation)}


@dataclass(frozen=True)
class SchoolCalendar:
    """The school's terms and closures as they stand: a snapshot to ask about many days."""

    terms: tuple[tuple[date, date], ...]
    closed_days: frozenset[date]
    nation: str

    def in_term(self, day: date) -> bool:
        """In a term, or outside the span of the terms entered (not known to be a holiday)."""
        if not self.terms:
            return True
        if day < self.terms[0][0] or day > max(last for _, last in self.terms):
            return True
        return any(first <= day <= last for first, last in self.terms)

    def is_school_day(self, day: date) -> bool:
        return (
            day.weekday() not in WEEKEND
            and day not in bank_holidays(self.nation)
            and day not in self.closed_days
            and self.in_term(day)
        )


def _each_day(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def _load(leaving_out=None) -> SchoolCalendar:
    """The calendar from the database; ``leaving_out`` a term or closure, to see the calendar
    as it would be without it."""
    from confidentiality.models import Closure, Term

    terms = Term.objects.order_by()
    closures = Closure.objects.order_by()
    if isinstance(leaving_out, Term):
        terms = terms.exclude(pk=leaving_out.pk)
    elif isinstance(leaving_out, Closure):
        closures = closures.exclude(pk=leaving_out.pk)
    # One query for both: the terms and the closures, each a pair of days.
    terms = terms.annotate(what=Value("term", output_field=CharField())).values_list(
        "first_day", "last_day", "what"
    )
    closures = closures.annotate(what=Value("closure", output_field=CharField())).values_list(
        "first_day", "last_day", "what"
    )
    rows = list(terms.union(closures, all=True))
    closed = set()
    for first, last, what in rows:
        if what == "closure":
            closed.update(_each_day(first, last))
    return SchoolCalendar(
        terms=tuple(sorted((first, last) for first, last, what in rows if what == "term")),
        closed_days=frozenset(closed),
        nation=settings.SCHOOL_NATION,
    )


def current() -> SchoolCalendar:
    """The calendar as it stands: from the cache, or (after a change) one query."""
    calendar = cache.get(CACHE_KEY)
    if calendar is None or calendar.nation != settings.SCHOOL_NATION:
        calendar = _load()
        cache.set(CACHE_KEY, calendar, timeout=None)
    return calendar


def is_school_day(day: date) -> bool:
    return current().is_school_day(day)


def school_days(first: date, last: date) -> Iterable[date]:
    """The school days from ``first`` to ``last``, both included."""
    calendar = current()
    day = first
    while day <= last:
        if calendar.is_school_day(day):
            yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class WhatDeletingChanges:
    """The school days the clocks count that deleting a term or closure changes: those that
    would be taken for holidays (or closed), and those that would count again."""

    no_longer_school_days: tuple[date, ...]
    school_days_again: tuple[date, ...]


def what_deleting_changes(entry) -> WhatDeletingChanges:
    """What deleting ``entry`` (a term or a closure) changes. A closure changes only its own
    days. A term can change any day from the first term entered to the last (outside that
    span every weekday counts as term time): its own days become holidays when other terms lie
    on both sides, and the holidays beside it count as term time when it is the first or last."""
    from confidentiality.models import Term

    before, after = current(), _load(leaving_out=entry)
    if isinstance(entry, Term):
        first = min([entry.first_day, *(first for first, _ in before.terms)])
        last = max([entry.last_day, *(last for _, last in before.terms)])
    else:
        first, last = entry.first_day, entry.last_day
    lost, gained = [], []
    for day in _each_day(first, last):
        was, will_be = before.is_school_day(day), after.is_school_day(day)
        if was and not will_be:
            lost.append(day)
        elif will_be and not was:
            gained.append(day)
    return WhatDeletingChanges(tuple(lost), tuple(gained))


def forget(**kwargs) -> None:
    """A term or closure changed: the next question reads the calendar afresh. Again after the
    commit, so that no other worker keeps what it read while the change was being written."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
