"""The safeguarding team's dashboard panel: child-protection files overdue at their new school
(past the fifth school day without a receipt), and those still on their way. Names of schools
and deadlines only; the child is named on the transfer's own page."""

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.extensions import dashboard_panel

from .models import Transfer
from .policy import CHILD, may_transfer


@dashboard_panel(order=9)
def transfers_panel(request):
    if not may_transfer(request.user):
        return None
    now = timezone.now()
    waiting = access.visible(request, Transfer.objects.filter(received_at=None), CHILD).order_by(
        "due_at"
    )
    counts = yield {"waiting": waiting, "late": waiting.filter(due_at__lt=now)}
    count, late = counts["waiting"], counts["late"]
    if not count:
        return None
    overdue = list(waiting.filter(due_at__lt=now)[:10]) if late else []
    links = [
        {
            "label": f"Overdue: file for {t.school_name}, due {_day(t.due_at)}",
            "url": reverse("transfers:transfer", kwargs={"pk": t.pk}),
        }
        for t in overdue
    ]
    links.append({"label": "All transfers", "url": reverse("transfers:home")})
    body = f"{count} child-protection file{'s' if count != 1 else ''} not yet received"
    body += f"; {late} overdue." if late else "; none overdue."
    return {"title": "Child-protection files to other schools", "body": body, "links": links}


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"
