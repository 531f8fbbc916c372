"""The governing body's dashboard panel: the next meeting, the minutes waiting for approval or
publication, and the way to the published minutes. Meetings are listed through
``access.visible``; nothing of any minute's content is shown."""

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel

from .models import HeadReport, Meeting
from .policy import VIEW_MEETING, VIEW_REPORT, may_manage_meetings, may_read_governance


@dashboard_panel(order=60)
def governing_body(request):
    user = request.user
    if not may_read_governance(user):
        return None
    meetings = access.visible(request, Meeting.objects.all(), VIEW_MEETING)
    past = meetings.filter(held_at__lt=timezone.now())
    asked = {
        "recorded": meetings,
        "reports": access.visible(request, HeadReport.objects.all(), VIEW_REPORT),
    }
    if may_manage_meetings(user):
        asked["to approve"] = past.filter(minutes_approved_at__isnull=True)
        asked["to publish"] = past.filter(
            minutes_approved_at__isnull=False, minutes_published_at__isnull=True
        )
    counts = yield asked
    items = []
    upcoming = meetings.upcoming().first() if counts["recorded"] else None
    if upcoming is not None:
        when = timezone.localtime(upcoming.held_at)
        items.append(
            f"Next meeting: {upcoming.get_committee_display()}, {when:%A %d %B %Y, %H:%M}, "
            f"{upcoming.place}"
        )
    elif counts["recorded"]:
        items.append("No meeting is planned yet.")
    if may_manage_meetings(user):
        waiting, unpublished = counts["to approve"], counts["to publish"]
        items.append(
            f"{waiting} meeting{'s' if waiting != 1 else ''} with minutes to approve"
            if waiting
            else "No meeting's minutes are waiting to be approved"
        )
        items.append(
            f"{unpublished} set{'s' if unpublished != 1 else ''} of approved minutes to publish"
            if unpublished
            else "No approved minutes are waiting to be published"
        )
    reports = counts["reports"]
    links = [
        {"label": "Meetings and minutes", "url": reverse("governance:meetings")},
        {"label": "Head teacher's reports", "url": reverse("governance:reports")},
        {
            "label": "Published minutes (public page)",
            "url": reverse("governance:published_minutes"),
        },
    ]
    return {
        "title": "Governing body",
        "body": "Meetings, agendas and papers, the public minutes, and the confidential minutes "
        "of meetings you attended."
        + (
            f" {reports} head teacher's report{'s' if reports != 1 else ''} for the governors."
            if reports
            else ""
        ),
        "items": items,
        "links": links,
        # Said only when this person has no meeting at all to see (an item says otherwise).
        "empty_text": "No meetings have been recorded yet.",
    }
