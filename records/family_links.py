"""Who is linked to a child as a parent or carer, and who is told when that changes (P12, P13).

A link opens the child's portal, and with parental responsibility the decisions that are the
family's (photographs, discussing a case, P15, P24). So a new link is never silent: the parents
and carers who already hold responsibility read a notice in the portal and get an email that
says only that there is something new. Ending a link takes the portal away at once (the grants
are re-derived when the link goes) and the DSL is told that a link was ended, never which or why
in the email: that stays in the application.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from confidentiality import notifications

from .models import FamilyNotice, ParentLink
from .models.families import EndedParentLink
from .policy import may_restore_parent_links

log = logging.getLogger(__name__)

# The dashboard lists the links ended in this many days, for the safeguarding team.
RECENT_DAYS = 14


def tell_each(addresses, template: str, context: dict) -> int:
    """One message per person, so nobody learns who else was told (separated parents, the
    team). A failing mail server is logged (its type only) and never undoes the change."""
    sent = 0
    for address in sorted(set(addresses)):
        try:
            sent += notifications.send_templated(template, [address], context)
        except Exception as error:  # any failure of the mail system
            log.error("Email %r failed: %s", template, type(error).__name__)
    return sent


def _addresses(users) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


class LinkWasEnded(Exception):
    """The school ended this adult's link to this child (a court order, say): no route but the
    DSL's deliberate restoring re-creates it, least of all the nightly import (P12, P13)."""

    def __init__(self, ended: EndedParentLink):
        self.ended = ended
        super().__init__(
            f"this link was ended on {timezone.localtime(ended.created_at):%d %B %Y}; only the "
            "DSL can restore it"
        )


class ChildHasEndedLink(LinkWasEnded):
    """The school ended a link of this child's and has not restored it: the adult may come back
    under a new name or address, so a new carer for this child is added by the DSL (P12, P13)."""

    def __init__(self, ended: EndedParentLink):
        self.ended = ended
        Exception.__init__(
            self,
            "a link to this child was ended by the school; new carers for this child are added "
            "by the DSL (who may run this import themselves, signed in with two-factor)",
        )


def may_add_carer_after_ended(by) -> bool:
    """The DSL, signed in with a verified second factor: the one person who restores an ended
    link, and who adds a new carer to a child one was ended for (the import run by them)."""
    verified = getattr(by, "is_verified", None)
    return bool(
        by is not None
        and by.is_active
        and may_restore_parent_links(by)
        and callable(verified)
        and verified()
    )


def check_new_link(*, parent, student, by=None) -> None:
    """Refuse a new link the school's ended links forbid: this adult's own ended link (only the
    DSL restores it, ``LinkWasEnded``), and any new adult for a child with an ended link not
    restored, unless the DSL adds them (``ChildHasEndedLink``). ``parent`` may be None: an
    account not created yet."""
    if parent is not None:
        ended = EndedParentLink.objects.between(parent, student).first()
        if ended is not None:
            raise LinkWasEnded(ended)
    ended = EndedParentLink.objects.standing(student).first()
    if ended is not None and not may_add_carer_after_ended(by):
        raise ChildHasEndedLink(ended)


def link_parent(*, parent, student, by=None, **values) -> ParentLink:
    """Link ``parent`` to ``student`` (relationship, responsibility, contact priority) and tell
    the child's parents and carers with responsibility who were linked before: a notice in the
    portal (not naming the new adult, who may be a foster carer whose details stay with the
    school) and a content-free email each, after the commit. A link the school ended is never
    re-created here, and while a child has one only the DSL links a new adult to them
    (``check_new_link``)."""
    check_new_link(parent=parent, student=student, by=by)
    link = ParentLink(parent=parent, student=student, **values)
    already = list(
        ParentLink.objects.with_responsibility()
        .filter(student=student)
        .exclude(parent=parent)
        .select_related("parent")
    )
    if already:
        # Saved before the link, so the new carer (linked after it) does not see it.
        FamilyNotice(
            student=student,
            kind=FamilyNotice.Kind.CARER_LINKED,
            title="Another adult has been linked to your child",
            body=(
                f"On {timezone.localdate():%d %B %Y} the school linked another adult to "
                f"{student}'s page in this portal, as {link.get_relationship_display().lower()}"
                f"{' with parental responsibility' if link.parental_responsibility else ''}. "
                "If you did not expect this, please contact the school office."
            ),
            sent_by=by if getattr(by, "pk", None) else None,
        ).save()
    link.save()
    addresses = _addresses(other.parent for other in already)
    if addresses:
        context = {"what": "a change to the adults linked to your child"}
        transaction.on_commit(lambda: tell_each(addresses, "portal_update", context))
    return link


@transaction.atomic
def restore_link(ended: EndedParentLink, *, by, reason: str) -> ParentLink:
    """The DSL's deliberate decision to give back a link the school ended: recorded with why
    (``EndedParentLink.mark_restored``), then linked as before, and the child's parents with
    responsibility are told as for any new link (``link_parent``)."""
    ended.mark_restored(by=by, reason=reason)
    return link_parent(
        parent=ended.parent,
        student=ended.student,
        by=by,
        relationship=ended.relationship,
        parental_responsibility=ended.had_responsibility,
    )


def end_link(link: ParentLink, *, by, reason: str) -> EndedParentLink:
    """End ``link`` (see ``ParentLink.end``) and tell the DSL and deputies, after the commit,
    that a link was ended: who ended it and when, not which child or why."""
    ended = link.end(by=by, reason=reason)
    facts = {
        "who": by.get_full_name() or by.username,
        "when": f"{timezone.localtime(ended.created_at):%d %B %Y %H:%M}",
        "link": settings.SITE_URL.rstrip("/") + reverse("dashboard"),
    }
    transaction.on_commit(
        lambda: tell_each(notifications.team_addresses(), "family_link_ended", facts)
    )
    return ended


def recently_ended(days: int = RECENT_DAYS):
    since = timezone.now() - timedelta(days=days)
    return EndedParentLink.objects.filter(created_at__gte=since).select_related(
        "student", "ended_by"
    )
