"""The core's dashboard panels: the account itself, and the audit trail for those who read it."""

from django.urls import reverse

from confidentiality import access
from confidentiality.dashboard_panels import register
from confidentiality.roles import GOVERNANCE


@register(order=90)
def account(request):
    user = request.user
    links = []
    if user.is_school_staff:
        links.append({"label": "Sign-in security", "url": reverse("two_factor:manage")})
    return {
        "title": "Your account",
        "body": "Signed in as " + (", ".join(user.role_labels) or "a user with no role yet") + ".",
        "links": links,
    }


@register(order=80)
def audit_trail(request):
    if not access.may_read_audit_trail(request.user):
        return None
    return {
        "title": "Who has seen what",
        "body": "Every view, download and change of a confidential record is recorded here.",
        "links": [{"label": "Open the audit trail", "url": reverse("audit:trail")}],
    }


@register(order=60)
def governance(request):
    if not request.user.has_role(*GOVERNANCE):
        return None
    return {
        "title": "Governing body",
        "body": "Meetings, public minutes and the confidential minutes of meetings you attended.",
        "empty_text": "No meetings have been recorded yet.",
    }
