"""Changing who holds the appointed roles, only through the application's pages.

- the safeguarding team (P8): the head teacher or the DSL hands the DSL role over and appoints
  or stands down deputies ("Safeguarding team" page);
- the chair of governors: appointed from among the governors by the DSL or the clerk to the
  governors, never by the head teacher, whose allegations the chair handles and whom the chair
  appraises; the clerk to the governors: appointed by the chair or the DSL, never by the head
  teacher (the clerk appoints the chair); the head teacher: appointed by the chair
  ("Appointments" page).

Nobody appoints themselves, and nobody named in an open concern about an adult changes any of
it. Each change is written to the audit trail with who made it (and, whatever the route, every
change of a role is a sealed "role-change" entry, see ``record_role_change``); a holder who is
replaced is told by email that the role has passed (who and when, nothing more), and the DSL is
told of every new chair or clerk the DSL did not appoint, and the chair of governors of every
new DSL. The admin changes none of this.

Nobody appoints an account that someone in an appointed role could be signing in with
(``may_be_appointed_by``): one that anyone now holding an appointed role (the person appointing
among them) created or whose sign-in address or everyday roles they changed (by an import, in the
admin or otherwise), or one nobody has ever signed in with. Accounts the school office made stay
appointable."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from confidentiality import extensions, notifications, roles
from confidentiality.audit import record_access
from confidentiality.roles import SCHOOL_STAFF, Role, holders

# Says nothing of why: the person refused may not know of a concern about them.
REFUSAL = (
    "This change cannot be made from your account at the moment. Please ask someone else who "
    "may make it: the head teacher or the DSL for the safeguarding team and imports; for an "
    "appointment, the people the Appointments page names."
)


def refused(user) -> bool:
    """True if any app's guard (``extensions.team_change_guard``) stops this person changing
    the team now: safeguarding's is "is named in an open concern about an adult", so nobody can
    take a concern about themselves away from the people handling it (P10)."""
    return any(guard(user) for guard in extensions.team_change_guards)


def holds_protected_account(user) -> bool:
    """An account a stolen password or an administrator must not quietly take over: anyone
    holding an appointed role. Every handler of a concern about an adult holds one (the DSL,
    deputies, the head teacher, the chair of governors), and so does the clerk, who appoints
    the chair."""
    return bool(user and user.pk and user.has_role(*roles.APPOINTED_ROLES))


def in_use(user) -> bool:
    """Someone already signs in with this account (has signed in, or has a password): its
    email, roles and password are that person's now. The one definition for the imports and
    the admin."""
    return user.last_login is not None or user.has_usable_password()


def record_account_change(person, how: str, reason: str, **data):
    """One sealed audit entry of a change to ``person``'s account (a role, a password, a second
    factor): an UPDATE of the account, never a look at a record. The actor and address are those
    of the request in progress (auditlog's middleware fills them in); none outside a request."""
    from auditlog.models import LogEntry

    return LogEntry.objects.log_create(
        person,
        action=LogEntry.Action.UPDATE,
        force_log=True,
        additional_data={
            "how": how,
            "subject": f"{person._meta.label_lower}:{person.pk}",
            # Present (if empty) so that every reader's filters on the path see a value.
            "path": "",
            "reason": reason,
            **data,
        },
        changes_text="",
        changes=None,
    )


def record_role_change(person, added, removed, how: str = "role-change"):
    """``person`` gained ``added`` and lost ``removed`` (role names). Written from the m2m
    signal, so every route (pages, import, shell, ``group.user_set``) is covered."""
    parts = []
    if added:
        parts.append("given " + ", ".join(added))
    if removed:
        parts.append("no longer " + ", ".join(removed))
    return record_account_change(
        person,
        how,
        f"{_full_name(person)}: " + "; ".join(parts),
        added=list(added),
        removed=list(removed),
    )


def may_manage_team(user) -> bool:
    """The head teacher and the current DSL change the team; deputies, staff and others never."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.HEAD_TEACHER, Role.DSL)
    )


def school_staff():
    """Active members of staff: only they may join the safeguarding team."""
    return get_user_model().objects.with_roles(*SCHOOL_STAFF)


# --- who may be appointed by whom -------------------------------------------------------------

# Audit entries on an account that say its actor made the account, or changed how it signs in:
# whoever wrote one may know (or have chosen) the mailbox its password is reset from. An import's
# "import-grant" entries are not read: every account an import creates, or whose address or roles
# it changes, has its own "mis-import" and "role-change" entries, while a grant also records a
# teacher put in a class, which puts no account in the importer's hands.
MADE_OR_CHANGED = frozenset(
    {
        "mis-import",  # created or changed by an import (records/importing/accounts.py)
        "admin-change",  # created or changed in the admin
        "email-changed-in-admin",
        "admin-password-set",
    }
)
# Field names that, changed, make an account someone else's to sign in with or make it staff.
SIGN_IN_FIELDS = frozenset({"username", "email", "password", "is_active", "roles"})
# The rule in plain words, for the refusal and the appointment forms' help.
WHO_CANNOT_BE_APPOINTED = (
    "Nobody can be appointed whose account was created, or whose email address or roles were "
    "changed (by an import or in the admin), by anyone who now holds an appointed role: the "
    "DSL, a deputy DSL, the head teacher, the chair of governors or the clerk to the governors "
    "(you included), whoever is appointing. Nor can an account nobody has signed in with yet. "
    "Accounts the school office imported can be appointed once the person has signed in."
)
NOT_APPOINTABLE = (
    "{person} cannot be appointed by you. "
    + WHO_CANNOT_BE_APPOINTED
    + " If the person has not signed in yet, ask them to sign in first."
)


class NotAppointable(Exception):
    """``may_be_appointed_by`` refused: the view shows ``NOT_APPOINTABLE``."""


def _changes_sign_in(entry) -> bool:
    """True when ``entry`` (one of ``MADE_OR_CHANGED``) created the account or changed one of
    ``SIGN_IN_FIELDS``. An entry that does not say which fields counts as changing them all."""
    from auditlog.models import LogEntry

    if entry.action == LogEntry.Action.CREATE:
        return True
    data = entry.additional_data or {}
    if data.get("created"):
        return True
    fields = data.get("fields")
    if fields is None and isinstance(entry.changes, dict) and entry.changes:
        fields = list(entry.changes)
    if fields is None:
        return True
    return bool(SIGN_IN_FIELDS & set(fields))


def accounts_shaped_by(actor) -> set[int]:
    """The accounts ``actor`` created or whose sign-in (address, password, username) or
    everyday roles ``actor`` changed, by any route that leaves an entry in the audit trail: an
    import, the admin, a shell run in their name — and, in turn, the accounts those accounts
    shaped, however many steps away (a head who imports an office account, signs in as it and
    imports a third account from there still shaped the third). Giving or taking an appointed
    role on the application's own pages does not count: that is the appointment itself."""
    if actor is None or actor.pk is None:
        return set()
    return _shaped_from({actor.pk}) - {actor.pk}


def accounts_shaped_by_appointed_people(actor=None) -> set[int]:
    """The accounts shaped (``accounts_shaped_by``, however many steps away) by anyone who now
    holds an appointed role, or by ``actor``. Not only the person appointing: a deputy who
    imports a governor with a mailbox of their own, resets its password and signs in once
    would otherwise have the DSL appoint it chair, and read, as the chair, the concerns about
    the head teacher. Holders whose account was deactivated count too, for as long as they hold
    the role. The office's imports (not an appointed role) are not counted."""
    appointed = {role.group_name for role in roles.APPOINTED_ROLES}
    seeds = set(
        get_user_model()
        .objects.filter(groups__name__in=appointed)
        .values_list("pk", flat=True)
        .distinct()
    )
    if actor is not None and actor.pk is not None:
        seeds.add(actor.pk)
    return _shaped_from(seeds)


def _shaped_from(seeds: set[int]) -> set[int]:
    """Every account shaped directly by one of ``seeds``, then by those, until no new account
    appears (a seed is included only if another seed shaped it)."""
    shaped: set[int] = set()
    frontier, asked = set(seeds), set()
    while frontier:  # each round follows one more step; it ends when no new account appears
        asked |= frontier
        found = _shaped_directly_by(frontier)
        frontier = found - asked - shaped
        shaped |= found
    return shaped


def _shaped_directly_by(actor_ids) -> set[int]:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    appointed = {role.group_name for role in roles.APPOINTED_ROLES}
    entries = LogEntry.objects.filter(
        actor_id__in=actor_ids, content_type=ContentType.objects.get_for_model(get_user_model())
    ).filter(additional_data__how__in=[*MADE_OR_CHANGED, "role-change"])
    shaped = set()
    for entry in entries.only("object_pk", "action", "changes", "additional_data").iterator():
        data = entry.additional_data or {}
        if data.get("how") == "role-change":
            names = set(data.get("added") or []) | set(data.get("removed") or [])
            if not names <= appointed:  # an everyday role (a teacher's, say) given or taken
                shaped.add(entry.object_pk)
        elif _changes_sign_in(entry):
            shaped.add(entry.object_pk)
    return {int(pk) for pk in shaped if str(pk).isdigit()}


def may_be_appointed_by(person, actor, *, shaped=None) -> bool:
    """The one rule for every appointment (the DSL, deputies, the chair, the clerk, the head
    teacher): ``actor`` may appoint ``person`` only if it is someone else's account in real use,
    in no appointed person's hands. Never themselves; never an account nobody has signed in
    with; never an account that ``actor`` or anyone now holding an appointed role created or
    whose sign-in address or roles they changed (``accounts_shaped_by_appointed_people``):
    whoever did that may hold its mailbox, reset its password and sign in as the person
    appointed, reading what the role reads (an allegation about themselves, say), whoever then
    appointed it. ``shaped`` is ``accounts_shaped_by_appointed_people(actor)`` when the caller
    already has it."""
    if person is None or actor is None or person.pk is None or actor.pk is None:
        return False
    if person.pk == actor.pk or person.last_login is None:
        return False
    if shaped is None:
        shaped = accounts_shaped_by_appointed_people(actor)
    return person.pk not in shaped


def appointable_by(people, actor):
    """``people`` (a queryset) narrowed to those ``actor`` may appoint (``may_be_appointed_by``),
    for the lists the appointment pages offer. Without an actor (the server's ``appoint_first``
    command, which has no appointer) only who may hold the role: the pages always pass one, and
    the verbs below check ``may_be_appointed_by`` again whatever the list said."""
    if actor is None:
        return people
    shaped = accounts_shaped_by_appointed_people(actor)
    allowed = [p.pk for p in people if may_be_appointed_by(p, actor, shaped=shaped)]
    return people.filter(pk__in=allowed)


def _check_appointable(request, person) -> None:
    if not may_be_appointed_by(person, getattr(request, "user", None)):
        raise NotAppointable(NOT_APPOINTABLE.format(person=_full_name(person)))


def dsl_candidates(actor=None):
    """Who the DSL role can be handed to: any active member of staff but the current DSL, whom
    ``actor`` may appoint (never themselves: nobody appoints themselves to read every
    concern)."""
    return appointable_by(school_staff().without_roles(Role.DSL), actor)


def deputy_candidates(actor=None):
    """Who can become a deputy: active staff who are neither the DSL nor a deputy already, whom
    ``actor`` may appoint."""
    return appointable_by(school_staff().without_roles(*roles.SAFEGUARDING_TEAM), actor)


def _full_name(user) -> str:
    return user.get_full_name() or user.username


def hand_over_dsl(request, new_dsl, keep_previous_as_deputy: bool = False):
    """Make ``new_dsl`` the school's one DSL (P8). The previous DSL stops being DSL (and, if
    asked, stays on the team as a deputy) and is emailed that the role has passed; the change is
    audited as "appoint-dsl". A new DSL who was a deputy is no longer listed as one. Returns the
    previous DSL, or None if there was none."""
    _check_appointable(request, new_dsl)
    previous = roles.current_dsl()
    if previous is not None and previous.pk == new_dsl.pk:
        return None
    deputy_group = roles.group_for(Role.DEPUTY_DSL)
    with transaction.atomic():
        roles.appoint_dsl(new_dsl)
        new_dsl.groups.remove(deputy_group)
        if previous is not None and keep_previous_as_deputy:
            previous.groups.add(deputy_group)
        reason = f"{_full_name(new_dsl)} appointed DSL" + (
            f", handing over from {_full_name(previous)}" if previous else ""
        )
        record_access(request, new_dsl, how="appoint-dsl", reason=reason)
        if previous is not None and previous.email:
            facts = {
                "previous": _full_name(previous),
                "new_dsl": _full_name(new_dsl),
                "by": _full_name(request.user),
                "when": f"{timezone.localtime():%d %B %Y %H:%M}",
                "kept_as_deputy": keep_previous_as_deputy,
            }
            transaction.on_commit(
                lambda: notifications.send_templated("dsl_handover", [previous.email], facts)
            )
        _tell_the_chair(request, new_dsl, previous)
    for person in (new_dsl, previous):
        if person is not None:
            person.refresh_roles()
    return previous


def _tell_the_chair(request, new_dsl, previous, role="the Designated Safeguarding Lead") -> None:
    """The chair of governors hears of every new DSL or deputy (who, by whom, when; nothing of
    any case): someone outside the head teacher's line management who can question it. For a
    deputy, the DSL is told too."""
    people = {new_dsl.pk, request.user.pk} | ({previous.pk} if previous is not None else set())
    facts = {
        "new_dsl": _full_name(new_dsl),
        "role": role,
        "previous": _full_name(previous) if previous is not None else "",
        "by": _full_name(request.user),
        "when": f"{timezone.localtime():%d %B %Y %H:%M}",
    }
    told = list(holders(Role.CHAIR_OF_GOVERNORS))
    if role != "the Designated Safeguarding Lead":
        told += [dsl for dsl in [roles.current_dsl()] if dsl is not None]
    for chair in told:
        if chair.email and chair.pk not in people:
            transaction.on_commit(
                lambda chair=chair: notifications.send_templated(
                    "dsl_handover_notice", [chair.email], {**facts, "recipient": _full_name(chair)}
                )
            )


def add_deputy(request, person) -> None:
    """Appoint ``person`` a deputy DSL (audited as "appoint-deputy"), if the person making the
    change may appoint them (``may_be_appointed_by``; else ``NotAppointable``)."""
    _check_appointable(request, person)
    with transaction.atomic():
        person.groups.add(roles.group_for(Role.DEPUTY_DSL))
        record_access(
            request, person, how="appoint-deputy", reason=f"{_full_name(person)} made deputy DSL"
        )
        # A deputy reads every concern too: the chair and the DSL hear of it.
        _tell_the_chair(request, person, None, role="a deputy Designated Safeguarding Lead")
    person.refresh_roles()


def remove_deputy(request, person) -> None:
    """Stand ``person`` down as deputy DSL (audited as "remove-deputy")."""
    with transaction.atomic():
        person.groups.remove(roles.group_for(Role.DEPUTY_DSL))
        record_access(
            request,
            person,
            how="remove-deputy",
            reason=f"{_full_name(person)} no longer deputy DSL",
        )
    person.refresh_roles()


# --- appointments: the chair of governors and the head teacher -------------------------------


def may_appoint_chair(user) -> bool:
    """The DSL or the clerk to the governors. Never the head teacher, even one who is also the
    DSL: the chair handles allegations about the head and appraises the head."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.DSL, Role.CLERK)
        and not user.has_role(Role.HEAD_TEACHER)
    )


def may_appoint_clerk(user) -> bool:
    """The chair of governors or the DSL. Never the head teacher, even one who is also the DSL:
    the clerk appoints the chair, who handles allegations about the head."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.CHAIR_OF_GOVERNORS, Role.DSL)
        and not user.has_role(Role.HEAD_TEACHER)
    )


