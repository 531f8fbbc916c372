from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from confidentiality.roles import (
    MAY_LOG_CONCERN,
    MUST_SIGN_AGREEMENT,
    SAFEGUARDING_TEAM,
    SCHOOL_STAFF,
    SECOND_FACTOR_REQUIRED,
    Role,
    role_from_group_name,
)


def _group_names(roles) -> list[str]:
    return [Role(role).group_name for role in roles]


# Each role's group id, per database. A role's group is made once (``roles.ensure_groups``) and
# is never renamed or deleted (it is not in the admin), so its id is asked once per process. The
# ids go into the query as numbers: asked by group name, the database planned for an average
# group (a tenth of a school's 60,000 accounts, most of them parents) and read every account to
# find a team of eight, on every staff page (20 ms at the size of the largest school).
_group_ids: dict[tuple[str, str], int] = {}


def forget_group_ids(**kwargs) -> None:
    _group_ids.clear()


def role_group_ids(roles, using: str) -> list[int]:
    """The ids of ``roles``' groups (a role whose group does not exist yet has none)."""
    from django.contrib.auth.models import Group

    names = _group_names(roles)
    missing = [name for name in names if (using, name) not in _group_ids]
    if missing:
        found = Group.objects.using(using).filter(name__in=missing).values_list("name", "pk")
        for name, pk in found:
            _group_ids[(using, name)] = pk
    return [_group_ids[(using, name)] for name in names if (using, name) in _group_ids]


class RoleGroupIds(models.Expression):
    """``roles``' group ids as a list for ``__in``, looked up when the query is run, never when
    it is built (a form's queryset is built when its module is imported)."""

    def __init__(self, roles):
        super().__init__(output_field=models.IntegerField())
        self.roles = tuple(Role(role) for role in roles)

    def as_sql(self, compiler, connection):
        ids = role_group_ids(self.roles, compiler.using or connection.alias)
        if not ids:
            return "(NULL)", []  # no such group yet: nobody holds the role
        return "(" + ", ".join(["%s"] * len(ids)) + ")", ids


class PeopleQuerySet(models.QuerySet):
    """Every "the active people in these roles" is asked here, never with a hand-written join
    on group names."""

    def with_roles(self, *roles: Role):
        """Active people holding any of ``roles``, each once, by name."""
        # From the memberships alone: joining the accounts here read all of them. The keys
        # first, then each account by its index (``long_lists.AmongKeys``).
        memberships = self.model.groups.through.objects
        ids = memberships.filter(group__in=RoleGroupIds(roles)).values("user_id")
        return self.filter(pk__among=ids, is_active=True).order_by(
            "last_name", "first_name", "username"
        )

    def without_roles(self, *roles: Role):
        """Those holding none of ``roles`` (e.g. staff outside the safeguarding team)."""
        return self.exclude(groups__name__in=_group_names(roles))

    def without_any_role(self):
        return self.filter(groups=None)


class UserManager(AuthUserManager.from_queryset(PeopleQuerySet)):
    pass


class User(AbstractUser):
    """Anyone who signs in: staff, volunteers, health professionals, governors and parents.

    What a person may do comes from their roles (groups) and object grants, never from fields
    here. ``job_title``, ``phone`` and ``room`` are how colleagues reach them: every staff page
    shows them for the safeguarding team (P8).
    """

    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField("phone or extension", max_length=40, blank=True)
    room = models.CharField("where to find them", max_length=100, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # An email address belongs to one account: a password reset reaches one person.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="one_account_per_email"
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        names = self.groups.values_list("name", flat=True)
        return frozenset(filter(None, (role_from_group_name(n) for n in names)))

    def refresh_roles(self) -> None:
        self.__dict__.pop("roles", None)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_safeguarding_team(self) -> bool:
        return bool(self.roles & SAFEGUARDING_TEAM)

    @property
    def is_school_staff(self) -> bool:
        return bool(self.roles & SCHOOL_STAFF)

    @property
    def may_log_concern(self) -> bool:
        return bool(self.roles & MAY_LOG_CONCERN)

    @property
    def must_sign_agreement(self) -> bool:
        return bool(self.roles & MUST_SIGN_AGREEMENT)

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.roles & SECOND_FACTOR_REQUIRED)

    @property
    def role_labels(self) -> list[str]:
        return sorted(role.label for role in self.roles)
