"""The one way a form offers a choice of people (a member of staff, a governor)."""

from django import forms


def person_label(user) -> str:
    """How a person is named in a choice: their name and what they do at the school."""
    name = user.get_full_name() or user.username
    return f"{name} – {user.job_title}" if user.job_title else name


class PersonChoiceField(forms.ModelChoiceField):
    """Choose one person (a member of staff, a governor) from a queryset of people, each shown
    by name and job title. Anyone posted who is not in the queryset is refused."""

    def label_from_instance(self, user):
        return person_label(user)
