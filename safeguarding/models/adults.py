"""Concerns about adults: low-level concerns and allegations about staff and volunteers.

They go to the DSL and the head teacher only, never to the person named, and an allegation
follows the LADO route (the LADO is told within one working day). Who receives one:

- about anyone else: the DSL and the head teacher;
- about the DSL: the head teacher and the deputies (the only time deputies see one);
- about the head teacher: the DSL and the chair of governors (an appointed role);
- if none of those is there: the chair of governors, the last resort;
- unacknowledged, an urgent concern or an allegation climbs to the next of them, up to the
  chair of governors (``handlers_for(person, level)``).

The person named never receives it and is refused (404) even if they are on the safeguarding
team or are the head teacher.
"""

import logging

from django.conf import settings
from django.db import models

from confidentiality import roles
from confidentiality.audit import register_confidential
from confidentiality.crypto.blind_index import BlindLink, BlindRefField
from confidentiality.crypto.fields import EncryptedCharField
from confidentiality.models import ConfidentialModel
from confidentiality.roles import Role

from .concerns import Concern

log = logging.getLogger(__name__)


class ConcernAboutAdult(ConfidentialModel):
    """Who a concern about an adult names, and whether it is a low-level concern or an
    allegation that the adult has harmed, or may harm, a child (the LADO threshold).

    Neither who is named nor the nature is readable from the database: the person is a blind
    reference (to find the concerns naming someone, ``Concern.objects.not_about``) and their
    account's key sealed to this row; the nature is encrypted.
    """

    class Nature(models.TextChoices):
        LOW_LEVEL = "low_level", "Low-level concern (does not meet the harm threshold)"
        ALLEGATION = "allegation", "Allegation (may have harmed a child or may pose a risk)"

    concern = models.OneToOneField(Concern, on_delete=models.CASCADE, related_name="adult")
    person_ref = BlindRefField(blank=False)
    person_key = EncryptedCharField("the adult named")
    person = BlindLink(settings.AUTH_USER_MODEL)
    nature = EncryptedCharField("nature", choices=Nature.choices)
    role_in_school = EncryptedCharField("their role in school")

    audit_subject_blind = True

    def __str__(self):
        # Also the audit trail's label: neither the person named nor the nature of the concern.
        return f"Concern about an adult {self.concern.reference}"

    def audit_subject(self):
        return ConcernAboutAdult.person.stand_in(self) or self

    @property
    def person_id(self):
        return ConcernAboutAdult.person.pk_of(self)

    @property
    def is_allegation(self) -> bool:
        return self.nature == self.Nature.ALLEGATION


def chair_of_governors():
    """The governor appointed chair in the application (never by import; one at a time), or
    None."""
    return roles.holders(Role.CHAIR_OF_GOVERNORS).first()


def _distinct(people, person) -> list:
    """The people in order, each once, without nobody and without the person named."""
    seen, found = {getattr(person, "pk", None)}, []
    for someone in people:
        if someone is not None and someone.pk not in seen:
            seen.add(someone.pk)
            found.append(someone)
    return found


def handlers_for(person, level: int = 0) -> list:
    """Who handles a concern about ``person`` (see the module docstring); never ``person``.

    If none of them is there (say the DSL is named, the head's account is closed and there is
    no deputy), the chair of governors is the last resort, so an allegation always reaches
    someone when anyone is left to receive it. ``level`` is how many times the concern has
    escalated unacknowledged: each time, the next person up the ladder joins (the DSL, the head
    teacher, the chair of governors; the deputies only when the DSL is named).

    ``person`` None means the person named cannot be opened here (``ConcernAboutAdult.person``
    of a key this server lacks): the routing fails closed to the chair of governors alone, as
    anyone (the DSL, the head teacher) could be the one named, and an error is logged."""
    dsl = roles.current_dsl()
    heads, chair = list(roles.holders(Role.HEAD_TEACHER)), chair_of_governors()
    if person is None:
        # Fail closed: who is named cannot be opened on this server (its key is missing or the
        # value damaged), so it may be the DSL or the head teacher as much as anyone. Only the
        # chair of governors, who stands above everyone the school's routing can name, receives
        # it, and nobody at all if no chair is appointed, never the DSL and heads by default.
        log.error(
            "A concern about an adult names someone this server cannot open: it goes to the "
            "chair of governors only (%s). Restore the key (rotate_keys --check).",
            "appointed" if chair is not None else "none appointed, so nobody",
        )
        return _distinct([chair], None)
    if person.has_role(Role.HEAD_TEACHER):
        first, ladder = [dsl, chair], [dsl, chair]
    elif dsl is not None and person.pk == dsl.pk:
        deputies = list(roles.deputies())
        first, ladder = [*heads, *deputies], [*heads, *deputies, chair]
    else:
        first, ladder = [dsl, *heads], [dsl, *heads, chair]
    handlers = _distinct(first, person) or _distinct([chair], person)
    if level > 0:
        holding = {someone.pk for someone in handlers}
        handlers += [someone for someone in _distinct(ladder, person) if someone.pk not in holding][
            :level
        ]
    return handlers


def handlers_of(concern) -> list:
    """Who handles this concern about an adult now: its adult's handlers at its level (the
    chair of governors alone when the person named cannot be opened: ``handlers_for``)."""
    adult = getattr(concern, "adult", None)
    if adult is None:
        return []
    person = adult.person
    if person is None:
        log.error("Concern about an adult %s: the person named cannot be opened", concern.pk)
    return handlers_for(person, level=concern.escalation_level)


register_confidential(ConcernAboutAdult)
