"""The menu: each role sees only what it may use. One list, one rule per entry.

The core's own entries are below; apps add theirs from ``AppConfig.ready`` with ``register``,
so the core never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from confidentiality import access


@dataclass(frozen=True)
class Entry:
    order: int
    label: str
    url_name: str
    visible_to: Callable


ENTRIES: list[Entry] = [
    Entry(0, "Dashboard", "dashboard", lambda user: True),
    Entry(80, "Who has seen what", "audit:trail", access.may_read_audit_trail),
    Entry(85, "Safeguarding team", "team", lambda user: _may_manage_team(user)),
    Entry(86, "Appointments", "team_appointments", lambda user: _may_use_appointments(user)),
    Entry(90, "Sign-in security", "two_factor:manage", lambda user: user.is_school_staff),
    Entry(99, "Administration", "admin:index", lambda user: user.is_superuser),
]


def _may_manage_team(user) -> bool:
    from confidentiality.team import may_manage_team  # imported late: it loads the audit log

    return may_manage_team(user)


def _may_use_appointments(user) -> bool:
    from confidentiality.team import may_use_appointments

    return may_use_appointments(user)


def register(entry: Entry) -> None:
    if all(e.url_name != entry.url_name for e in ENTRIES):
        ENTRIES.append(entry)
        ENTRIES.sort(key=lambda e: e.order)


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for entry in ENTRIES:
        if entry.visible_to(user):
            url = reverse(entry.url_name)
            current = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": entry.label, "url": url, "current": current})
    return items
