"""The records' panels on the dashboard (the first page after signing in).

A panel that names pupils or counts their records lists them through ``access.visible``: for
someone whose second factor is not confirmed that refuses, and the dashboard leaves the panel
out (``confidentiality.views.dashboard``)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.timezone import localtime

from confidentiality import access
from confidentiality.extensions import dashboard_panel
from confidentiality.models import BreakGlassAccess
from confidentiality.roles import Role

from .family_links import RECENT_DAYS, recently_ended
from .models import MeetingRequest, Student, TalkRequest
from .policy import (
    ANY_STUDENT_VIEW,
    AS_PARENT,
    CLASS_PUPILS,
    END_PARENT_LINK,
    FAMILY_CONTACT,
    VIEW_TALK_REQUEST,
    is_parent,
    may_list_students,
)
from .waiting_for_parents import waiting_for_parent

# Enough for anyone's own classes and children; the list of pupils has the rest.
ON_PANEL = 12


def classes_of(request, taught: int | None = None) -> list:
    """The classes this person teaches, each with its number of pupils, by name: asked once for
    the pupils' panel and the families' panel. ``taught``: how many there are, when the panel
    counted them with its other counts; most staff teach none, and then nothing is asked."""
    if taught == 0:
        return []
    if not hasattr(request, "_classes_taught"):
        request._classes_taught = list(
            request.user.teaching_groups.annotate(pupils=Count("students")).order_by("name")
        )
    return request._classes_taught


@dashboard_panel(order=20)
def my_students(request):
    """What this person may open of pupils' records, and why: every pupil (the safeguarding team,
    the head teacher, the office keep the roll), the classes they teach, the children assigned
    to them (a teaching assistant, a health professional: P25), each named and counted."""
    user = request.user
    if not may_list_students(user):
        return None
    visible = access.visible(request, Student.objects.all(), ANY_STUDENT_VIEW)
    # Only a child whose record the assignment does open (a grant left behind after a change of
    # role opens nothing, so it names no one).
    assignments = user.support_assignments.filter(student__in=visible)
    counts = yield {
        "may open": visible,
        "assigned": assignments,
        "classes taught": user.teaching_groups.all(),
    }
    may_open = counts["may open"]
    # A volunteer placed in a class does not see this panel at all (P11); a class opens its
    # page (pupils, photograph consent) to the staff who teach it.
    classes = [
        {
            "label": f"Class {group.name}: {group.pupils} pupil{'s' if group.pupils != 1 else ''}",
            "url": reverse("records:class_detail", args=[group.pk]),
        }
        for group in (classes_of(request, counts["classes taught"]) if user.is_school_staff else [])
    ]
    assigned = [
        {
            "label": f"{assignment.student}: assigned to you as "
            f"{assignment.get_kind_display().lower()}",
            "url": reverse("records:student_detail", args=[assignment.student_id]),
        }
        for assignment in (
            assignments.select_related("student").order_by(
                "student__last_name", "student__first_name", "kind"
            )[:ON_PANEL]
            if counts["assigned"]
            else []
        )
    ]
    if CLASS_PUPILS in access.role_permissions(user):
        body = f"You may open the record of every pupil: {may_open} on the roll."
    elif may_open:
        body = (
            f"You may open the records of {may_open} pupil{'s' if may_open != 1 else ''}"
            + _because(len(classes), counts["assigned"])
        )
    else:
        body = ""
    return {
        "title": "Your pupils",
        "body": body,
        "items": [*classes, *assigned],
        "empty_text": "You may not open any pupil's record yet: you have no class and no child "
        "is assigned to you."
        if not may_open
        else "",
        "links": [{"label": "Open the list of pupils", "url": reverse("records:student_list")}],
    }


def _because(classes: int, assigned: int) -> str:
    reasons = []
    if classes:
        reasons.append("your class" if classes == 1 else f"your {classes} classes")
    if assigned:
        n = assigned
        reasons.append(
            "the child assigned to you" if n == 1 else f"the {n} children assigned to you"
        )
    return (": " + " and ".join(reasons) + ".") if reasons else "."


@dashboard_panel(order=21)
def where_you_help(request):
    """A volunteer or student teacher: the classes the school placed them in. Being placed in a
    class opens no pupil's record (P11), so the panel names the classes and nothing of them."""
    user = request.user
    if not user.has_role(Role.VOLUNTEER) or user.is_school_staff:
        return None
    classes = list(user.teaching_groups.order_by("name").values_list("name", flat=True))
    return {
        "title": "Where you help",
        "body": f"The school has placed you in {len(classes)} class"
        f"{'es' if len(classes) != 1 else ''}."
        if classes
        else "",
        "items": [f"Class {name}" for name in classes],
        "empty_text": "The school has not placed you in a class yet.",
    }


