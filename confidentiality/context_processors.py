from django.conf import settings

from confidentiality import roles
from confidentiality.navigation import navigation_for, reads_parents_portal


def safeguarding_team_of(request) -> tuple:
    """(the DSL or None, [deputies]), asked once per request: the card on every staff page and
    the dashboard's "no DSL is appointed" alert read the same answer."""
    if not hasattr(request, "_safeguarding_team"):
        request._safeguarding_team = roles.safeguarding_team_contacts()
    return request._safeguarding_team


def school(request):
    """What every page needs: the school, the menu, and (for staff) who the DSL is (P8)."""
    user = getattr(request, "user", None)
    context = {"school_name": settings.SCHOOL_NAME, "navigation": []}
    if user is None or not user.is_authenticated:
        return context
    context["navigation"] = navigation_for(user, request.path)
    context["parents_portal"] = reads_parents_portal(user)
    if user.is_school_staff or user.may_log_concern:
        dsl, deputies = safeguarding_team_of(request)
        context["safeguarding_team"] = {"dsl": dsl, "deputies": deputies}
    return context