def may_appoint_head(user) -> bool:
    """The chair of governors appoints the head teacher."""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_role(Role.CHAIR_OF_GOVERNORS)
    )


def may_use_appointments(user) -> bool:
    return may_appoint_chair(user) or may_appoint_clerk(user) or may_appoint_head(user)


def chair_candidates(actor=None):
    """Active governors who are not on the school's staff (the chair is independent of those
    whose conduct the chair may judge), other than the current chair, whom ``actor`` may appoint
    (``may_be_appointed_by``)."""
    people = (
        get_user_model()
        .objects.with_roles(Role.GOVERNOR)
        .without_roles(*SCHOOL_STAFF, Role.CHAIR_OF_GOVERNORS)
    )
    return appointable_by(people, actor)


def clerk_candidates(actor=None):
    """Active members of staff or governors, or an account with no role yet (a clerk from
    outside the school), other than the current clerk, the head teacher (the clerk appoints
    the head's appraiser), the chair (who appoints the clerk), the technician's superuser
    accounts, whom ``actor`` may appoint (``may_be_appointed_by``)."""
    from django.db.models import Q

    people = get_user_model().objects
    in_everyday_role = people.with_roles(*SCHOOL_STAFF, Role.GOVERNOR).values("pk")
    with_no_role = people.without_any_role().values("pk")
    candidates = (
        people.filter(is_active=True, is_superuser=False)
        .filter(Q(pk__in=in_everyday_role) | Q(pk__in=with_no_role))
        .without_roles(Role.CLERK, Role.HEAD_TEACHER, Role.CHAIR_OF_GOVERNORS)
        .order_by("last_name", "first_name", "username")
    )
    return appointable_by(candidates, actor)


