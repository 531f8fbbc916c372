"""The safeguarding team's dashboard: open requests whose deadline is near (within a week) or
past, each a link; no panel when none is. Names and dates only; nothing of a file's content."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel

from . import policy
from .deadlines import WARN_DAYS
from .models import SubjectAccessRequest


@dashboard_panel(order=9)
def deadlines(request):
    if not policy.may_handle_requests(request.user):
        return None
    today = timezone.localdate()
    near = access.visible(
        request,
        SubjectAccessRequest.objects.due_by(today + timedelta(days=WARN_DAYS)).select_related(
            "student"
        ),
        policy.HANDLE,
    )
    items = []
    overdue = 0
    for sar in near:
        days = sar.days_left(today)
        if days < 0:
            overdue += 1
            when = f"overdue since {sar.due_on:%-d %B}"
        elif days == 0:
            when = "due today"
        else:
            when = f"due {sar.due_on:%-d %B} ({days} day{'s' if days != 1 else ''} left)"
        items.append(
            {
                "label": f"Subject-access request for {sar.student}: {when}",
                "url": reverse("subject_access:request", kwargs={"pk": sar.pk}),
            }
        )
    if not items:
        return None
    count = len(items)
    body = f"{count} subject-access request{'s' if count != 1 else ''} due within a week"
    if overdue:
        body += f", {overdue} of them overdue"
    return {
        "title": "Subject-access deadlines",
        "body": body + ".",
        "items": items,
        "links": [{"label": "All subject-access requests", "url": reverse("subject_access:home")}],
    }
