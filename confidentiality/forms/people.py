"""The one way a form offers a choice of people (a member of staff, a governor)."""

import functools
from dataclasses import dataclass
from typing import ClassVar

from django import forms
from django.contrib.auth.models import Group
from django.db.models import OuterRef, StringAgg, Subquery, Value

from confidentiality.forms.widgets import PlainSelect
from confidentiality.roles import role_from_group_name

# Between the names of a person's groups as ``PersonChoiceField`` reads them: a character no
# role's name holds (a group with an odd name is no role, and is left out either way).
_BETWEEN_GROUPS = "\x1f"


def with_group_names(people):
    """``people``, each with the names of their groups read in the same query."""
    names = (
        Group.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(names=StringAgg("name", Value(_BETWEEN_GROUPS)))
        .values("names")
    )
    return people.annotate(group_names=Subquery(names))


@dataclass
class PersonShown:
    """What a choice of a person shows of them (``person_label``), read as a plain row for a
    list of hundreds: ``values_list(*PersonShown.COLUMNS)`` of ``with_group_names(people)``."""

    # The account's own columns, then the roles read with it (``with_group_names``).
    ACCOUNT_COLUMNS: ClassVar = (
        "pk",
        "username",
        "first_name",
        "last_name",
        "job_title",
        "is_active",
    )
    COLUMNS: ClassVar = (*ACCOUNT_COLUMNS, "group_names")

    pk: int
    username: str
    first_name: str
    last_name: str
    job_title: str
    is_active: bool
    group_names: str | None

    def get_full_name(self) -> str:
        """As the account's own ``get_full_name``."""
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def read(cls, people):
        """Each of ``people`` (annotated by ``with_group_names``) as one of these, in order."""
        return (cls(*row) for row in people.values_list(*cls.COLUMNS))


def _role_labels(user) -> list[str]:
    if hasattr(user, "group_names"):  # read with the person (``with_group_names``)
        return list(_labels_of(user.group_names or ""))
    return list(_labels_of(_BETWEEN_GROUPS.join(group.name for group in user.groups.all())))


@functools.lru_cache(maxsize=256)
def _labels_of(group_names: str) -> tuple[str, ...]:
    """The role labels of these groups' names (as ``with_group_names`` joins them), worked out
    once for each set of roles: 800 staff share a few dozen, and each label is the same for
    every person holding those roles (a group's name decides its role)."""
    names = group_names.split(_BETWEEN_GROUPS)
    roles = filter(None, (role_from_group_name(name) for name in names if name))
    return tuple(sorted(role.label for role in roles))


def person_label(user, with_role: bool = False) -> str:
    """How a person is named in a choice: their name and what they do at the school. With
    ``with_role``, their role comes first: a job title is free text typed by whoever imported the
    account, so two "Tom Bennett – Deputy DSL" could be told apart only by the role the school
    gave them ("Tom Bennett – Office staff (Deputy DSL, Year 5 lead)")."""
    name = user.get_full_name() or user.username
    if with_role:
        labels = _role_labels(user)
        roles = ", ".join(labels) or "no role"
        # A job title that only repeats the role ("Teaching assistant (Teaching assistant)")
        # tells nobody apart: said once.
        said = {label.casefold() for label in labels} | {roles.casefold()}
        title = (user.job_title or "").strip()
        return f"{name} – {roles}" + (
            f" ({title})" if title and title.casefold() not in said else ""
        )
    return f"{name} – {user.job_title}" if user.job_title else name


class _People(forms.models.ModelChoiceIterator):
    """The people offered, read in one go: Django's iterator reads them through a server-side
    cursor, a round trip per batch, for a list that is always shown whole. Read as plain rows
    (``PersonShown``): a list of a large school's staff is 800 accounts, and making each a model
    instance cost more than reading it. What is posted back is checked against the queryset
    itself, and the field's value is the account (``ModelChoiceField.to_python``)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for person in PersonShown.read(self.queryset):
            yield (
                forms.models.ModelChoiceIteratorValue(person.pk, person),
                self.field.label_from_instance(person),
            )


class PersonChoiceField(forms.ModelChoiceField):
    """Choose one person (a member of staff, a governor) from a queryset of people, each shown
    by name, role and job title. Anyone posted who is not in the queryset is refused."""

    widget = PlainSelect
    iterator = _People

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = with_group_names(queryset)
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, user):
        return person_label(user, with_role=True)
