"""Where the apps plug into the core: the one registry of its extension points.

The core knows no school feature. Each app adds what it contributes from its
``AppConfig.ready`` by calling the functions below, and the core reads the lists here:

- ``menu``: the entries of the main menu, each shown to whom its rule lets see it;
- ``dashboard_panels``: the panels of the first page after signing in;
- ``audit_trail_filters``: what a reader of the audit trail may not know of (e.g. a concern
  about an adult not routed to them);
- ``team_change_guards``: reasons a person may not reshape the safeguarding team or the
  appointments at the moment (e.g. being named in an open concern about an adult);
- ``periodic_steps``: work the periodic check does for an app once a minute, so no visitor
  waits for it (e.g. the retention schedule's numbers on the dashboard).

Registering twice is harmless (``ready`` may run more than once in tests).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    order: int
    label: str
    url_name: str
    visible_to: Callable  # fn(user) -> bool


menu: list[MenuEntry] = []
dashboard_panels: list[tuple[int, Callable]] = []
audit_trail_filters: list[Callable] = []
team_change_guards: list[Callable] = []
periodic_steps: list[Callable] = []


def add_menu_entry(order: int, label: str, url_name: str, visible_to: Callable) -> None:
    """A link in the main menu, for those ``visible_to(user)`` is true of."""
    if all(entry.url_name != url_name for entry in menu):
        menu.append(MenuEntry(order, label, url_name, visible_to))
        menu.sort(key=lambda entry: entry.order)


def dashboard_panel(order: int):
    """Decorator: ``fn(request) -> dict | None`` (None when the panel is not for this person).
    A panel that counts is a generator: ``counts = yield {name: queryset}``, then ``return`` its
    dict; the dashboard counts every panel's querysets together, in one query. It may ask again
    (what might be there, unnarrowed and never shown; then, only if anything is, what the door
    lets this person see of it): each round of questions is one query for every panel.

    A panel lists confidential objects only through ``access.visible``: for someone whose
    second factor is not confirmed that refuses, and the panel is left out (the dashboard says
    why once, at the top)."""

    def wrap(fn):
        if all(existing is not fn for _, existing in dashboard_panels):
            dashboard_panels.append((order, fn))
            dashboard_panels.sort(key=lambda pair: pair[0])
        return fn

    return wrap


def audit_trail_filter(fn: Callable) -> Callable:
    """``fn(entries, reader) -> entries``: drop from the trail what this reader may not know of."""
    if fn not in audit_trail_filters:
        audit_trail_filters.append(fn)
    return fn


def team_change_guard(fn: Callable) -> Callable:
    """``fn(user) -> bool`` (True: refuse): a reason this person may not change the team now.
    The refusal never says which guard refused (the person may not know of a concern)."""
    if fn not in team_change_guards:
        team_change_guards.append(fn)
    return fn


def periodic_step(fn: Callable) -> Callable:
    """``fn()``, run by the periodic check every minute; it decides itself whether there is work
    (e.g. numbers older than most of their hour). A step that fails is logged and never stops
    the safeguarding checks."""
    if fn not in periodic_steps:
        periodic_steps.append(fn)
    return fn
