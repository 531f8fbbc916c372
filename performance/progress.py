"""How far each member of staff's review has come in a cycle, and what is overdue: the
head teacher's overview and dashboard panel (the chair's, for the head's own file).

One query whatever the size of the staff: the steps are ``Exists`` subqueries over the files
the reader holds (``access.visible``), never a query per person.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Subquery

from confidentiality import access

from . import policy
from .models import Objective, PerformanceFile, ReviewCycle, ReviewMeeting

STEPS = [
    ("objectives_set", "objectives_due", "Objectives set"),
    ("mid_year_held", "mid_year_due", "Mid-year review"),
    ("final_held", "final_due", "Final review"),
]


@dataclass
class Progress:
    person: object
    file_id: object  # None: no file opened yet this cycle
    objectives_set: bool
    mid_year_held: bool
    final_held: bool
    signed_off: bool
    overdue: list[str] = field(default_factory=list)


def cycle_progress(request, cycle: ReviewCycle, today: date) -> list[Progress]:
    """A row for each member of staff whose file the reader holds, in one query."""
    held = access.visible(request, PerformanceFile.objects.filter(cycle_id=cycle.pk), policy.MANAGE)
    theirs = {"file__subject": OuterRef("pk"), "file__in": held.values("pk")}
    reviews = ReviewMeeting.objects.filter(**theirs)
    people = policy.held_staff(request.user).annotate(
        file_id=Subquery(held.filter(subject=OuterRef("pk")).values("pk")[:1]),
        objectives_set=Exists(Objective.objects.filter(**theirs)),
        mid_year_held=Exists(reviews.filter(kind=ReviewMeeting.Kind.MID_YEAR)),
        final_held=Exists(reviews.filter(kind=ReviewMeeting.Kind.FINAL)),
        signed_off=Exists(
            reviews.filter(kind=ReviewMeeting.Kind.FINAL, signed_off_at__isnull=False)
        ),
    )
    rows = []
    for person in people:
        row = Progress(
            person=person,
            file_id=person.file_id,
            objectives_set=person.objectives_set,
            mid_year_held=person.mid_year_held,
            final_held=person.final_held,
            signed_off=person.signed_off,
        )
        row.overdue = [
            label
            for done, due, label in STEPS
            if not getattr(row, done) and today > getattr(cycle, due)
        ]
        rows.append(row)
    return rows
