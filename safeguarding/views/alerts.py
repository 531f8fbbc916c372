"""Each person's safeguarding alerts: who raised what and when, never the content."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality.audit import record_list_look

from ..models import Alert


@login_required
def alert_list(request):
    record_list_look(request, "alert list")
    alerts = Alert.objects.for_user(request.user).select_related("concern")[:200]
    return render(
        request,
        "safeguarding/alerts.html",
        {"alerts": alerts, "may_open": request.user.is_safeguarding_team},
    )


@login_required
@require_POST
def mark_read(request, pk=None):
    mine = Alert.objects.for_user(request.user).unread()
    if pk is None:
        mine.update(read_at=timezone.now())
    else:
        get_object_or_404(mine, pk=pk).mark_read()
    return redirect("safeguarding:alerts")
