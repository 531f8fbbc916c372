"""How far each member of staff's review has come in a cycle, and what is overdue: the
head teacher's overview and dashboard panel (the chair's, for the head's own file).

Two queries whatever the size of the staff: the steps are ``Exists`` subqueries over the files
the reader holds (``access.visible``), never a query per person.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef

from confidentiality import access
from confidentiality.forms.people import PersonShown

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
    """A row for each member of staff whose file the reader holds, in two queries: the files
    (the door's ``visible``, each step an ``Exists`` on the file itself), then the people.
    Asking for the steps per person instead, through ``file__in=<the visible files>``, made the
    planner repeat the whole permission subquery for every member of staff (seconds at a
    medium school)."""
    held = access.visible(request, PerformanceFile.objects.filter(cycle_id=cycle.pk), policy.MANAGE)
    this_file = {"file": OuterRef("pk")}
    reviews = ReviewMeeting.objects.filter(**this_file)
    steps = {
        file["subject_id"]: file
        for file in held.order_by()
        .annotate(
            objectives_set=Exists(Objective.objects.filter(**this_file)),
            mid_year_held=Exists(reviews.filter(kind=ReviewMeeting.Kind.MID_YEAR)),
            final_held=Exists(reviews.filter(kind=ReviewMeeting.Kind.FINAL)),
            signed_off=Exists(
                reviews.filter(kind=ReviewMeeting.Kind.FINAL, signed_off_at__isnull=False)
            ),
        )
        .values("pk", "subject_id", "objectives_set", "mid_year_held", "final_held", "signed_off")
    }
    nothing = {"pk": None, "objectives_set": False, "mid_year_held": False}
    nothing |= {"final_held": False, "signed_off": False}
    rows = []
    # What a row shows of the person (and its search reads), as plain rows: 800 accounts made
    # model instances for a name and a job title cost most of the page.
    people = policy.held_staff(request.user).values_list(*PersonShown.ACCOUNT_COLUMNS)
    for person in (PersonShown(*row, group_names=None) for row in people):
        file = steps.get(person.pk, nothing)
        row = Progress(
            person=person,
            file_id=file["pk"],
            objectives_set=file["objectives_set"],
            mid_year_held=file["mid_year_held"],
            final_held=file["final_held"],
            signed_off=file["signed_off"],
        )
        row.overdue = [
            label
            for done, due, label in STEPS
            if not getattr(row, done) and today > getattr(cycle, due)
        ]
        rows.append(row)
    return rows
