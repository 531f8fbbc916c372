"""Alerts to people. Emails name who and when, never what: the content stays in the app."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from confidentiality import roles

log = logging.getLogger(__name__)


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


def break_glass_facts(grant) -> dict:
    """Who took break-glass access and when, as text (it is also kept with queued emails):
    never which record or why, which stay in the audit trail (P10)."""
    return {
        "who": str(grant.user),
        "when": f"{timezone.localtime(grant.granted_at):%d %B %Y %H:%M}",
        "until": f"{timezone.localtime(grant.expires_at):%H:%M}",
    }


def tell_safeguarding_team_of_break_glass(grant) -> int:
    """P10: the DSL hears at once that someone opened a record without a grant."""
    return send_templated("break_glass", _team_addresses(), break_glass_facts(grant))


def tell_safeguarding_team_of_break_glass_safely(grant) -> int:
    """The same, when no app handles break-glass alerts: a failing mail server is logged (its
    type only, never content) and never reaches the member of staff in their emergency."""
    try:
        return tell_safeguarding_team_of_break_glass(grant)
    except Exception as error:  # any failure of the mail system
        log.error("Break-glass email to the safeguarding team failed: %s", type(error).__name__)
        return 0
