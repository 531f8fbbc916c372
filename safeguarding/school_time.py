"""School hours and working days: the clocks the safeguarding procedure runs on (P3).

An urgent concern must be acknowledged within a number of *school* minutes; a LADO referral is
due within one *working* day. Times outside school hours count from the next school-day start.

Which days are school days is the school calendar's answer (``confidentiality.school_calendar``:
weekends, the terms, the closures entered on the calendar page and the bank holidays of the
school's nation). The hours come from settings so a school with a breakfast club can widen them.
``SAFEGUARDING_CLOSURE_DATES`` (ISO dates) still closes the days it lists, as it did before the
calendar: a school that set it keeps its closures; new ones belong on the calendar page.

Each function reads the calendar once (at most one query, usually none: it is cached) and then
works on that snapshot.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from confidentiality import school_calendar

# However the calendar is filled in (a closure entered for years by mistake), a clock never
# waits longer than this for the next school day: it then runs on the next weekday.
LONGEST_WAIT_DAYS = 400


def _zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "SAFEGUARDING_SCHOOL_TIME_ZONE", "Europe/London"))


def _hours() -> tuple[time, time]:
    start, end = getattr(settings, "SAFEGUARDING_SCHOOL_HOURS", ("08:00", "18:00"))
    return time.fromisoformat(start), time.fromisoformat(end)


def _school_days() -> frozenset[int]:
    # Monday is 0. A school that never opens on some weekday may leave it out.
    return frozenset(getattr(settings, "SAFEGUARDING_SCHOOL_DAYS", (0, 1, 2, 3, 4)))


def _closures_in_settings() -> frozenset[str]:
    return frozenset(getattr(settings, "SAFEGUARDING_CLOSURE_DATES", ()))


class _Days:
    """The school days as they stand now: the calendar read once, with the settings."""

    def __init__(self):
        self.calendar = school_calendar.current()
        self.weekdays = _school_days()
        self.closed = _closures_in_settings()

    def open_on(self, day: date) -> bool:
        return (
            day.weekday() in self.weekdays
            and day.isoformat() not in self.closed
            and self.calendar.is_school_day(day)
        )

    def after(self, day: date) -> date:
        """The first school day after ``day``."""
        for step in range(1, LONGEST_WAIT_DAYS + 1):
            following = day + timedelta(days=step)
            if self.open_on(following):
                return following
        following = day + timedelta(days=1)
        while following.weekday() in school_calendar.WEEKEND:
            following += timedelta(days=1)
        return following

    def before(self, day: date) -> date:
        """The last school day before ``day`` (at most ``LONGEST_WAIT_DAYS`` back)."""
        for step in range(1, LONGEST_WAIT_DAYS + 1):
            earlier = day - timedelta(days=step)
            if self.open_on(earlier):
                return earlier
        return day - timedelta(days=1)

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` if the school is open then, else the start of the next school day."""
        zone = _zone()
        local = moment.astimezone(zone)
        opens, closes = _hours()
        day = local.date()
        if self.open_on(day) and local.time() < closes:
            return max(local, datetime.combine(day, opens, zone))
        return datetime.combine(self.after(day), opens, zone)


def is_working_day(day: date) -> bool:
    """Whether the school is open on ``day`` (a weekday in term, not closed, not a bank
    holiday)."""
    return _Days().open_on(day)


def is_school_day_today(now: datetime | None = None) -> bool:
    """Whether the school is open today (in the school's time zone): the gate of every reminder
    the periodic checks send (an overdue action or referral, training due, a delegation ending).
    Nobody is told on a weekend, a closure, a bank holiday or between terms: the reminder goes
    on the next school day instead. Never a gate for a new or urgent concern, which reaches the
    team at once and climbs on school minutes (``add_school_minutes``)."""
    moment = now or timezone.now()
    return is_working_day(moment.astimezone(_zone()).date())


def next_school_day_after(day: date) -> date:
    """The first school day after ``day``: what a form suggests for a date the school is
    closed on."""
    return _Days().after(day)


def last_school_day_before(day: date) -> date:
    """The school day before ``day``: where a check that looks back "a week" starts counting
    after a holiday, so that nothing that fell due in the holiday is passed over."""
    return _Days().before(day)


def is_school_time(moment: datetime) -> bool:
    return next_school_time(moment) == moment.astimezone(_zone())


def next_school_time(moment: datetime) -> datetime:
    """``moment`` if it is in school hours on a school day, else when school next opens."""
    return _Days().next_opening(moment)


def add_school_minutes(start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` of school time after ``start`` (evenings, weekends, holidays and
    closures skipped)."""
    zone = _zone()
    _, closes = _hours()
    days = _Days()
    moment = days.next_opening(start)
    left = timedelta(minutes=minutes)
    while True:
        closing = datetime.combine(moment.date(), closes, zone)
        if moment + left <= closing:
            return moment + left
        left -= closing - moment
        moment = days.next_opening(closing)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the working day ``days`` working days after ``start``'s day (LADO: one)."""
    zone = _zone()
    _, closes = _hours()
    school = _Days()
    day = start.astimezone(zone).date()
    for _ in range(days):
        day = school.after(day)
    return datetime.combine(day, closes, zone)


def hours_later_on_a_school_day(start: datetime, hours: int) -> datetime:
    """``hours`` after ``start`` (a phone referral's written follow-up: 24), or, when the school
    is closed on that day, the end of the next school day: nobody is expected to write it from
    home over a weekend, a holiday or an INSET day."""
    zone = _zone()
    moment = (start + timedelta(hours=hours)).astimezone(zone)
    school = _Days()
    if school.open_on(moment.date()):
        return moment
    return datetime.combine(school.after(moment.date()), _hours()[1], zone)


def escalation_minutes() -> int:
    return int(getattr(settings, "SAFEGUARDING_ESCALATE_AFTER_MINUTES", 15))


def when_the_team_will_see(raised_at: datetime, urgent: bool = False, now=None) -> str:
    """What the person who raised a concern out of school hours is told: it has been sent now,
    but may wait for school to open (and, if urgent, when it climbs further). Empty when it was
    raised in school time, or school has opened since."""
    now = now or timezone.now()
    opens = next_school_time(raised_at)
    if opens <= raised_at or opens <= now:
        return ""
    words = (
        "It is outside school hours: your concern has been sent now, by email and alert, but "
        f"the safeguarding team may not see it until school opens on {_day_and_time(opens, now)}."
    )
    if urgent:
        climbs = add_school_minutes(raised_at, escalation_minutes())
        words += (
            f" If nobody has acknowledged it by {_clock(climbs)} that day, it is sent on to the "
            "next person in the safeguarding procedure."
        )
    return f"{words} If a child is in immediate danger, call 999 now."


def _clock(moment: datetime) -> str:
    local = moment.astimezone(_zone())
    return f"{local.hour}:{local.minute:02d}"


def _day_and_time(moment: datetime, now: datetime) -> str:
    local = moment.astimezone(_zone())
    day = f"{local:%A} {local.day} {local:%B}"
    if local.year != now.astimezone(_zone()).year:
        day += f" {local.year}"
    return f"{day} at {_clock(moment)}"
