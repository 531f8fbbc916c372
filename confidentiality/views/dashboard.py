"""The first page after signing in: one panel per thing this person looks after."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from confidentiality import access, roles, team
from confidentiality.dashboard_panels import panels_for


@login_required
def dashboard(request):
    user = request.user
    alerts = []
    if user.is_school_staff and roles.current_dsl() is None:
        alerts.append(
            "No Designated Safeguarding Lead is appointed. Concerns still reach the deputies; "
            "the head teacher should appoint a DSL now"
            + (
                f" on the Safeguarding team page ({reverse('team')})."
                if team.may_manage_team(user)
                else "."
            )
        )
    if user.needs_second_factor and not user.is_verified():
        alerts.append(
            "Confidential records need two-factor sign-in. "
            f"Set it up or confirm it under Sign-in security ({reverse('two_factor:manage')})."
        )
    return render(
        request,
        "dashboard.html",
        {
            "greeting": f"Hello, {user.first_name or user.username}",
            "alerts": alerts,
            "panels": panels_for(request),
            "may_read_audit_trail": access.may_read_audit_trail(user),
        },
    )
