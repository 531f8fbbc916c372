"""Subject-access requests in the school's retention schedule (P4): one kind of record,
registered with ``retention.registry`` when the app is ready.

The IRMS toolkit for schools keeps a subject-access request file for one year from the date of
the last action, then destroys it securely; six years when the answer is subject to a complaint
or an appeal. Here the request and its case file (every item gathered, every redaction and
decision to withhold, all in the request's own row) are one record:

- an **open** request (received, being assembled, ready to send) is never found, so never due;
- a **closed** one counts from its last action: the day it was closed, or a later change to it;
- a **sent** one not yet closed is found with the day it was sent, and waits: the team closes it
  once nothing more is asked, so no run deletes an answer that may still be questioned;
- a **complaint or appeal** (to the school, the ICO or a court) is a legal hold on the child or
  on this kind: the report then shows it kept, with the hold's reference.

The deletion run deletes the pupil record only after this: a request protects its child's
record, so the request goes first (``order``).
"""

from django.utils import timezone

from retention.models.rules import Action
from retention.policy import may_manage_retention
from retention.registry import Found, RecordKind, register

from .models import SubjectAccessRequest
from .policy import may_handle_requests

KEY = "subject_access_request"


def _named_to(user) -> bool:
    """By name only to whoever manages retention *and* handles requests (the DSL): the head
    teacher sees a count, as on every subject-access page."""
    return may_manage_retention(user) and may_handle_requests(user)


def _last_action(sar) -> object:
    return max(sar.closed_on, timezone.localdate(sar.updated_at))


def _answered_requests(schedule):
    answered = SubjectAccessRequest.objects.filter(
        status__in=SubjectAccessRequest.ANSWERED
    ).select_related("student")
    for sar in answered.only(
        "pk",
        "status",
        "received_on",
        "sent_on",
        "closed_on",
        "updated_at",
        "student__first_name",
        "student__last_name",
        "student__preferred_name",
    ):
        if sar.status == SubjectAccessRequest.Status.CLOSED:
            yield Found(
                sar,
                _last_action(sar),
                f"Subject-access request for {sar.student}, received "
                f"{sar.received_on:%-d %B %Y}, closed {sar.closed_on:%-d %B %Y}",
                child=sar.student,
            )
        else:
            yield Found(
                sar,
                sar.sent_on or timezone.localdate(sar.updated_at),
                f"Subject-access request for {sar.student}, received "
                f"{sar.received_on:%-d %B %Y}, sent but not closed",
                child=sar.student,
                waits_for="Sent but not yet closed: close it on its page once nothing more is "
                "asked about the answer.",
            )


def _delete(sar, schedule) -> int:
    removed, _ = sar.delete()
    return removed


def register_subject_access() -> None:
    register(
        RecordKind(
            key=KEY,
            label="Subject-access requests",
            covers=(
                "A request for a child's file and the case file assembled to answer it (what "
                "was gathered, redacted and withheld, and why), once the request is closed. "
                "While a complaint or an appeal about the answer is open, place a legal hold "
                "on the child or on this kind of record."
            ),
            clock="the request's last action (the day it was closed, or a later change)",
            years=1,
            action=Action.DELETE,
            toolkit="IRMS toolkit for schools: subject access request, date of last action "
            "+ 1 year, then secure disposal (+ 6 years if subject to a complaint or appeal)",
            # Before the pupil record (90): a request keeps its child's record from deletion.
            order=20,
            models=("subject_access.subjectaccessrequest",),
            find=_answered_requests,
            delete=_delete,
            shown_to=_named_to,
            # The case file holds copies of the child-protection file: a hold on every
            # safeguarding record (an inquiry) keeps what was disclosed from it too.
            safeguarding=True,
        )
    )
