"""Alerts to people. Emails name who and when, never what: the content stays in the app."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from confidentiality import roles


def _team_addresses() -> list[str]:
    people = [roles.current_dsl(), *roles.deputies()]
    return sorted({p.email for p in people if p is not None and p.email})


def send_templated(template: str, recipients: list[str], context: dict) -> int:
    if not recipients:
        return 0
    context = {"school_name": settings.SCHOOL_NAME, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    return send_mail(subject, text, None, recipients, html_message=html)


def tell_safeguarding_team_of_break_glass(grant) -> int:
    """P10: the DSL hears at once that someone opened a record without a grant."""
    return send_templated(
        "break_glass",
        _team_addresses(),
        {"who": grant.user, "when": grant.granted_at, "until": grant.expires_at},
    )
