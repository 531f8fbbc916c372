"""Every view goes through the door (issue 10): a walk over every address of the site fails on a
view that was not declared with ``access.requires`` (or ``RequiresMixin``) or ``access.public``,
so a new page cannot be born with a hand-written gate, or with none.

The walk also keeps three lists honest: the few pages anyone may reach, the few pages that never
wait on a second factor, and the pages with an object in their address, each of which must be
audited (``PAGES`` in ``tests/test_every_look_is_audited.py``) or be an action (``ACTIONS``).
"""

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter

from confidentiality.access import Door
from tests.test_every_look_is_audited import ACTIONS, LIST_PAGES, PAGES

# Not walked: Django's admin is its own door, the OTP admin site (confidentiality/urls.py), which
# admits only active staff accounts with a verified second factor and shows no school record
# (confidentiality/admin.py; tests/security/test_admin_back_door.py, and
# test_the_admin_needs_a_verified_second_factor in tests/core/test_safeguarding_team.py).
OWN_DOOR_NAMESPACES = {"admin"}

# Pages anyone may reach, signed in or not. Each shows nothing confidential: signing in and out,
# a forgotten password (the link in the email is the proof), and the load balancer's check.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    # The governing body's published public minutes and their PDFs, as on the school website
    # (P17): addressed by date and body, never an id; nothing confidential is read there
    # (governance/publication.py; tests/governance/test_publication.py).
    "governance:published_minutes",
    "governance:published_minutes_pdf",
    # A child-protection file collected by a school without this software (P14): a one-time
    # link (its token kept only as a hash) and the passphrase given by phone together open it;
    # it shows nothing before both are right (transfers/views/link.py; tests/transfers).
    "transfers:collect",
}

# Pages that never wait on a second factor, whoever asks (``second_factor=False``); every other
# page keeps the default (the roles that need one) or demands it of everyone. Each reason is also
# written at the view.
NO_SECOND_FACTOR = {
    # Setting the second factor up and confirming it: else nobody could ever verify.
    "two_factor:manage",
    "two_factor:setup",
    "two_factor:verify",
    "two_factor:recovery_codes",
    # The agreement gate comes before every other page; the text is nothing confidential.
    "agreement",
    # The landing page: a panel that lists confidential objects is left out until verified.
    "dashboard",
    # P3: reporting is never blocked: logging a concern (and its draft), one about an adult,
    # asking for advice, and following up what one reported or asked.
    "safeguarding:log_concern",
    "safeguarding:autosave",
    "safeguarding:discard_draft",
    "safeguarding:start_new_concern",
    "safeguarding:find_child",
    "safeguarding:log_adult_concern",
    "safeguarding:my_concerns",
    "safeguarding:my_concern",
    "safeguarding:ask_advice",
    "safeguarding:my_advice_list",
    "safeguarding:my_advice",
    # One's own alerts (who raised what and when, never the content): how the team first hears
    # of an urgent concern, P3.
    "safeguarding:alerts",
    "safeguarding:alert_read",
    "safeguarding:alerts_read",
    # One's own training and policy readings: nobody else's, nothing confidential.
    "safeguarding:my_training",
    "safeguarding:record_reading",
}


def _is_object_kwarg(name, converter) -> bool:
    """An address part that names one object: a primary key, by name or by its converter."""
    return (
        name == "pk"
        or name.endswith(("_pk", "_id"))
        or isinstance(converter, IntConverter | UUIDConverter)
    )


def _views():
    """(name, route, view, takes an object) for every address outside the admin."""
    found = []

    def walk(patterns, namespace, prefix, converters):
        for pattern in patterns:
            kwargs = {**converters, **getattr(pattern.pattern, "converters", {})}
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                if pattern.namespace in OWN_DOOR_NAMESPACES:
                    continue
                walk(pattern.url_patterns, inner, route, kwargs)
            elif isinstance(pattern, URLPattern):
                name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else route
                takes_object = any(_is_object_kwarg(k, c) for k, c in kwargs.items())
                found.append((name, route, pattern.callback, takes_object))

    walk(get_resolver().url_patterns, "", "", {})
    return found


def _door(view) -> Door | None:
    door = getattr(view, "door", None)
    return door if isinstance(door, Door) else None


def test_the_walk_finds_the_site():
    names = {name for name, *_ in _views()}
    # The walk itself must reach into every app (so an empty walk cannot pass the tests below).
    assert {"dashboard", "records:student_detail", "portal:child", "safeguarding:concern"} <= names


def test_every_view_is_declared_through_the_door():
    missing = sorted(
        f"{name} ({route}) -> {view.__module__}.{getattr(view, '__qualname__', view)}"
        for name, route, view, _ in _views()
        if _door(view) is None
    )
    assert not missing, "declare these views with access.requires or access.public:\n" + "\n".join(
        missing
    )


def test_only_the_listed_pages_are_public():
    public = {name for name, _, view, _ in _views() if (door := _door(view)) and door.public}
    assert not public - PUBLIC, f"public pages not in PUBLIC: {sorted(public - PUBLIC)}"
    assert not PUBLIC - public, f"PUBLIC names pages that are not public: {sorted(PUBLIC - public)}"


def test_only_the_listed_pages_skip_the_second_factor():
    skipping = {
        name
        for name, _, view, _ in _views()
        if (door := _door(view)) and not door.public and door.second_factor is False
    }
    extra, stale = sorted(skipping - NO_SECOND_FACTOR), sorted(NO_SECOND_FACTOR - skipping)
    assert not extra, f"pages that never ask for a second factor, not in NO_SECOND_FACTOR: {extra}"
    assert not stale, f"NO_SECOND_FACTOR names pages that do ask for one, or none: {stale}"


def test_every_page_with_an_object_in_its_address_is_audited_or_an_action():
    """A page that takes an object's id either shows it (then its look is audited, proved by
    ``PAGES``) or only acts on it (``ACTIONS``)."""
    unlisted = sorted(
        name
        for name, _, _, takes_object in _views()
        if takes_object and name not in PAGES and name not in ACTIONS
    )
    assert not unlisted, f"add these pages to PAGES (or ACTIONS): {unlisted}"


def test_the_audit_lists_name_real_pages():
    views = _views()
    stale = sorted((set(PAGES) | ACTIONS | set(LIST_PAGES)) - {name for name, *_ in views})
    assert not stale, f"tests/test_every_look_is_audited.py names pages that do not exist: {stale}"
    objectless = sorted(
        name
        for name, _, _, takes_object in views
        if name in ACTIONS | set(PAGES) and not takes_object
    )
    assert not objectless, f"PAGES and ACTIONS are for pages with an object: {objectless}"
    both = sorted(set(PAGES) & ACTIONS)
    assert not both, f"a page is either shown (PAGES) or only acts (ACTIONS), not both: {both}"
