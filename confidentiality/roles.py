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
    CLERK = "clerk", "Clerk to the governors"
    PARENT = "parent", "Parent / carer"

    @property
    def group_name(self) -> str:
        return self.label


SAFEGUARDING_TEAM = frozenset({Role.DSL, Role.DEPUTY_DSL})
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
# never given or taken by an import or the admin.
APPOINTED_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEAD_TEACHER, Role.CHAIR_OF_GOVERNORS})
# Anyone working with children may raise a concern; reporting is never blocked (P3).
MAY_LOG_CONCERN = SCHOOL_STAFF | {Role.VOLUNTEER, Role.HEALTH_PROFESSIONAL}
# P11, P16, P25: these people sign the confidentiality agreement before any access.
MUST_SIGN_AGREEMENT = frozenset(
    {Role.VOLUNTEER, Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS, Role.CLERK, Role.HEALTH_PROFESSIONAL}
)
# The people whose accounts open the most sensitive files need a verified second factor.
SECOND_FACTOR_REQUIRED = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEAD_TEACHER})


def group_for(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=Role(role).group_name)
    return group


def ensure_groups() -> None:
    """Create a group for every role (idempotent; run after migrations)."""
    for role in Role:
        group_for(role)


def role_from_group_name(name: str) -> Role | None:
    for role in Role:
        if role.group_name == name:
            return role
    return None


def current_dsl():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=Role.DSL.group_name, is_active=True).first()


def deputies():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=Role.DEPUTY_DSL.group_name, is_active=True)
        .order_by("last_name", "first_name")
    )


def safeguarding_team_contacts() -> tuple:
    """(the DSL or None, [deputies]) in one query, for the card on every staff page (P8)."""
    from django.contrib.auth import get_user_model
    from django.db.models import F

    names = {Role.DSL.group_name: Role.DSL, Role.DEPUTY_DSL.group_name: Role.DEPUTY_DSL}
    people = (
        get_user_model()
        .objects.filter(groups__name__in=names, is_active=True)
        .annotate(team_role=F("groups__name"))
        .order_by("last_name", "first_name")
    )
    dsl, deputies = None, []
    for person in people:
        if names[person.team_role] == Role.DSL:
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


def refuse_second_dsl(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m guard: there is exactly one current DSL; a second one must go through appoint_dsl."""
    if action != "pre_add" or not pk_set:
        return
    if not isinstance(instance, Group):  # user.groups.add(...)
        dsl = Group.objects.filter(pk__in=pk_set, name=Role.DSL.group_name).first()
        if dsl is None:
            return
        others = dsl.user_set.exclude(pk=instance.pk)
    else:  # group.user_set.add(...)
        if instance.name != Role.DSL.group_name:
            return
        if len(pk_set) > 1:
            raise ValidationError("A school has exactly one current DSL.")
        others = instance.user_set.exclude(pk__in=pk_set)
    holder = others.first()
    if holder is not None:
        raise ValidationError(
            f"{holder.get_full_name() or holder.username} is already the DSL. "
            "Appoint the new DSL to hand over; deputies are added as Deputy DSL."
        )
