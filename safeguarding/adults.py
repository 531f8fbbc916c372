"""Raising a concern about an adult who works with children: it goes to the DSL and the head
teacher only (see models/adults.py for who exactly, and the last resort), never to the person
named, and an allegation starts the LADO clock (the LADO is told within one working day).

Nobody is ever told a concern "has gone" when nobody received it: the person raising it is then
told so, with the local authority designated officer's contact (``LADO_CONTACT``), and the
periodic check gives it to whoever takes office next."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm

from confidentiality import access

from . import policy, routing
from .grants import grant_author
from .models import Alert, Concern, ConcernAboutAdult, Referral
from .models.adults import handlers_for


def lado_contact() -> str:
    """How to reach the local authority designated officer, as the school configured it."""
    return getattr(settings, "LADO_CONTACT", "") or (
        "their number is in the school's safeguarding policy"
    )


def holders(concern) -> list:
    """The active people who hold this concern about an adult now (their object grant)."""
    return list(access.holders_of(concern, policy.ADULT_CASEWORK))


def raise_adult_concern(author, data: dict) -> tuple[Concern, bool]:
    """Record the concern, grant it to its handlers only, and alert them (who and when)."""
    existing = Concern.objects.filter(idempotency_key=data["idempotency_key"]).first()
    if existing is not None:
        if existing.raised_by_id != author.pk:
            raise PermissionError("This form has already been used. Reload the page.")
        return existing, False
    person = data["person"]
    try:
        with transaction.atomic():
            concern = Concern(
                subject_kind=Concern.SubjectKind.ADULT,
                raised_by=author,
                idempotency_key=data["idempotency_key"],
                category=data["category"],
                urgency=data["urgency"],
                account=data["account"],
                happened_at=data["happened_at"],
                location=data.get("location", ""),
            )
            concern.save()
            adult = ConcernAboutAdult(
                concern=concern,
                person=person,
                nature=data["nature"],
                role_in_school=data.get("role_in_school") or person.job_title,
            )
            adult.save()
            grant_author(concern)
            handlers = handlers_for(person)
            for handler in handlers:
                assign_perm(policy.ADULT_CASEWORK, handler, concern)
            if adult.is_allegation:
                # The LADO route: the referral's clock (one working day) starts now. Nobody has
                # made it yet: whoever handles the concern is recorded when they make it.
                Referral(
                    concern=concern,
                    agency=Referral.Agency.LADO,
                    method=Referral.Method.PHONE,
                    made_by=None,
                    details="Allegation about an adult: refer to the LADO within one working day.",
                ).save()
            facts = {
                "raised_by": str(author),
                "raised_at": routing._when(concern.created_at),
                "reference": concern.reference,
                "urgent": concern.is_urgent,
            }
            routing.alert(
                handlers,
                Alert.Kind.ADULT_CONCERN,
                f"Concern {concern.reference} raised by {facts['raised_by']} at "
                f"{facts['raised_at']}.",
                concern,
                "concern_raised",
                facts,
                url=reverse("safeguarding:concern", kwargs={"pk": concern.pk}),
            )
    except IntegrityError:
        existing = Concern.objects.filter(idempotency_key=data["idempotency_key"]).first()
        if existing is None:
            raise
        return existing, False
    return concern, True
