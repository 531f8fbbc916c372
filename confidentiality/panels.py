"""The core's dashboard panels: the account itself, and the audit trail for those who read it."""

from django.urls import reverse

from confidentiality import access
from confidentiality.extensions import dashboard_panel

ON_PANEL = 20  # people named; the signatures page names everyone


@dashboard_panel(order=90)
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


@dashboard_panel(order=80)
def audit_trail(request):
    if not access.may_read_audit_trail(request.user):
        return None
    return {
        "title": "Who has seen what",
        "body": "Every view, download and change of a confidential record is recorded here.",
        "links": [{"label": "Open the audit trail", "url": reverse("audit:trail")}],
    }


@dashboard_panel(order=70)
def agreement_signatures(request):
    """P11, P16, P25: the head teacher and the safeguarding team see who has yet to sign, with
    their second factor confirmed, as on the signatures page (without it the panel is left out)."""
    from confidentiality.models.agreements import people_yet_to_sign
    from confidentiality.roles import may_manage_agreement

    if not may_manage_agreement(request.user):
        return None
    access.require_second_factor(request.user)
    yet_to_sign = people_yet_to_sign()
    count = (yield {"yet to sign": yet_to_sign})["yet to sign"]
    waiting = list(yet_to_sign[:ON_PANEL]) if count else []
    more = count - len(waiting)
    return {
        "title": "Confidentiality agreement",
        "body": "Volunteers, student teachers, governors, the clerk and health professionals "
        "who have not accepted the current version cannot open anything until they do.",
        "items": [f"{person} has not signed" for person in waiting]
        + ([f"and {more} more: see who has signed"] if more > 0 else []),
        "empty_text": "Everyone who must sign has accepted the current version.",
        "links": [
            {"label": "Who has signed", "url": reverse("agreement_signatures")},
            {"label": "Publish a new version", "url": reverse("agreement_publish")},
        ],
    }
