"""Alerts to people. Emails name who and when, never what: the content stays in the app."""

import logging
import unicodedata

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from confidentiality import roles

log = logging.getLogger(__name__)


def team_addresses() -> list[str]:
    """The DSL's and deputies' addresses, each once: who hears of an emergency access or of a
    family link ended."""
    people = [roles.current_dsl(), *roles.deputies()]
    return sorted({p.email for p in people if p is not None and p.email})


# What must never reach a mail header: control characters (CR and LF above all, which would end
# the header), zero-width and bidirectional formatting characters (which can disguise a name),
# and line or paragraph separators. Names typed by people or imported from the MIS carry them.
_HEADER_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
MAX_SUBJECT = 200


def header_safe(value: str) -> str:
    """``value`` fit for one line of a mail header: unsafe characters become spaces, runs of
    spaces one space."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in _HEADER_UNSAFE else ch for ch in str(value or "")
    )
    return " ".join(cleaned.split())


def _render_plain(name: str, context: dict) -> str:
    """A text template rendered without HTML escaping (a plain-text part or a subject should
    say O'Brien, not O&#x27;Brien); the HTML part is escaped as usual."""
    return get_template(name).template.render(Context(context, autoescape=False))


def send_templated(
    template: str, recipients: list[str], context: dict, headers: dict | None = None
) -> int:
    """One message to each address, so nobody learns who else was told (a parent never sees
    another family's address); returns how many were sent. Every header value is made safe
    first, so an odd name never stops a message. If any sending fails, the others are still
    tried and the first failure is raised afterwards (callers retry or log it)."""
    addresses = []
    for address in recipients or ():
        address = header_safe(address)
        if address and address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    if not addresses:
        return 0
    context = {"school_name": settings.SCHOOL_NAME, **context}
    subject = header_safe(_render_plain(f"emails/{template}_subject.txt", context))[:MAX_SUBJECT]
    text = _render_plain(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    sent, failure = 0, None
    for address in addresses:
        message = EmailMultiAlternatives(subject, text, None, [address], headers=headers)
        message.attach_alternative(html, "text/html")
        try:
            sent += message.send()
        except Exception as error:  # any failure of the mail system: try the others first
            failure = failure or error
    if failure is not None:
        raise failure
    return sent


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
    return send_templated("break_glass", team_addresses(), break_glass_facts(grant))


def tell_safeguarding_team_of_break_glass_safely(grant) -> int:
    """The same, when no app handles break-glass alerts: a failing mail server is logged (its
    type only, never content) and never reaches the member of staff in their emergency."""
    try:
        return tell_safeguarding_team_of_break_glass(grant)
    except Exception as error:  # any failure of the mail system
        log.error("Break-glass email to the safeguarding team failed: %s", type(error).__name__)
        return 0
