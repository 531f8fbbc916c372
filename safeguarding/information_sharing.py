"""Recording that confidentiality was broken (P2): the share, the parents' portal notice and the
support action for the student, in one transaction.

The parents' notice is kept with the share (``InformationShare.parent_notice_title``/``_body``)
and reaches the portal and the child's page through ``records.notices`` (``p2_notices``): a
records row would join the child to the share in a copy of the database (H3).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from confidentiality import roles
from records.models import ParentLink
from records.notifications import tell_parents

from . import school_time
from .models import Action, InformationShare

SUPPORT_WITHIN_WORKING_DAYS = 3


def parent_notice_text(share) -> tuple[str, str]:
    """What the parents read: that information was shared and with whom — never what."""
    dsl = roles.current_dsl()
    contact = (
        f"{dsl} (the Designated Safeguarding Lead)" if dsl else "the Designated Safeguarding Lead"
    )
    child = share.student.preferred_name or share.student.first_name
    title = f"We have shared information about {child}"
    body = (
        f"The school has shared information about {child} with {share.agency} to keep them "
        f"safe. If you would like to talk about this, please contact {contact}."
    )
    return title, body


@transaction.atomic
def record_share(share: InformationShare, by) -> InformationShare:
    """Save a validated share, tell the parents who were told first, and plan the support.

    P2: ``full_clean`` refuses a share where the student or parents were not told unless the
    DSL recorded why telling them would put the child at risk.
    """
    share.shared_by = by
    share.full_clean()
    if share.parents_told:
        share.parents_notified_at = timezone.now()
        share.parent_notice_title, share.parent_notice_body = parent_notice_text(share)
    share.save()
    if share.parents_told:
        student = share.student
        # Only those with parental responsibility hear of it: an emergency contact may be the
        # adult the referral is about (the portal shows them nothing of it either).
        transaction.on_commit(
            lambda: tell_parents(student, "a message from the school", responsibility_only=True)
        )
    owner = roles.current_dsl() or by
    due = school_time.add_working_days(timezone.now(), SUPPORT_WITHIN_WORKING_DAYS)
    Action(
        concern=share.concern,
        owner=owner,
        created_by=by,
        due_on=timezone.localdate(due),
        description=(
            f"Support {share.student} after information was shared with {share.agency}: "
            "check in with them, explain what happens next, and agree who they can talk to."
        ),
    ).save()
    share.concern.acknowledge(by=by)
    return share


@dataclass(frozen=True)
class ParentNotice:
    """A P2 notice as the portal and the child's page list it, beside the school's messages."""

    title: str
    body: str
    created_at: datetime
    sent_by: object


def p2_notices(student, *, parent=None, staff_permissions=None) -> list[ParentNotice]:
    """The ``records.notices`` source of P2 notices: for a parent or carer with parental
    responsibility (an emergency contact may be the adult the referral is about), and for
    staff who may read the child's social-services detail; nobody else. A parent or carer
    reads only the notices sent while they held responsibility: an adult linked later, or
    given responsibility later, was not among those told (``ParentLink.responsibility_since``,
    the rule the school's own notices follow)."""
    shares = InformationShare.objects.about(student).filter(parents_notified_at__isnull=False)
    if parent is not None:
        link = ParentLink.objects.filter(parent=parent, student=student).first()
        since = link.responsibility_since() if link is not None else None
        if since is None:
            return []
        shares = shares.filter(parents_notified_at__gt=since)
    elif staff_permissions is None or "records.view_social_services" not in staff_permissions:
        return []
    return [
        ParentNotice(
            s.parent_notice_title, s.parent_notice_body, s.parents_notified_at, s.shared_by
        )
        for s in shares.select_related("shared_by").order_by("-parents_notified_at")
    ]
