"""Recording that confidentiality was broken (P2): the share, the parents' portal notice and the
support action for the student, in one transaction. A referral about a child is such a share
(``record_referral``, ``share_referral``): the same rule, notice and support action.

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
from .models import (
    Action,
    ConcernSubject,
    InformationShare,
    LawfulBasis,
    Referral,
    SpecialCategoryCondition,
)

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


@transaction.atomic
def record_referral(referral: Referral, by) -> Referral:
    """Save a new referral (P3's clocks) under P2's rule, and record it as a share once made.

    ``Referral.clean`` refuses a referral about a child where the student or the parents were
    not told first unless the DSL recorded why telling them would put the child at risk (the
    rule ``check_told_first`` every share follows; not for the LADO, see
    ``Referral.told_first_applies``). A referral decided but not yet made shares nothing yet:
    ``share_referral`` runs when it is made.
    """
    referral.clean()
    if not referral.family_told_first_applies:
        # Not asked (the LADO agrees what the family is told): nothing recorded as if it were.
        referral.student_told = referral.parents_told = None
        referral.reason_not_told = ""
    referral.save()
    share_referral(referral, by)
    referral.concern.acknowledge(by=by)
    return referral


@dataclass(frozen=True)
class ToldFirst:
    """P2's answers for one child: the student and the parents told first, or why not."""

    student_told: bool
    parents_told: bool
    reason_not_told: str = ""


# Whom a referral is about; a sibling, witness or alleged harmer is not.
SUBJECT = ConcernSubject.Part.SUBJECT


def share_referral(referral: Referral, by) -> list[InformationShare]:
    """A made referral about a child, recorded as an information share for each child it is
    about (the concern's subjects), through ``record_share``: the parents who were told get the
    content-free portal notice, and a support action follows. Once per referral; nothing for a
    referral not yet made, one the rule does not apply to (the LADO), one recorded before the
    question was asked, or a concern whose child is still named only in words (there is no
    record to notify through until the team links it: ``link_children`` then asks for that
    child)."""
    if not referral.told_recorded or referral.shares.exists() or not _shareable(referral):
        return []
    told = ToldFirst(referral.student_told, referral.parents_told, referral.reason_not_told)
    return [
        _share_referral_about(referral, named.student, told, by)
        for named in referral.concern.named_children
        # A sibling, witness or alleged harmer is not whom the referral is about.
        if named.part == SUBJECT
    ]


def _shareable(referral: Referral) -> bool:
    """A referral made, about a child, to an agency the family is told before (not the LADO)."""
    return referral.made_at is not None and referral.family_told_first_applies


def referrals_to_share(concern) -> list[Referral]:
    """The concern's made referrals about children: a child linked to the concern now is a
    child they were about, whose student and parents are told first (or why not) like any."""
    if concern.is_about_adult:
        return []
    return [r for r in concern.referrals.filter(made_at__isnull=False) if _shareable(r)]


@transaction.atomic
def link_children(concern, pairs, by, told: ToldFirst | None = None):
    """Link children to a concern after it was raised (``Concern.link_children``) and, when a
    referral about a child was already made, record its share for each child newly linked as
    the child it is about (P2: a referral about a child is an information share). ``told`` is
    the DSL's answer for them: the rule every share follows (``check_told_first``). Returns the
    children linked and the shares recorded (one per made referral per new child, once)."""
    linked = concern.link_children(pairs, by=by)
    added = {str(student.pk) for student in linked}
    subjects = [s for s, part in pairs if part == SUBJECT and str(s.pk) in added]
    referrals = referrals_to_share(concern) if subjects else []
    if referrals and told is None:
        raise ValueError("A referral was made: say whether the child and parents were told.")
    shares = []
    for referral in referrals:
        for student in subjects:
            if not referral.shares.about(student).exists():
                shares.append(_share_referral_about(referral, student, told, by))
    return linked, shares


def _share_referral_about(referral: Referral, student, told: ToldFirst, by) -> InformationShare:
    """One child's share of a made referral, through ``record_share`` (the rule, the parents'
    notice and the support action)."""
    agency = referral.get_agency_display()
    what = f"A referral to {agency.lower()} ({referral.get_method_display().lower()})"
    if referral.details:
        what += f": {referral.details}"
    share = InformationShare(
        concern=referral.concern,
        referral=referral,
        shared_on=timezone.localdate(referral.made_at),
        agency=agency,
        recipient=referral.contact or agency,
        what_was_shared=what,
        # A referral to protect a child: the school's public task, and the safeguarding
        # condition for anything about health or family life (DPA 2018 Sch 1 para 18) —
        # the basis the statutory guidance names for safeguarding referrals.
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_category=SpecialCategoryCondition.SAFEGUARDING,
        student_told=bool(told.student_told),
        parents_told=bool(told.parents_told),
        reason_not_told=(told.reason_not_told or "").strip(),
    )
    share.student = student
    return record_share(share, by)


@dataclass(frozen=True)
class ParentNotice:
    """A P2 notice as the portal and the child's page list it, beside the school's messages."""

    title: str
    body: str
    created_at: datetime
    sent_by: object


def p2_notices(student, *, parent=None, staff_permissions=None, link=None) -> list[ParentNotice]:
    """The ``records.notices`` source of P2 notices: for a parent or carer with parental
    responsibility (an emergency contact may be the adult the referral is about), and for
    staff who may read the child's social-services detail; nobody else. A parent or carer
    reads only the notices sent while they held responsibility: an adult linked later, or
    given responsibility later, was not among those told (``ParentLink.responsibility_since``,
    the rule the school's own notices follow)."""
    if parent is None:
        return p2_notices_of(p2_shares_for_staff(student, staff_permissions) or ())
    return p2_notices_of(p2_shares_for_parent(student, parent, link) or ())


def p2_shares_for_parent(student, parent, link=None):
    """The shares whose P2 notice this parent or carer reads (``p2_notices``), or None.
    ``link``: their link to the child, when the page has read it already."""
    if link is None:
        link = ParentLink.objects.filter(parent=parent, student=student).first()
    since = link.responsibility_since() if link is not None else None
    if since is None:
        return None
    return _notified(student).filter(parents_notified_at__gt=since)


def _notified(student):
    return (
        InformationShare.objects.about(student)
        .filter(parents_notified_at__isnull=False)
        .select_related("shared_by")
        .order_by("-parents_notified_at")
    )


def p2_shares_for_staff(student, staff_permissions):
    """The shares whose P2 notice staff with ``staff_permissions`` read on the child's page
    (only those who may read the child's social-services detail), or None."""
    if staff_permissions is None or "records.view_social_services" not in staff_permissions:
        return None
    return _notified(student)


def p2_notices_of(shares) -> list[ParentNotice]:
    return [
        ParentNotice(
            s.parent_notice_title, s.parent_notice_body, s.parents_notified_at, s.shared_by
        )
        for s in shares
    ]
