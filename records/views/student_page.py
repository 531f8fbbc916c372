"""What a student's page shows beyond the record's sections, for the person looking: the child's
learning and family (P12, P13, P24, M4), who supports them (P25), who else reads the family
section (P6) and their requests to talk (P7).

The student has already been opened through the door (and audited); each part follows from the
viewer's permissions on the child, and nothing is fetched for a part they may not see. The forms
shown are those the pages behind them would accept from this person. Every list the person
may see is read in one query (``page_lists``), whatever the number of rows or of lists.
"""

from confidentiality import access
from confidentiality.page_lists import as_prefetched, read_together

from .. import notices, student_flags
from ..family_sharing import family_shared_with
from ..forms.support import AssignmentForm, FamilyShareForm
from ..models import PhotoPurpose, TalkRequest, WorkItem
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
    sections_read_by,
)


def consent_rows(consents) -> list[dict]:
    """As ``PhotoConsent.for_student``, from decisions already read."""
    decided = {c.purpose: c for c in consents}
    return [{"purpose": p, "label": p.label, "consent": decided.get(p.value)} for p in PhotoPurpose]


def page_parts(student, user) -> dict:
    """The child's learning and family, who supports them, and other apps' flags, for this
    person: every list they may see, read together."""
    shows = learning_visible_to(user, student) or set()
    perms = access.object_permissions(user, student)
    with_family = "family" in shows
    may_assign = access.has_permission(user, ASSIGN_SUPPORT, student)
    may_share = access.has_permission(user, SHARE_FAMILY, student)
    may_end_links = access.has_permission(user, END_PARENT_LINK, student)
    wanted = {
        # The record's sections, when the person reads any: put on the student below, so that
        # ``record_sections_visible_to`` called after this reads them without a query of its own.
        "sections": student.sections.all() if sections_read_by(user, student) else None,
        "grades": student.grades.all() if "grades" in shows else None,
        "progress_notes": student.progress_notes.all() if "progress_notes" in shows else None,
        "work_items": (
            WorkItem.objects.without_content().filter(student=student) if "work" in shows else None
        ),
        "consents": (
            student.photo_consents.select_related("decided_by").order_by("purpose")
            if "consents" in shows
            else None
        ),
        "parent_links": (
            student.parent_links.select_related("parent") if "contacts" in shows else None
        ),
        "meetings": student.meeting_requests.all() if with_family else None,
        "discussions": (
            student.discussion_permissions.select_related("teaching_group") if with_family else None
        ),
        # P2: a notice that information was shared shows only to the safeguarding team.
        "notices": (
            student.notices.for_staff(perms).select_related("sent_by") if with_family else None
        ),
        "assignments": (
            student.support.select_related("staff").order_by("kind", "staff__last_name")
            if may_assign
            else None
        ),
        "shared_with": family_shared_with(student) if may_share else None,
        "ended_parent_links": (
            student.ended_parent_links.select_related("parent", "ended_by", "restored_by")
            if may_end_links
            else None
        ),
        "talk_requests": access.visible(
            user, TalkRequest.objects.filter(student=student), VIEW_TALK_REQUEST
        ).select_related("wants_to_talk_to", "recorded_by"),
    }
    if with_family:  # notices other apps keep (P2), read with the rest
        wanted.update(notices.staff_lists(student, perms))
    wanted.update(student_flags.lists_for(student, user))  # so are other apps' flags
    lists = read_together(**{name: qs for name, qs in wanted.items() if qs is not None})
    if "sections" in lists:
        as_prefetched(student, "sections", lists["sections"])
    return {
        # Other apps' flags, each shown only to whom its app decides (``student_flags``).
        "flags": student_flags.for_viewer(student, user, read=lists),
        **_learning(student, shows, perms, lists),
        **_support(student, user, may_assign, may_share, may_end_links, lists),
    }


def _learning(student, shows, perms, lists) -> dict:
    """The child's learning and the family's requests, as far as this person needs to know
    (``policy.LEARNING``, M4)."""
    if not shows:
        return {"learning": None}
    with_family = "family" in shows
    return {
        "learning": {
            "shows": {part: True for part in shows},
            "grades": lists.get("grades", ()),
            "progress_notes": lists.get("progress_notes", ()),
            "work_items": lists.get("work_items", ()),
            "consents": consent_rows(lists["consents"]) if "consents" in lists else (),
            "parent_links": lists.get("parent_links", ()),
            "may_record": LEARNING_RECORD in perms,
            "with_family": with_family,
            "meetings": lists.get("meetings", ()),
            "discussions": lists.get("discussions", ()),
            "notices": (
                notices.for_staff(student, perms, lists["notices"], read=lists)
                if with_family
                else ()
            ),
        }
    }


def _support(student, user, may_assign, may_share, may_end_links, lists) -> dict:
    """Who supports the child, who else reads the family section, the family links the school
    ended, and the child's requests to talk."""
    may_record_talk = user.is_school_staff and access.has_permission(
        user, RECORD_TALK_REQUEST, student
    )
    return {
        "support": {
            "may_assign": may_assign,
            "assignments": lists.get("assignments", ()),
            "assignment_form": AssignmentForm(by=user) if may_assign else None,
            "may_share": may_share,
            "shared_with": lists.get("shared_with", ()),
            "share_form": FamilyShareForm(student=student) if may_share else None,
            "may_record_talk": may_record_talk,
            # P12, P13: the office and the safeguarding team end a family link (with why).
            "may_end_parent_links": may_end_links,
            "ended_parent_links": lists.get("ended_parent_links", ()),
            # Only the DSL gives back a link the school ended (P12, P13).
            "may_restore_parent_links": may_end_links and may_restore_parent_links(user),
            # Why a link ended often describes the family's circumstances (P6).
            "reads_end_reasons": access.has_permission(user, FAMILY_SECTION, student),
            "talk_requests": lists["talk_requests"],
        }
    }
