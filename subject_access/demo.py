"""The demo school's subject-access requests (P4): the mother of the child on a child protection
plan asked for her daughter's file three weeks ago; the file is gathered, the social worker's
name redacted everywhere, a strategy discussion withheld (serious harm), and it is ready to send.
Another parent's request arrived nearly a month ago and has not been started: it shows on the
safeguarding team's dashboard as due within the week.

Idempotent: nothing is made if the school has any request already."""

from datetime import timedelta

from django.utils import timezone

from confidentiality.audit import acting_as
from records.models import Student
from safeguarding.models import CaseMeeting

from . import casework
from .case_file import items_of
from .models import SubjectAccessRequest


def seed_subject_access(people):
    if SubjectAccessRequest.objects.exists():
        return
    dsl, deputy = people["dsl"], people["deputy"]
    today = timezone.localdate()
    meeting = CaseMeeting.objects.first()
    if meeting is None:
        return
    child = meeting.student
    with acting_as(dsl):
        sar = SubjectAccessRequest(
            student=child,
            requester_name=f"Mrs {child.last_name}",
            relation=SubjectAccessRequest.Relation.PARENT,
            received_on=today - timedelta(days=21),
            what_was_asked="A copy of everything the school has written about my daughter.",
            identity_checked=True,
            identity_how="Known to the office; photo ID seen at reception.",
            handled_by=dsl,
            logged_by=dsl,
        )
        sar.save()
        sar = casework.gather(sar, dsl)
        casework.add_mark(sar, None, "Priya Nair", "agency")
        strategy = next(
            (i for i in items_of(sar) if "Strategy" in i.heading or "strategy" in i.heading),
            None,
        )
        if strategy is not None:
            casework.decide(
                sar,
                strategy.number,
                included=False,
                exemption="serious_harm",
                note="Police advice: disclosure to the mother now is likely to cause serious "
                "harm to the child.",
            )
        casework.set_status(sar, SubjectAccessRequest.Status.READY, dsl)
    other = Student.objects.exclude(pk=child.pk).order_by("last_name", "first_name").first()
    if other is None:
        return
    with acting_as(deputy):
        SubjectAccessRequest(
            student=other,
            requester_name=f"Mr {other.last_name}",
            relation=SubjectAccessRequest.Relation.PARENT,
            received_on=today - timedelta(days=26),
            what_was_asked="My son's school records and any notes about him.",
            identity_checked=False,
            handled_by=deputy,
            logged_by=deputy,
        ).save()
