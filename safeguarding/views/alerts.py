"""Each person's safeguarding alerts: who raised what and when, never the content; for the
safeguarding team, which child each concern is about (read from the concern as the page is shown).

Anyone signed in, and never behind a second factor: an alert names no concern's content, and it
is how the team first hears of an urgent concern and a reporter of an answer (P3). Opening what
an alert points to goes through that object's own door."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from ..models import Action, Alert
from ..policy import TASK, may_have_tasks
from ..trail import AREA


@access.requires(access.signed_in, second_factor=False)
def alert_list(request):
    record_list_look(request, "alert list", area=AREA)
    alerts = list(Alert.objects.for_user(request.user).select_related("concern")[:200])
    # The team's alerts name the child, read now from the concern (never stored in the alert);
    # until the second factor is confirmed, the page says how to see them instead.
    children_named = Alert.name_children(alerts, request)
    return render(
        request,
        "safeguarding/alerts.html",
        {
            "alerts": alerts,
            "may_open": request.user.is_safeguarding_team,
            "children_named": children_named,
            "tasks_to_do": _tasks_to_do(request),
        },
    )


def _tasks_to_do(request) -> int:
    """How many tasks this person has to do (for a link to them); none shown before a second
    factor the person's role needs is confirmed."""
    if not may_have_tasks(request.user):
        return 0
    try:
        return access.visible(request, Action.objects.outstanding(), TASK).count()
    except access.SecondFactorRequired:
        return 0


@access.requires(access.signed_in, second_factor=False)
@require_POST
def mark_read(request, pk=None):
    mine = Alert.objects.for_user(request.user).unread()
    if pk is None:
        mine.update(read_at=timezone.now())
    else:
        get_object_or_404(mine, pk=pk).mark_read()
    return redirect("safeguarding:alerts")
