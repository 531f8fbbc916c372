"""Access given by imports: who an applied import linked to a child or a class, told to the people
who must know.

An import that links a parent with parental responsibility, or puts a member of staff in a class,
opens records to someone without anyone choosing them in the application. So every such row is
written to the audit trail (``how="import-grant"``, subject the child or the person), the DSL and
the head teacher see the recent ones on their dashboard ("Access given by imports"), and each is
emailed once per import: who imported, when and how many, never which child or who (P10).
"""

import logging
from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from confidentiality import access, notifications
from confidentiality.audit import subject_key
from confidentiality.extensions import dashboard_panel

from ..policy import TOLD_OF_IMPORT_GRANTS, may_see_import_grants

log = logging.getLogger(__name__)

HOW = "import-grant"
# The dashboard lists what imports gave in this many days, newest first.
RECENT_DAYS = 14
PANEL_LIMIT = 20


def recipients() -> list:
    """The DSL and the head teacher(s): they answer for who can open a child's record."""
    return list(get_user_model().objects.with_roles(*TOLD_OF_IMPORT_GRANTS))


def report_grants(report) -> None:
    """Inside the import's transaction: one audit entry per grant; once the import is committed,
    one content-free email to each of the DSL and the head teacher."""
    by = report.by if getattr(report.by, "pk", None) else None
    for grant in report.grants:
        obj = grant.person if grant.person is not None else grant.student
        if obj is None:
            continue
        subject = grant.student if grant.student is not None else grant.person
        LogEntry.objects.log_create(
            obj,
            action=LogEntry.Action.ACCESS,
            force_log=True,
            actor=by,
            changes=None,
            changes_text="",
            additional_data={
                "how": HOW,
                "subject": subject_key(subject),
                "reason": grant.description[:500],
                "import": report.kind,
                "line": grant.line,
            },
        )
    facts = {
        "by": (by.get_full_name() or by.username) if by else "An import run on the server",
        "kind": report.kind,
        "count": len(report.grants),
        "when": f"{timezone.localtime():%d %B %Y %H:%M}",
        "link": settings.SITE_URL.rstrip("/") + reverse("dashboard"),
    }
    transaction.on_commit(lambda: tell(facts))


def tell(facts: dict) -> int:
    """One message per person, so nobody learns who else was told. A failing mail server is
    logged (its type only) and never undoes the import, which the dashboard still shows."""
    sent = 0
    for person in recipients():
        if not person.email:
            continue
        try:
            sent += notifications.send_templated("import_access", [person.email], facts)
        except Exception as error:  # any failure of the mail system
            log.error("Import access email failed: %s", type(error).__name__)
    return sent


def recent_grants(days: int = RECENT_DAYS):
    since = timezone.now() - timedelta(days=days)
    return (
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, additional_data__how=HOW, timestamp__gte=since
        )
        .select_related("actor")
        .order_by("-timestamp", "-id")
    )


@dashboard_panel(order=75)
def import_grants_panel(request):
    """For the DSL and the head teacher: the access imports gave recently, who ran them, when."""
    if not may_see_import_grants(request.user):
        return None
    # A page of the audit trail: as on the trail itself, only with the second factor confirmed
    # (without it the dashboard leaves the panel out).
    access.require_second_factor(request.user)
    entries = list(recent_grants()[:PANEL_LIMIT])
    items = [
        f"{timezone.localtime(entry.timestamp):%d %b %Y %H:%M} – "
        f"{(entry.actor.get_full_name() or entry.actor.username) if entry.actor else 'server'}"
        f" imported: {(entry.additional_data or {}).get('reason', '')}"
        for entry in entries
    ]
    links = []
    if entries:
        links.append({"label": "Open the audit trail", "url": reverse("audit:trail")})
    return {
        "title": "Access given by imports",
        "body": f"Parents linked and staff placed by an MIS import in the last {RECENT_DAYS} "
        "days. Check each is right; undo any that is not from the child's or the class's page.",
        "items": items,
        "empty_text": ""
        if entries
        else f"No import has given access in the last {RECENT_DAYS} days.",
        "links": links,
    }
