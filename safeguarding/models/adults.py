"""Concerns about adults: low-level concerns and allegations about staff and volunteers.

They go to the DSL and the head teacher only, never to the person named, and an allegation
follows the LADO route (the LADO is told within one working day). Who receives one:

- about anyone else: the DSL and the head teacher;
- about the DSL: the head teacher and the deputies (the only time deputies see one);
- about the head teacher: the DSL and the chair of governors (an appointed role).

The person named never receives it and is refused (404) even if they are on the safeguarding
team or are the head teacher.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from confidentiality import roles
from confidentiality.audit import register_confidential
from confidentiality.crypto.fields import EncryptedCharField
from confidentiality.models import ConfidentialModel
from confidentiality.roles import Role

from .concerns import Concern


class ConcernAboutAdult(ConfidentialModel):
    """Who a concern about an adult names, and whether it is a low-level concern or an
    allegation that the adult has harmed, or may harm, a child (the LADO threshold)."""

    class Nature(models.TextChoices):
        LOW_LEVEL = "low_level", "Low-level concern (does not meet the harm threshold)"
        ALLEGATION = "allegation", "Allegation (may have harmed a child or may pose a risk)"

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="adult")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_about_me"
    )
    nature = models.CharField(max_length=12, choices=Nature.choices)
    role_in_school = EncryptedCharField("their role in school")

    def __str__(self):
        # Also the audit trail's label: neither the person named nor the nature of the concern.
        return f"Concern about an adult {self.concern.reference}"

    def audit_subject(self):
        return self.person

    @property
    def is_allegation(self) -> bool:
        return self.nature == self.Nature.ALLEGATION


def chair_of_governors():
    """The governor appointed chair in the application (never by import), or None."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.CHAIR_OF_GOVERNORS.group_name, is_active=True)
        .order_by("pk")
        .first()
    )


def _heads():
    return list(
        get_user_model().objects.filter(groups__name=Role.HEAD_TEACHER.group_name, is_active=True)
    )


def handlers_for(person) -> list:
    """Who handles a concern about ``person`` (see the module docstring); never ``person``."""
    dsl = roles.current_dsl()
    heads = _heads()
    if person.has_role(Role.HEAD_TEACHER):
        people = [dsl, chair_of_governors()]
    elif dsl is not None and person.pk == dsl.pk:
        people = [*heads, *roles.deputies()]
    else:
        people = [dsl, *heads]
    seen, handlers = {person.pk}, []
    for someone in people:
        if someone is not None and someone.pk not in seen:
            seen.add(someone.pk)
            handlers.append(someone)
    return handlers


register_confidential(ConcernAboutAdult)
