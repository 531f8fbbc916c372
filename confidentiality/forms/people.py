"""The one way a form offers a choice of people (a member of staff, a governor)."""

from django import forms
from django.contrib.auth.models import Group
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from confidentiality.roles import role_from_group_name


class PlainSelect(forms.Select):
    """A ``Select`` whose options are written out here rather than by a template each: a list of
    a large school's staff runs to 800 options, and Django's template per option took most of
    the time of the pages offering one (0.7 s of the concern list's filters). The markup is the
    same as Django's own widget writes."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    "" if option["value"] is None else str(option["value"]),
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every part escaped by format_html


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


def _role_labels(user) -> list[str]:
    if hasattr(user, "group_names"):  # read with the person (``with_group_names``)
        names = (user.group_names or "").split(_BETWEEN_GROUPS)
    else:
        names = [group.name for group in user.groups.all()]
    roles = filter(None, (role_from_group_name(name) for name in names if name))
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

    widget = PlainSelect

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = with_group_names(queryset)
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, user):
        return person_label(user, with_role=True)
