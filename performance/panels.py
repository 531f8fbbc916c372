"""Dashboard panels: what is waiting for each person, the holder's overdue steps of the cycle,
and each member of staff's own file. Names, dates and links only: nothing of a file's content
appears outside its page."""

from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel
from confidentiality.roles import Role

from . import policy
from .models import PerformanceFile, ReviewCycle
from .progress import cycle_progress
from .waiting import Waiting, might_be_waiting, waiting_querysets

ON_PANEL = 10  # of each kind of thing waiting; the Performance page lists them all
KINDS = ("observations", "files", "reviews")


@dashboard_panel(order=39)
def waiting_for_you(request):
    """Observations to write, files delegated to them and reviews to sign off, each a link;
    no panel when nothing waits."""
    if not policy.may_use_performance(request.user):
        return None
    access.require_second_factor(request.user)  # as the door would, before anything is asked
    if not any((yield dict(zip(KINDS, might_be_waiting(request.user), strict=True))).values()):
        return None  # nothing of the kind exists, let alone anything this person may open
    observations, files, reviews = waiting_querysets(request)
    counts = yield dict(zip(KINDS, (observations, files, reviews), strict=True))
    count = sum(counts.values())
    if not count:
        return None
    # Only the lists that have anything are read, each to a bounded length.
    waiting = Waiting(
        observations=list(observations[:ON_PANEL]) if counts["observations"] else [],
        files=list(files[:ON_PANEL]) if counts["files"] else [],
        reviews=list(reviews[:ON_PANEL]) if counts["reviews"] else [],
    )
    items = [
        {
            "label": f"Observe {_name(o.file.subject)}'s lesson on {o.planned_for:%-d %B %Y}",
            "url": reverse("performance:observation", kwargs={"pk": o.pk}),
        }
        for o in waiting.observations
    ]
    items += [
        {
            "label": f"Review {_name(f.subject)}'s file (until {f.until:%-d %B %Y})",
            "url": reverse("performance:file", kwargs={"pk": f.pk}),
        }
        for f in waiting.files
    ]
    items += [
        {
            "label": f"Sign off your {r.get_kind_display().lower()} of {r.held_on:%-d %B %Y}",
            "url": reverse("performance:file", kwargs={"pk": r.file_id}) + f"#review-{r.pk}",
        }
        for r in waiting.reviews
    ]
    more = count - len(waiting)
    return {
        "title": "Performance: waiting for you",
        "body": f"{count} thing{'s' if count != 1 else ''} in performance files "
        f"{'are' if count != 1 else 'is'} yours to do."
        + (f" {more} more on the Performance page." if more > 0 else ""),
        "items": items,
    }


def _name(user) -> str:
    return user.get_full_name() or user.username


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
    # This cycle's file in one query, its cycle with it (the cycle is asked only of the file).
    this_cycle = ReviewCycle.objects.covering(timezone.localdate()).values("pk")[:1]
    files = access.visible(
        request,
        PerformanceFile.objects.filter(subject=user, cycle=Subquery(this_cycle)),
        policy.READ,
    )
    has_file = (yield {"this cycle": files})["this cycle"]
    mine = files.select_related("cycle").first() if has_file else None
    links = [{"label": "My performance files", "url": reverse("performance:home")}]
    if mine is not None:
        links.insert(
            0,
            {
                "label": f"My file for {mine.cycle}",
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
