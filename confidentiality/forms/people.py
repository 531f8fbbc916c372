"""The one way a form offers a choice of people (a member of staff, a governor)."""

from django import forms

from confidentiality.roles import role_from_group_name


def _role_labels(user) -> list[str]:
    # ``groups.all()`` reads what ``PersonChoiceField`` prefetched: one query for the list.
    roles = filter(None, (role_from_group_name(group.name) for group in user.groups.all()))
    return sorted(role.label for role in roles)


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


class PersonChoiceField(forms.ModelChoiceField):
    """Choose one person (a member of staff, a governor) from a queryset of people, each shown
    by name, role and job title. Anyone posted who is not in the queryset is refused."""

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = queryset.prefetch_related("groups")
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, user):
        return person_label(user, with_role=True)
