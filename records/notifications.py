"""Emails to families and staff about the portal. They say that there is something to read and
who it is from, never what it says (the content stays in the app).

Each person gets their own message (``send_templated`` sends one per address), so no family
learns another contact's address, and only those with parental responsibility are emailed: an
emergency contact or a carer without responsibility may be the very adult the school is
worried about."""

from confidentiality import access
from confidentiality.notifications import send_templated

from .models import ParentLink
from .policy import FAMILY_CONTACT


def _addresses(users) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def parents_of(student) -> list[str]:
    """The addresses of the people with parental responsibility for ``student``."""
    links = ParentLink.objects.filter(student=student).with_responsibility()
    return _addresses(link.parent for link in links.select_related("parent"))


def tell_requester_of_reply(meeting) -> int:
    """“There is a reply to your meeting request”: to the parent or carer who asked, and only
    while they are still linked to the child (each adult reads only their own requests)."""
    person = meeting.requested_by
    if person is None:
        return 0
    if not ParentLink.objects.filter(parent=person, student=meeting.student).exists():
        return 0
    return send_templated(
        "portal_update", _addresses([person]), {"what": "a reply to your meeting request"}
    )


def staff_working_with(student) -> list[str]:
    """The addresses of the staff who teach or support this child: those given
    ``FAMILY_CONTACT`` on this child by a class or an assignment (``policy.CLASSROOM``). Not
    those who hold it on every child through their role (the safeguarding team), who read every
    meeting request in the app but are not emailed about each one."""
    return _addresses(access.holders_of(student, FAMILY_CONTACT, through_role=False))


def tell_parents(student, what: str, responsibility_only: bool = True) -> int:
    """“There is something new about your child in the portal” — e.g. a message, a reply.
    Always to those with parental responsibility only, one message each (``responsibility_only``
    is kept for the callers that say so; it cannot be turned off)."""
    return send_templated("portal_update", parents_of(student), {"what": what})


def tell_staff_of_meeting_request(meeting) -> int:
    """P7: the child's teachers hear that a parent has asked to meet (not what about)."""
    return send_templated(
        "meeting_requested", staff_working_with(meeting.student), {"when": meeting.created_at}
    )


def tell_staff_of_talk_request(talk_request) -> int:
    """P7: the member of staff a pupil asked for hears that a pupil would like to talk to them,
    who recorded it and when — never which child or what about (that stays in the app)."""
    person = talk_request.wants_to_talk_to
    if person is None:
        return 0
    return send_templated(
        "talk_request",
        _addresses([person]),
        {"recorded_by": str(talk_request.recorded_by), "when": talk_request.created_at},
    )