def head_candidates(actor=None):
    """Active members of staff other than the current head teacher, whom ``actor`` may appoint
    (``may_be_appointed_by``)."""
    return appointable_by(school_staff().without_roles(Role.HEAD_TEACHER), actor)


HANDOVER_HOW = {
    Role.CHAIR_OF_GOVERNORS: "appoint-chair",
    Role.CLERK: "appoint-clerk",
    Role.HEAD_TEACHER: "appoint-head",
}
# Changes the DSL hears of when someone else made them. Only the DSL: the head teacher is never
# told of a new chair, which may follow from a concern about the head.
TELL_THE_DSL = frozenset({Role.CHAIR_OF_GOVERNORS, Role.CLERK})


def hand_over(request, role: Role, person):
    """Make ``person`` the one holder of ``role`` (the chair of governors, the clerk or the head
    teacher): whoever held it stops, and is told by email who holds it now, who appointed them
    and when; for a new chair or clerk, so is the DSL, unless the DSL made the change. Audited
    as "appoint-chair" / "appoint-clerk" / "appoint-head" (and each role change as
    "role-change"). Returns the people who held it before."""
    role = Role(role)
    _check_appointable(request, person)
    group = roles.group_for(role)
    with transaction.atomic():
        previous = list(group.user_set.exclude(pk=person.pk))
        for holder in previous:
            holder.groups.remove(group)
        person.groups.add(group)
        reason = f"{_full_name(person)} appointed {role.label.lower()}" + (
            f", handing over from {', '.join(_full_name(p) for p in previous)}" if previous else ""
        )
        record_access(request, person, how=HANDOVER_HOW[role], reason=reason)
        facts = {
            "role": role.label.lower(),
            "new_holder": _full_name(person),
            "by": _full_name(request.user),
            "when": f"{timezone.localtime():%d %B %Y %H:%M}",
        }
        for holder in previous:
            if holder.is_active and holder.email:
                transaction.on_commit(
                    lambda holder=holder: notifications.send_templated(
                        "role_handover",
                        [holder.email],
                        {**facts, "previous": _full_name(holder)},
                    )
                )
        dsl = roles.current_dsl() if role in TELL_THE_DSL else None
        told = {holder.pk for holder in previous}
        if dsl is not None and dsl.email and dsl.pk not in told | {request.user.pk, person.pk}:
            transaction.on_commit(
                lambda: notifications.send_templated(
                    "role_handover_notice", [dsl.email], {**facts, "recipient": _full_name(dsl)}
                )
            )
    for someone in (person, *previous):
        someone.refresh_roles()
    return previous
