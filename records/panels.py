"""The records' panels on the dashboard (the first page after signing in).

A panel that names pupils or counts their records lists them through ``access.visible``: for
someone whose second factor is not confirmed that refuses, and the dashboard leaves the panel
out (``confidentiality.views.dashboard``)."""

from django.urls import reverse
from django.utils.timezone import localtime

from confidentiality import access
from confidentiality.extensions import dashboard_panel
from confidentiality.models import BreakGlassAccess

from .family_links import RECENT_DAYS, recently_ended
from .models import MeetingRequest, Student, TalkRequest
from .policy import (
    AS_PARENT,
    END_PARENT_LINK,
    FAMILY_CONTACT,
    VIEW_TALK_REQUEST,
    is_parent,
    may_list_students,
)


@dashboard_panel(order=20)
def my_students(request):
    user = request.user
    if not may_list_students(user):
        return None
    groups = list(user.teaching_groups.values_list("pk", "name"))
    # Each class the person teaches opens its class page (pupils, photograph consent); a
    # volunteer placed in a class does not see this panel at all (P11).
    class_links = [
        {"label": f"Class {name}", "url": reverse("records:class_detail", args=[pk])}
        for pk, name in groups
        if user.is_school_staff
    ]
    return {
        "title": "Your students",
        "body": "The records you may open: the children you teach, support or look after.",
        "empty_text": "" if groups else "You have no class or assignment yet.",
        "links": [
            *class_links,
            {"label": "Open the student list", "url": reverse("records:student_list")},
        ],
    }


@dashboard_panel(order=22)
def talk_requests(request):
    """P7: the pupils who asked to talk to this member of staff and are still waiting."""
    user = request.user
    if not user.is_school_staff:
        return None
    waiting = list(
        access.visible(
            request, TalkRequest.objects.open().for_person(user), VIEW_TALK_REQUEST
        ).select_related("student", "recorded_by")
    )
    return {
        "title": "Pupils who would like to talk to you",
        "empty_text": "" if waiting else "No pupil is waiting to talk to you.",
        "links": [
            *(
                {
                    "label": f"{item.student} – recorded {localtime(item.created_at):%d %b %Y} "
                    f"by {item.recorded_by or 'a colleague'}",
                    "url": reverse("records:talk_request_detail", args=[item.pk]),
                }
                for item in waiting
            ),
            {"label": "All requests to talk", "url": reverse("records:talk_request_list")},
        ],
    }


@dashboard_panel(order=15)
def my_children(request):
    """For parents and carers: their own children, each a link into the portal (P12)."""
    if not is_parent(request.user):
        return None
    children = access.visible(request, Student.objects.all(), AS_PARENT)
    return {
        "title": "My children",
        "body": "Grades, progress, work, messages and the decisions that are yours to make.",
        "empty_text": "No child is linked to your account yet. Please contact the school office.",
        "links": [
            {"label": str(child), "url": reverse("portal:child", args=[child.pk])}
            for child in children
        ],
    }


@dashboard_panel(order=25)
def families(request):
    """For staff: parents waiting for a reply (P7) and photograph consent by class (P15)."""
    user = request.user
    if not user.is_school_staff:
        return None
    waiting = access.visible(request, MeetingRequest.objects.open(), FAMILY_CONTACT).count()
    links = [{"label": "Meeting requests", "url": reverse("records:meeting_list")}]
    links += [
        {
            "label": f"Photograph consent in {group.name}",
            "url": reverse("records:class_photo_consent", args=[group.pk]),
        }
        for group in user.teaching_groups.all()
    ]
    return {
        "title": "Families",
        "body": f"{waiting} meeting request{'s' if waiting != 1 else ''} waiting for a reply.",
        "links": links,
    }


@dashboard_panel(order=76)
def ended_family_links(request):
    """For the safeguarding team: the parent or carer links the office or the team ended
    recently, who ended them and when (P12, P13); the reason is on the child's page."""
    user = request.user
    if not (user.is_authenticated and user.is_safeguarding_team):
        return None
    ended = list(access.visible(request, recently_ended(), END_PARENT_LINK)[:20])
    return {
        "title": "Family links ended",
        "body": f"Parent and carer links ended in the last {RECENT_DAYS} days.",
        "empty_text": "" if ended else f"No link was ended in the last {RECENT_DAYS} days.",
        "links": [
            {
                "label": f"{item.student} – ended {localtime(item.created_at):%d %b %Y %H:%M} "
                f"by {item.ended_by or 'someone no longer here'}",
                "url": reverse("records:student_detail", args=[item.student_id]) + "#family",
            }
            for item in ended
        ],
    }


@dashboard_panel(order=18)
def emergency_access(request):
    """For the DSL and deputies: who is using emergency (break-glass) access now (P10)."""
    if not access.may_end_break_glass(request.user):
        return None
    running = BreakGlassAccess.objects.active().count()
    return {
        "title": "Emergency access",
        "body": f"{running} emergency access{'es' if running != 1 else ''} in use now.",
        "links": [
            {
                "label": "See and end emergency access",
                "url": reverse("records:emergency_access_list"),
            }
        ],
    }
