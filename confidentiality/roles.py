"""The people of the school and what each kind of person is, as Django groups.

Roles live here and nowhere else: every other module asks ``user.has_role(...)`` or uses one of
the named sets below, so a role's meaning is changed in one place.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction


class Role(models.TextChoices):
    DSL = "dsl", "Designated Safeguarding Lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL"
    HEAD_TEACHER = "head_teacher", "Head teacher"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    OFFICE_STAFF = "office_staff", "Office staff"
    VOLUNTEER = "volunteer", "Volunteer / student teacher"
    HEALTH_PROFESSIONAL = "health_professional", "Health professional"
    GOVERNOR = "governor", "Governor"
    # Appointed from among the governors in the application (never by import): handles a
    # concern about the head teacher with the DSL, and holds the head's own performance file.
    CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors"
    # Appointed in the application too (by the chair or the DSL): the clerk appoints the chair.
    CLERK = "clerk", "Clerk to the governors"
    PARENT = "parent", "Parent / carer"

    @property
    def group_name(self) -> str:
        return self.label


SAFEGUARDING_TEAM = frozenset({Role.DSL, Role.DEPUTY_DSL})
# Those who read the audit trail, the agreement signatures and the import access report.
SAFEGUARDING_TEAM_OR_HEAD = SAFEGUARDING_TEAM | {Role.HEAD_TEACHER}
SCHOOL_STAFF = frozenset(
    {
        Role.DSL,
        Role.DEPUTY_DSL,
        Role.HEAD_TEACHER,
        Role.TEACHER,
        Role.TEACHING_ASSISTANT,
        Role.OFFICE_STAFF,
    }
)
GOVERNANCE = frozenset({Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS, Role.CLERK})
# Roles a person is appointed to in the application by someone entitled, with an audit entry;
# never given or taken by an import or the admin. Every handler of a concern about an adult holds
# one of them; the clerk does not handle concerns but appoints the chair, who does.
APPOINTED_ROLES = frozenset(
    {Role.DSL, Role.DEPUTY_DSL, Role.HEAD_TEACHER, Role.CHAIR_OF_GOVERNORS, Role.CLERK}
)
# Anyone working with children may raise a concern; reporting is never blocked (P3). Governors
# and the clerk too: the agreement they sign says every adult reports (P16).
MAY_LOG_CONCERN = SCHOOL_STAFF | GOVERNANCE | {Role.VOLUNTEER, Role.HEALTH_PROFESSIONAL}
# P11, P16, P25: these people sign the confidentiality agreement before any access.
MUST_SIGN_AGREEMENT = frozenset(
    {Role.VOLUNTEER, Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS, Role.CLERK, Role.HEALTH_PROFESSIONAL}
)
# The people whose accounts open the most sensitive files need a verified second factor.
SECOND_FACTOR_REQUIRED = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEAD_TEACHER})


def may_manage_agreement(user) -> bool:
    """The head teacher and the safeguarding team publish the confidentiality agreement and see
    who has yet to sign it (P11, P16, P25)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_role(*SAFEGUARDING_TEAM_OR_HEAD)
    )


def group_for(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=Role(role).group_name)
    return group


def ensure_groups() -> None:
    """Create a group for every role (idempotent; run after migrations)."""
    for role in Role:
        group_for(role)


def role_from_group_name(name: str) -> Role | None:
    return _ROLE_OF_GROUP.get(name)


def holders(role: Role):
    """The active people holding ``role``, by name: every "who is the head teacher" or "who
    chairs the governors" asks here."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.with_roles(role)


def current_dsl():
    return holders(Role.DSL).first()


def deputies():
    return holders(Role.DEPUTY_DSL)


# What the safeguarding team's card shows of each of them (and the team page).
CONTACT_FIELDS = (
    "pk",
    "username",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "phone",
    "room",
)


def safeguarding_team_contacts() -> tuple:
    """(the DSL or None, [deputies]) in one query, for the card on every staff page (P8)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from confidentiality.models.users import role_group_ids

    people = get_user_model().objects
    dsl_group = role_group_ids([Role.DSL], people.db)
    memberships = people.model.groups.through.objects
    # What the card shows, and whether they are the DSL from their memberships alone: this is
    # asked on nearly every page, and whole accounts and a second people query cost most of it.
    team = (
        people.with_roles(*SAFEGUARDING_TEAM)
        .only(*CONTACT_FIELDS)
        .annotate(is_dsl=Exists(memberships.filter(user_id=OuterRef("pk"), group_id__in=dsl_group)))
    )
    dsl, deputies = None, []
    for person in team:
        if person.is_dsl:
            dsl = person
        else:
            deputies.append(person)
    return dsl, deputies


