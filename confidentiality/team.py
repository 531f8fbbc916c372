"""Changing the safeguarding team (P8): handing the DSL role over and appointing or standing
down deputies, done by the head teacher or the DSL from the "Safeguarding team" page (or by an
administrator from the admin). Each change is written to the audit trail with who made it, and
a DSL who is replaced is told by email that the role has passed (who and when, nothing more)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from confidentiality import notifications, roles
from confidentiality.audit import record_access
from confidentiality.roles import SCHOOL_STAFF, Role

# Apps add checks that can stop a person changing the team, each ``fn(user) -> bool`` (True:
# refuse). Safeguarding adds "is the subject of an open concern about an adult", so nobody can
# take a concern about themselves away from the people handling it (P10).
CHANGE_GUARDS: list = []
REFUSAL = (
    "This change cannot be made from your account. Please ask the chair of governors to make it."
)


def refused(user) -> bool:
    return any(guard(user) for guard in CHANGE_GUARDS)


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
    names = [role.group_name for role in SCHOOL_STAFF]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def dsl_candidates(actor=None):
    """Who the DSL role can be handed to: any active member of staff but the current DSL and
    the person making the change (nobody appoints themselves to read every concern)."""
    people = school_staff().exclude(groups__name=Role.DSL.group_name)  # lazy: no query yet
    return people.exclude(pk=actor.pk) if actor is not None else people


def deputy_candidates(actor=None):
    """Who can become a deputy: active staff who are neither the DSL nor a deputy already, and
    not the person making the change."""
    team = [role.group_name for role in roles.SAFEGUARDING_TEAM]
    people = school_staff().exclude(groups__name__in=team)
    return people.exclude(pk=actor.pk) if actor is not None else people


def _full_name(user) -> str:
    return user.get_full_name() or user.username


def hand_over_dsl(request, new_dsl, keep_previous_as_deputy: bool = False):
    """Make ``new_dsl`` the school's one DSL (P8). The previous DSL stops being DSL (and, if
    asked, stays on the team as a deputy) and is emailed that the role has passed; the change is
    audited as "appoint-dsl". A new DSL who was a deputy is no longer listed as one. Returns the
    previous DSL, or None if there was none."""
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
    for person in (new_dsl, previous):
        if person is not None:
            person.refresh_roles()
    return previous


def add_deputy(request, person) -> None:
    """Appoint ``person`` a deputy DSL (audited as "appoint-deputy")."""
    with transaction.atomic():
        person.groups.add(roles.group_for(Role.DEPUTY_DSL))
        record_access(
            request, person, how="appoint-deputy", reason=f"{_full_name(person)} made deputy DSL"
        )
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
