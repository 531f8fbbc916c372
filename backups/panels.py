"""The backup panel: the DSL and the head teacher see when the last good backup was made, and
are warned when it is old or the last attempt failed."""

from django.utils import timezone

from confidentiality.extensions import dashboard_panel
from confidentiality.roles import Role

from . import status

SEES_BACKUPS = (Role.DSL, Role.HEAD_TEACHER)


@dashboard_panel(order=95)
def backups(request):
    user = request.user
    if not (user.is_authenticated and user.is_active and user.has_role(*SEES_BACKUPS)):
        return None
    # Asked with the page's counts, in its one shared query.
    standing = status.from_answers((yield status.questions()))
    good_made_at = standing.good_made_at
    warning = status.warning(standing=standing)
    return {
        "title": "Backups",
        "body": f"Last good backup: {timezone.localtime(good_made_at):%d %B %Y at %H:%M}."
        if good_made_at
        else "Last good backup: none yet.",
        "items": [warning] if warning else [],
    }