@dashboard_panel(order=22)
def talk_requests(request):
    """P7: the pupils still waiting to talk to this member of staff: those who asked for them,
    and those who asked for anyone (on the dashboards of the child's class teachers and the
    safeguarding team, ``TalkRequest.objects.for_person``). Through the door: only requests
    this person may open are named."""
    user = request.user
    if not user.is_school_staff:
        return None
    requests = access.visible(
        request, TalkRequest.objects.open().for_person(user), VIEW_TALK_REQUEST
    )
    count = (yield {"waiting": requests})["waiting"]
    waiting = list(requests.select_related("student", "recorded_by")[:ON_PANEL]) if count else []
    more = count - len(waiting)
    return {
        "title": "Pupils who would like to talk to you",
        "body": f"{count} pupil{'s are' if count != 1 else ' is'} waiting to talk to you."
        + (f" {more} more on the list of requests to talk." if more > 0 else "")
        if count
        else "",
        "items": [
            {
                "label": f"{item.student}"
                + ("" if item.wants_to_talk_to_id else " (asked to talk to anyone)")
                + f" – recorded {localtime(item.created_at).day} "
                f"{localtime(item.created_at):%b %Y} by {item.recorded_by or 'a colleague'}",
                "url": reverse("records:talk_request_detail", args=[item.pk]),
            }
            for item in waiting
        ],
        "empty_text": "No pupil is waiting to talk to you.",
        "links": [{"label": "All requests to talk", "url": reverse("records:talk_request_list")}],
    }


@dashboard_panel(order=1)
def waiting_for_your_answer(request):
    """For parents and carers: what the school asked them and waits for, and the replies they
    have not read, first on their home page (P7, P15, P24); no panel when nothing waits."""
    if not is_parent(request.user):
        return None
    waiting = waiting_for_parent(request)
    if not waiting:
        return None
    return {
        "first": True,
        "title": "Waiting for you",
        "items": [{"label": item.label, "url": item.url} for item in waiting],
    }


@dashboard_panel(order=15)
def my_children(request):
    """For parents and carers: their own children, each a link into the portal (P12)."""
    if not is_parent(request.user):
        return None
    children = list(
        access.visible(request, Student.objects.all(), AS_PARENT).order_by(
            "last_name", "first_name", "pk"
        )
    )
    return {
        "title": "My children",
        "body": "Grades, progress, work, messages from the school and the decisions that are "
        "yours to make."
        if children
        else "",
        "items": [
            {
                "label": f"{child} – Year {child.year_group}",
                "url": reverse("portal:child", args=[child.pk]),
            }
            for child in children
        ],
        "empty_text": "No child is linked to your account yet. Please contact the school office.",
    }


@dashboard_panel(order=25)
def families(request):
    """For staff: parents waiting for a reply (P7) and photograph consent by class (P15)."""
    user = request.user
    if not user.is_school_staff:
        return None
    meetings = access.visible(request, MeetingRequest.objects.open(), FAMILY_CONTACT)
    counts = yield {"waiting": meetings, "classes taught": user.teaching_groups.all()}
    waiting = counts["waiting"]
    links = [{"label": "Meeting requests", "url": reverse("records:meeting_list")}]
    links += [
        {
            "label": f"Photograph consent in {group.name}",
            "url": reverse("records:class_photo_consent", args=[group.pk]),
        }
        for group in classes_of(request, counts["classes taught"])
    ]
    return {
        "title": "Families",
        "body": (
            f"{waiting} request{'s' if waiting != 1 else ''} from parents to meet "
            f"{'are' if waiting != 1 else 'is'} waiting for a reply from you or a colleague."
            if waiting
            else "No parent's request to meet is waiting for your reply."
        ),
        "links": links,
    }


@dashboard_panel(order=76)
def ended_family_links(request):
    """For the safeguarding team: the parent or carer links the office or the team ended
    recently, who ended them and when (P12, P13); the reason is on the child's page."""
    user = request.user
    if not (user.is_authenticated and user.is_safeguarding_team):
        return None
    visible = access.visible(request, recently_ended(), END_PARENT_LINK)
    # Counted with the page's other counts: the list is asked only when a link was ended.
    ended = list(visible[:20]) if (yield {"ended": visible})["ended"] else []
    return {
        "title": "Family links ended",
        "body": f"Parent and carer links ended in the last {RECENT_DAYS} days.",
        "items": [
            {
                "label": f"{item.student} – ended {localtime(item.created_at):%d %b %Y %H:%M} "
                f"by {item.ended_by or 'someone no longer here'}",
                "url": reverse("records:student_detail", args=[item.student_id]) + "#family",
            }
            for item in ended
        ],
        "empty_text": f"No link was ended in the last {RECENT_DAYS} days.",
    }


@dashboard_panel(order=18)
def emergency_access(request):
    """For the DSL and deputies: who is using emergency (break-glass) access now (P10)."""
    if not access.may_end_break_glass(request.user):
        return None
    running = (yield {"running": BreakGlassAccess.objects.active()})["running"]
    return {
        "title": "Emergency access",
        "body": (
            f"{running} emergency access{'es are' if running != 1 else ' is'} in use now."
            if running
            else "Nobody is using emergency access now."
        ),
        "links": [
            {
                "label": "See and end emergency access",
                "url": reverse("records:emergency_access_list"),
            }
        ],
    }
