"""Dashboard panels: the holder's overdue steps of the cycle, and each member of staff's own
file. Counts and links only: nothing of a file's content appears outside its page."""

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel
from confidentiality.roles import Role

from . import policy
from .models import PerformanceFile, ReviewCycle
from .progress import cycle_progress


@dashboard_panel(order=40)
def review_cycle(request):
    """The head teacher (and the chair, for the head's file): how many steps are overdue."""
    if not policy.may_see_overview(request.user):
        return None
    today = timezone.localdate()
    cycle = ReviewCycle.objects.current(today)
    rows = cycle_progress(request, cycle, today)
    overdue = sum(len(row.overdue) for row in rows)
    late = sum(1 for row in rows if row.overdue)
    return {
        "title": f"Performance reviews {cycle}",
        "body": (
            f"{overdue} overdue step{'s' if overdue != 1 else ''} for {late} member"
            f"{'s' if late != 1 else ''} of staff."
            if overdue
            else "No step of the review cycle is overdue."
        ),
        "links": [{"label": "Open the review overview", "url": reverse("performance:overview")}],
    }


@dashboard_panel(order=41)
def my_file(request):
    """School staff: a link to their own file for this cycle, once it is opened."""
    user = request.user
    if not user.is_school_staff:
        return None
    cycle = ReviewCycle.objects.current()
    mine = access.visible(
        request, PerformanceFile.objects.filter(subject=user, cycle_id=cycle.pk), policy.READ
    ).first()
    links = [{"label": "My performance files", "url": reverse("performance:home")}]
    if mine is not None:
        links.insert(
            0,
            {
                "label": f"My file for {cycle}",
                "url": reverse("performance:file", kwargs={"pk": mine.pk}),
            },
        )
    return {
        "title": "My performance review",
        "body": "Your objectives, observations and reviews: seen only by you and "
        + (
            "the chair of governors."
            if user.has_role(Role.HEAD_TEACHER)
            else "the head teacher (or the reviewer the head names)."
        ),
        "links": links,
        "empty_text": "",
    }
