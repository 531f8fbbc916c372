"""What a student's page shows beyond the record's sections, for the person looking: the child's
learning and family (P12, P13, P24, M4), who supports them (P25), who else reads the family
section (P6) and their requests to talk (P7).

The student has already been opened through the door (and audited); each part follows from the
viewer's permissions on the child, and nothing is fetched for a part they may not see. The forms
shown are those the pages behind them would accept from this person.
"""

from confidentiality import access

from .. import notices
from ..family_sharing import family_shared_with
from ..forms.support import AssignmentForm, FamilyShareForm
from ..models import PhotoConsent, TalkRequest, WorkItem
from ..policy import (
    ASSIGN_SUPPORT,
    END_PARENT_LINK,
    FAMILY_SECTION,
    LEARNING_RECORD,
    RECORD_TALK_REQUEST,
    SHARE_FAMILY,
    VIEW_TALK_REQUEST,
    learning_visible_to,
    may_restore_parent_links,
)


def learning_and_family(student, user) -> dict:
    """The child's learning and the family's requests, as far as this person needs to know
    (``policy.LEARNING``, M4)."""
    shows = learning_visible_to(user, student)
    if not shows:
        return {"learning": None}
    perms = access.object_permissions(user, student)
    with_family = "family" in shows
    return {
        "learning": {
            "shows": {part: True for part in shows},
            "grades": student.grades.all() if "grades" in shows else (),
            "progress_notes": student.progress_notes.all() if "progress_notes" in shows else (),
            "work_items": (
                WorkItem.objects.without_content().filter(student=student)
                if "work" in shows
                else ()
            ),
            "consents": PhotoConsent.for_student(student) if "consents" in shows else (),
            "parent_links": (
                student.parent_links.select_related("parent") if "contacts" in shows else ()
            ),
            "may_record": LEARNING_RECORD in perms,
            "with_family": with_family,
            "meetings": student.meeting_requests.all() if with_family else (),
            "discussions": (
                student.discussion_permissions.select_related("teaching_group")
                if with_family
                else ()
            ),
            # P2: a notice that information was shared shows only to the safeguarding team.
            "notices": (
                notices.for_staff(
                    student, perms, student.notices.for_staff(perms).select_related("sent_by")
                )
                if with_family
                else ()
            ),
        }
    }


def support(student, user) -> dict:
    """Who supports the child, who else reads the family section, the family links the school
    ended, and the child's requests to talk."""
    may_assign = access.has_permission(user, ASSIGN_SUPPORT, student)
    may_share = access.has_permission(user, SHARE_FAMILY, student)
    may_end_links = access.has_permission(user, END_PARENT_LINK, student)
    may_record_talk = user.is_school_staff and access.has_permission(
        user, RECORD_TALK_REQUEST, student
    )
    talk_requests = access.visible(
        user, TalkRequest.objects.filter(student=student), VIEW_TALK_REQUEST
    ).select_related("wants_to_talk_to", "recorded_by")
    return {
        "support": {
            "may_assign": may_assign,
            "assignments": (
                student.support.select_related("staff").order_by("kind", "staff__last_name")
                if may_assign
                else ()
            ),
            "assignment_form": AssignmentForm(by=user) if may_assign else None,
            "may_share": may_share,
            "shared_with": family_shared_with(student) if may_share else (),
            "share_form": FamilyShareForm(student=student) if may_share else None,
            "may_record_talk": may_record_talk,
            # P12, P13: the office and the safeguarding team end a family link (with why).
            "may_end_parent_links": may_end_links,
            "ended_parent_links": (
                student.ended_parent_links.select_related("parent", "ended_by")
                if may_end_links
                else ()
            ),
            # Only the DSL gives back a link the school ended (P12, P13).
            "may_restore_parent_links": may_end_links and may_restore_parent_links(user),
            # Why a link ended often describes the family's circumstances (P6).
            "reads_end_reasons": access.has_permission(user, FAMILY_SECTION, student),
            "talk_requests": list(talk_requests),
        }
    }
