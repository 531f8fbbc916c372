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
# Everyone who signs in with a password may protect it with a second factor, not only staff: the
# chair and the clerk are asked for one on the governing body's confidential pages. A family's
# page of their own sign-in is the email their password resets go to.
extensions.add_menu_entry(
    90, "Sign-in security", "two_factor:manage", lambda u: not reads_parents_portal(u)
)
extensions.add_menu_entry(
    91, "Sign-in and email", "change_email", lambda u: reads_parents_portal(u)
)
extensions.add_menu_entry(99, "Administration", "admin:index", lambda user: user.is_superuser)


def reads_parents_portal(user) -> bool:
    """A family reads the school's parents' portal, not a safeguarding system: the header, the
    menu and the words of their pages are a parent's. (A member of staff who is also a parent
    has a separate parent account, so the two never mix.)"""
    from confidentiality.roles import Role

    return user.is_authenticated and user.has_role(Role.PARENT) and not user.is_school_staff


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    parent = reads_parents_portal(user)
    items = []
    for entry in extensions.menu:
        if parent and entry.url_name == "dashboard":
            # A family has one home for their children: "My children" (the portal's home) lists
            # them and what waits for the parent's answer, as the first page after signing in
            # does, so that page is not a second, near-identical entry.
            continue
        if entry.visible_to(user):
            url = reverse(entry.url_name)
            current = current_path == url if url == "/" else current_path.startswith(url)
            if parent and entry.url_name == "portal:home":
                current = current or current_path == reverse("dashboard")
            items.append({"label": entry.label, "url": url, "current": current})
    return items
