"""School hours and working days: the clocks the safeguarding procedure runs on (P3).

An urgent concern must be acknowledged within a number of *school* minutes; a LADO referral is
due within one *working* day. Times outside school hours count from the next school-day start.
The hours come from settings so a school with a breakfast club can widen them.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def _zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "SAFEGUARDING_SCHOOL_TIME_ZONE", "Europe/London"))


def _hours() -> tuple[time, time]:
    start, end = getattr(settings, "SAFEGUARDING_SCHOOL_HOURS", ("08:00", "18:00"))
    return time.fromisoformat(start), time.fromisoformat(end)


def _school_days() -> frozenset[int]:
    # Monday is 0. Bank holidays and closures are listed as ISO dates in the setting below.
    return frozenset(getattr(settings, "SAFEGUARDING_SCHOOL_DAYS", (0, 1, 2, 3, 4)))


def _closures() -> frozenset[str]:
    return frozenset(getattr(settings, "SAFEGUARDING_CLOSURE_DATES", ()))


def is_working_day(day) -> bool:
    return day.weekday() in _school_days() and day.isoformat() not in _closures()


def _next_opening(moment: datetime) -> datetime:
    """``moment`` if the school is open then, else the start of the next school day."""
    zone = _zone()
    local = moment.astimezone(zone)
    opens, closes = _hours()
    day = local.date()
    if is_working_day(day) and opens <= local.time() < closes:
        return local
    if is_working_day(day) and local.time() < opens:
        return datetime.combine(day, opens, zone)
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, opens, zone)


def add_school_minutes(start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` of school time after ``start`` (evenings and weekends skipped)."""
    zone = _zone()
    _, closes = _hours()
    moment = _next_opening(start)
    left = timedelta(minutes=minutes)
    while True:
        closing = datetime.combine(moment.date(), closes, zone)
        if moment + left <= closing:
            return moment + left
        left -= closing - moment
        moment = _next_opening(closing)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the working day ``days`` working days after ``start``'s day (LADO: one)."""
    zone = _zone()
    _, closes = _hours()
    day = start.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, closes, zone)


def escalation_minutes() -> int:
    return int(getattr(settings, "SAFEGUARDING_ESCALATE_AFTER_MINUTES", 15))
