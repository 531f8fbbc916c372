"""Each person's safeguarding alerts: who raised what and when, never the content.

Anyone signed in, and never behind a second factor: an alert names no concern's content, and it
is how the team first hears of an urgent concern and a reporter of an answer (P3). Opening what
an alert points to goes through that object's own door."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from ..models import Alert
from ..trail import AREA


@access.requires(access.signed_in, second_factor=False)
def alert_list(request):
    record_list_look(request, "alert list", area=AREA)
    alerts = Alert.objects.for_user(request.user).select_related("concern")[:200]
    return render(
        request,
        "safeguarding/alerts.html",
        {"alerts": alerts, "may_open": request.user.is_safeguarding_team},
    )


@access.requires(access.signed_in, second_factor=False)
@require_POST
def mark_read(request, pk=None):
    mine = Alert.objects.for_user(request.user).unread()
    if pk is None:
        mine.update(read_at=timezone.now())
    else:
        get_object_or_404(mine, pk=pk).mark_read()
    return redirect("safeguarding:alerts")
