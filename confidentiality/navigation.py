"""The menu: each role sees only what it may use. One list, one rule per entry.

The core's own entries are added here; the apps add theirs from ``AppConfig.ready`` through
``confidentiality.extensions``, so the core never imports them.
"""

from django.urls import reverse

from confidentiality import access, extensions
from confidentiality.school_calendar import may_keep_the_calendar


def _may_manage_team(user) -> bool:
    from confidentiality.team import may_manage_team  # imported late: it loads the audit log

    return may_manage_team(user)


def _may_use_appointments(user) -> bool:
    from confidentiality.team import may_use_appointments

    return may_use_appointments(user)


extensions.add_menu_entry(0, "Dashboard", "dashboard", lambda user: True)
extensions.add_menu_entry(80, "Who has seen what", "audit:trail", access.may_read_audit_trail)
extensions.add_menu_entry(85, "Safeguarding team", "team", _may_manage_team)
extensions.add_menu_entry(86, "Appointments", "team_appointments", _may_use_appointments)
extensions.add_menu_entry(87, "School calendar", "calendar:page", may_keep_the_calendar)
extensions.add_menu_entry(90, "Sign-in security", "two_factor:manage", lambda u: u.is_school_staff)
extensions.add_menu_entry(99, "Administration", "admin:index", lambda user: user.is_superuser)


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for entry in extensions.menu:
        if entry.visible_to(user):
            url = reverse(entry.url_name)
            current = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": entry.label, "url": url, "current": current})
    return items
