"""The governors' attendance record (statutory reporting, P16): for each governor, the clerk and
the head teacher, how many of the meetings they were expected at they attended, sent apologies
to (accepted or not) or missed, in a school year. The clerk and the chair see it; it names no
child or member of staff's record, only who came to the governing body's meetings.

The same few queries whatever the number of meetings or people: the attendance is counted by
person and answer in one (``AttendanceQuerySet.record_by_person``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.shortcuts import render
from django.utils import timezone

from confidentiality import access
from confidentiality.forms.people import person_label

from ..forms.meetings import people_who_attend
from ..models import Attendance, Meeting
from ..policy import may_manage_meetings

Status = Attendance.Status


@dataclass(frozen=True)
class AttendanceRecord:
    name: str
    attended: int
    apologies_accepted: int
    apologies_not_accepted: int
    absent: int
    recorded: int

    @property
    def share(self) -> str:
        """The attended share as schools publish it, "—" when no meeting was recorded."""
        if not self.recorded:
            return "—"
        return f"{round(100 * self.attended / self.recorded)}%"


def school_year_of(moment: datetime) -> str:
    """The school year (1 September to 31 August) of a moment, written 2026/27."""
    day = timezone.localtime(moment).date()
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _years_and_chosen(request):
    years = sorted(
        {school_year_of(held) for held in Meeting.objects.values_list("held_at", flat=True)},
        reverse=True,
    )
    chosen = request.GET.get("year")
    if chosen not in years:
        current = school_year_of(timezone.now())
        chosen = current if current in years else (years[0] if years else "")
    return years, chosen


def _meetings_of(year: str):
    start = int(year[:4])
    first = timezone.make_aware(datetime(start, 9, 1))
    return Meeting.objects.filter(held_at__gte=first, held_at__lt=first.replace(year=start + 1))


@access.requires(may_manage_meetings, second_factor=True)
def attendance_record(request):
    years, year = _years_and_chosen(request)
    meetings = _meetings_of(year) if year else Meeting.objects.none()
    counts = Attendance.objects.filter(meeting__in=meetings).record_by_person()
    records = []
    for person in people_who_attend():
        mine = counts.get(person.pk, {})
        records.append(
            AttendanceRecord(
                name=person_label(person, with_role=True),
                attended=mine.get(Status.ATTENDED, 0),
                apologies_accepted=mine.get(Status.APOLOGIES, 0),
                apologies_not_accepted=mine.get(Status.APOLOGIES_NOT_ACCEPTED, 0),
                absent=mine.get(Status.ABSENT, 0),
                recorded=mine.get("recorded", 0),
            )
        )
    return render(
        request,
        "governance/attendance_record.html",
        {"records": records, "years": years, "year": year, "meeting_count": meetings.count()},
    )