@transaction.atomic
def appoint_dsl(user) -> None:
    """Make ``user`` the school's one current DSL, handing over from whoever held it (P8)."""
    group = group_for(Role.DSL)
    for previous in group.user_set.exclude(pk=user.pk):
        previous.groups.remove(group)
    user.groups.add(group)


# Roles that exactly one person holds at a time; a change is a hand-over (P8).
SINGLE_HOLDER_ROLES = frozenset({Role.DSL, Role.CHAIR_OF_GOVERNORS, Role.CLERK})
_HAND_OVER = {
    Role.DSL: "Appoint the new DSL to hand over; deputies are added as Deputy DSL.",
    Role.CHAIR_OF_GOVERNORS: "Appoint the new chair on the Appointments page to hand over.",
    Role.CLERK: "Appoint the new clerk on the Appointments page to hand over.",
}


def refuse_second_holder(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m guard: exactly one current DSL, chair of governors and clerk; a second one must come
    through a hand-over (``appoint_dsl``, ``team.hand_over``), which removes the first."""
    if action != "pre_add" or not pk_set:
        return
    single = {role.group_name: role for role in SINGLE_HOLDER_ROLES}
    if not isinstance(instance, Group):  # user.groups.add(...)
        checks = [
            (group, group.user_set.exclude(pk=instance.pk))
            for group in Group.objects.filter(pk__in=pk_set, name__in=single)
        ]
    else:  # group.user_set.add(...)
        if instance.name not in single:
            return
        if len(pk_set) > 1:
            raise ValidationError(f"A school has exactly one current {instance.name}.")
        checks = [(instance, instance.user_set.exclude(pk__in=pk_set))]
    for group, others in checks:
        holder = others.first()
        if holder is not None:
            role = single[group.name]
            title = "the DSL" if role == Role.DSL else f"the {role.label.lower()}"
            raise ValidationError(
                f"{holder.get_full_name() or holder.username} is already {title}. "
                + _HAND_OVER[role]
            )


def audit_role_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m receiver on ``User.groups``: every change of who holds which role, by any route
    (the team and appointments pages, an import, a shell, ``group.user_set``), is an entry in
    the audit trail, sealed in its hash chain like every other entry."""
    from django.contrib.auth import get_user_model

    from confidentiality.team import record_role_change

    through = sender
    if action in {"pre_remove", "pre_clear"}:
        # Remove and clear say only what was asked: note now who actually held what.
        rows = through.objects.all()
        if not reverse:
            rows = rows.filter(user_id=instance.pk)
            if pk_set is not None:
                rows = rows.filter(group_id__in=pk_set)
        else:
            rows = rows.filter(group_id=instance.pk)
            if pk_set is not None:
                rows = rows.filter(user_id__in=pk_set)
        instance.__dict__["_roles_being_removed"] = list(rows.values_list("user_id", "group_id"))
        return
    if action == "post_add":
        pairs = (
            [(instance.pk, group_id) for group_id in pk_set]
            if not reverse
            else [(user_id, instance.pk) for user_id in pk_set]
        )
        added = True
    elif action in {"post_remove", "post_clear"}:
        pairs = instance.__dict__.pop("_roles_being_removed", [])
        added = False
    else:
        return
    if not pairs:
        return
    by_user: dict = {}
    for user_id, group_id in pairs:
        by_user.setdefault(user_id, set()).add(group_id)
    names = dict(Group.objects.filter(pk__in={g for _, g in pairs}).values_list("pk", "name"))
    people = get_user_model().objects.in_bulk(list(by_user))
    for user_id, group_ids in by_user.items():
        person = people.get(user_id)
        if person is None:
            continue
        role_names = sorted(names[g] for g in group_ids if g in names)
        record_role_change(
            person, added=role_names if added else [], removed=[] if added else role_names
        )


def audit_roles_of_deleted_user(sender, instance, **kwargs):
    """pre_delete receiver on User: deleting an account drops its roles without an m2m signal;
    the trail still says which roles went with it."""
    from confidentiality.team import record_role_change

    names = sorted(instance.groups.values_list("name", flat=True))
    if names:
        record_role_change(instance, added=[], removed=names, how="account-deleted")


# Asked for each person of every list of people (800 on a large school's pages).
_ROLE_OF_GROUP = {role.group_name: role for role in Role}
