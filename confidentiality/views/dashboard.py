"""The first page after signing in: one panel per thing this person looks after."""

from django.shortcuts import render
from django.urls import reverse

from confidentiality import access, extensions, roles, team


def panels_for(request) -> list[dict]:
    """Every registered panel this person sees. A panel that lists confidential objects goes
    through ``access.visible``; without a confirmed second factor it is left out, and the
    dashboard says once, at the top, how to confirm it."""
    panels = []
    for _, build in extensions.dashboard_panels:
        try:
            panel = build(request)
        except access.SecondFactorRequired:
            continue
        if panel:
            panel.setdefault("links", [])
            panel.setdefault("items", [])
            panel.setdefault("body", "")
            panel.setdefault("empty_text", "")
            panels.append(panel)
    return panels


# Anyone signed in, with or without a second factor: the page itself shows nothing confidential
# (a panel that lists confidential objects is left out until the second factor is confirmed, and
# the page says how to confirm it), so the safeguarding team always has a page to land on.
@access.requires(second_factor=False)
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
