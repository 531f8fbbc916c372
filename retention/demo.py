"""The demo school's retention (P4): a legal hold on every safeguarding record for a (made-up)
local inquiry, and one record past its period for it to hold: a subject-access request closed
two years ago, whose case file holds copies of a child's safeguarding file. So the report, the
holds page and the dashboard panel show a real case: one record due, kept by the hold.

Runs after ``subject_access.demo``. Idempotent: nothing is made if the school has any hold."""

from datetime import timedelta

from django.utils import timezone

from confidentiality.audit import acting_as
from records.models import Student
from subject_access.models import SubjectAccessRequest

from .models import LegalHold

INQUIRY = (
    "The Northshire Safeguarding Practice Review asked, by its letter of {letter:%-d %B %Y}, "
    "that every safeguarding record of the school be kept until it reports."
)


def seed_retention(people):
    if LegalHold.objects.exists():
        return
    dsl = people["dsl"]
    today = timezone.localdate()
    child = Student.objects.order_by("last_name", "first_name").last()
    with acting_as(dsl):
        if child is not None:
            received = today - timedelta(days=800)
            closed = received + timedelta(days=40)
            sar = SubjectAccessRequest(
                student=child,
                requester_name=f"Ms {child.last_name}",
                relation=SubjectAccessRequest.Relation.PARENT,
                received_on=received,
                what_was_asked="Everything the school holds about my son.",
                identity_checked=True,
                identity_how="Known to the office.",
                handled_by=dsl,
                logged_by=dsl,
                status=SubjectAccessRequest.Status.CLOSED,
                sent_on=closed,
                closed_on=closed,
            )
            sar.save()
            # Its last action was the day it was closed: the year the toolkit keeps it from.
            SubjectAccessRequest.objects.filter(pk=sar.pk).update(
                created_at=timezone.now() - timedelta(days=800),
                updated_at=timezone.now() - timedelta(days=760),
            )
        LegalHold.objects.create(
            scope=LegalHold.Scope.SAFEGUARDING,
            reason=INQUIRY.format(letter=today - timedelta(days=60)),
            placed_by=dsl,
            placed_at=timezone.now() - timedelta(days=55),
        )
