"""The first page after signing in: one panel per thing this person looks after.

What a panel says must be true of the person reading it, so the page holds panels to one shape
(``panel_shape``): ``items`` are what the panel is about (each a line, or a line with a link:
a class, a child, a task); ``empty_text`` is said only when there are no items, so "no child is
linked" can never sit above the links to the children; ``links`` are the standing ways on (the
whole list, a form), never the things counted. A panel with ``first`` (a question waiting for a
parent's answer) comes before every other.
"""

import inspect
import logging

from django.db import DatabaseError, transaction
from django.shortcuts import render
from django.urls import reverse

from confidentiality import access, counting, extensions, roles, team
from confidentiality.context_processors import safeguarding_team_of

log = logging.getLogger(__name__)


def panel_shape(panel: dict) -> dict:
    """The one shape the dashboard renders: every item a ``{"label", "url"}`` (url optional),
    and no ``empty_text`` beside items."""
    panel.setdefault("links", [])
    panel.setdefault("body", "")
    panel["items"] = [
        item if isinstance(item, dict) else {"label": item, "url": ""}
        for item in panel.get("items") or []
    ]
    if panel["items"]:
        panel["empty_text"] = ""
    panel.setdefault("empty_text", "")
    return panel


def panels_for(request) -> list[dict]:
    """Every registered panel this person sees. A panel that lists confidential objects goes
    through ``access.visible``; without a confirmed second factor it is left out, and the
    dashboard says once, at the top, how to confirm it.

    A panel that counts ``yield``s its querysets (``{name: queryset}``) and is sent back the
    numbers: the counts of every panel are asked together, in one query
    (``extensions.dashboard_panel``), so the page costs the same whatever each panel counts.
    A panel that asks again is answered with the others that ask again, in a second query."""
    built: list[tuple[int, dict]] = []
    asking: list[tuple[int, object, dict]] = []  # (place, the panel's generator, its querysets)
    for place, (_, build) in enumerate(extensions.dashboard_panels):
        _go_on(place, lambda build=build: build(request), built, asking)
    while asking:
        counts = _counted(asking)
        waiting, asking = asking, []
        for place, panel, querysets in waiting:
            if any((place, name) not in counts for name in querysets):
                # Its counts could not be read: the panel says so, the rest of the page stands.
                built.append((place, dict(UNREADABLE_PANEL)))
                panel.close()
                continue
            answer = {name: counts[(place, name)] for name in querysets}
            _go_on(
                place, lambda panel=panel, answer=answer: panel.send(answer), built, asking, panel
            )
    built.sort(key=lambda pair: pair[0])
    panels = [panel_shape(panel) for _, panel in built if panel]
    # What waits for this person's answer comes first, whatever order the panel was registered
    # in (a stable sort keeps the others in theirs).
    panels.sort(key=lambda panel: not panel.get("first"))
    return panels


# What stands in for a panel whose counts the database could not give: said, never left out (a
# panel missing without a word could hide "2 urgent concerns").
UNREADABLE_PANEL = {
    "title": "Part of this page could not be read",
    "body": "The numbers of one part of your page could not be read just now. Reload the page "
    "in a minute; if this stays, tell the IT administrator. Open concerns are also on the "
    "safeguarding team's own pages.",
    "first": True,
}


def _counted(asking: list) -> dict:
    """The counts every waiting panel asked for, in one query. Should that fail, each panel's
    are asked alone, so that one part the database cannot count (a table being restored, a
    lock) costs only its own panel, never the whole page."""
    wanted = {(place, name): qs for place, _, qs in asking for name, qs in qs.items()}
    try:
        return counting.count_all(wanted)
    except DatabaseError:
        log.exception("The dashboard's counts failed together: each panel's asked alone")
    counts = {}
    for place, _, querysets in asking:
        try:
            with transaction.atomic():  # a failure undoes only its own savepoint
                found = counting.count_all({name: qs for name, qs in querysets.items()})
        except DatabaseError:
            log.exception("A dashboard panel's counts could not be read")
            continue
        counts.update({(place, name): n for name, n in found.items()})
    return counts


def _go_on(place: int, step, built: list, asking: list, panel=None) -> None:
    """Run a panel to its answer, or to its next question (the querysets it wants counted):
    ``step`` starts the panel (``panel`` None) or sends a counting panel its answers. A panel
    may ask more than once (what might be there first, then what this person may see of it)."""
    try:
        result = step()
        if panel is None and inspect.isgenerator(result):
            panel, result = result, next(result)
        if panel is not None:
            asking.append((place, panel, result))
            return
    except StopIteration as finished:
        result = finished.value
    except access.SecondFactorRequired:
        return
    built.append((place, result))


def alert(text: str, label: str = "", url: str = "") -> dict:
    """A line at the top of the dashboard; with ``label`` and ``url``, a link to act on it."""
    return {"text": text, "link": {"label": label, "url": url} if url else None}


# The roles some of whose work waits on a confirmed second factor: the safeguarding team and the
# head teacher on every confidential record (``roles.SECOND_FACTOR_REQUIRED``), and with the
# chair and the clerk on concerns about adults, appointments, the governing body's confidential
# business and the performance files (``second_factor=True`` on those pages; governance's
# ``SECOND_FACTOR_ALWAYS``). These are exactly the appointed roles; told once, before the work
# sends them to set it up.
ASKED_FOR_SECOND_FACTOR = roles.APPOINTED_ROLES


def alerts_for(request) -> list[dict]:
    user = request.user
    alerts = []
    if user.is_school_staff and safeguarding_team_of(request)[0] is None:
        if team.may_manage_team(user):
            alerts.append(
                alert(
                    "No Designated Safeguarding Lead is appointed. Concerns still reach the "
                    "deputies; appoint a DSL now.",
                    "Appoint a DSL on the safeguarding team page",
                    reverse("team"),
                )
            )
        else:
            alerts.append(
                alert(
                    "No Designated Safeguarding Lead is appointed. Concerns still reach the "
                    "deputies; the head teacher should appoint a DSL now."
                )
            )
    if user.has_role(*ASKED_FOR_SECOND_FACTOR) and not access.has_second_factor(user):
        alerts.append(
            alert(
                "Confidential records need two-factor sign-in: a 6-digit code from an "
                "authenticator app on your phone, as well as your password. You have not set "
                "it up yet.",
                "Set up two-factor sign-in",
                reverse("two_factor:setup"),
            )
        )
    elif user.needs_second_factor and not user.is_verified():
        alerts.append(
            alert(
                "Confidential records need two-factor sign-in.",
                "Set it up or confirm it under Sign-in security",
                reverse("two_factor:manage"),
            )
        )
    return alerts


# Anyone signed in, with or without a second factor: the page itself shows nothing confidential
# (a panel that lists confidential objects is left out until the second factor is confirmed, and
# the page says how to confirm it), so the safeguarding team always has a page to land on.
@access.requires(second_factor=False)
def dashboard(request):
    user = request.user
    return render(
        request,
        "dashboard.html",
        {
            "greeting": f"Hello, {user.first_name or user.username}",
            "alerts": alerts_for(request),
            "panels": panels_for(request),
            "may_read_audit_trail": access.may_read_audit_trail(user),
        },
    )
