"""Asking the safeguarding team for advice (P22): the request reaches the team as an alert and an
email naming only who asked and when; the answer goes back to the asker; the team may turn the
request into a concern, prefilled and linked."""

import uuid

from django.db import transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm

from . import policy, raising, routing
from .models import AdviceRequest, Alert, ConcernSubject

NAMESPACE = uuid.UUID("0b8f6c1e-5d0a-4c55-8d7e-3a4d1f0e9b21")


@transaction.atomic
def ask(by, question: str, student=None) -> AdviceRequest:
    """Send a question to the DSL and deputies without opening a concern."""
    advice = AdviceRequest(asked_by=by, question=question.strip(), student=student)
    advice.full_clean()
    advice.save()
    assign_perm(f"safeguarding.{policy.ASKER_PERMISSION}", by, advice)
    when = routing._when(advice.created_at)
    routing.alert(
        routing.team_members() or routing.head_teachers(),
        Alert.Kind.ADVICE_REQUESTED,
        f"{by} asked for advice at {when} ({advice.reference}).",
        email_template="advice_requested",
        context={"asked_by": str(by), "asked_at": when, "reference": advice.reference},
        url=reverse("safeguarding:advice_answer", kwargs={"pk": advice.pk}),
    )
    return advice


@transaction.atomic
def answer(advice: AdviceRequest, by, text: str) -> None:
    """Give the answer and tell the asker in the app that it is there (not what it says)."""
    advice.give_answer(by, text)
    routing.alert(
        [advice.asked_by],
        Alert.Kind.ADVICE_ANSWERED,
        f"{by} answered your request for advice {advice.reference}.",
        url=reverse("safeguarding:my_advice", kwargs={"pk": advice.pk}),
    )


def convert_initial(advice: AdviceRequest) -> dict:
    """What the concern form starts with: the child, the question and when it was asked."""
    from django.utils import timezone

    return {
        "student": advice.student_id,
        "account": advice.question,
        "happened_at": timezone.localtime(advice.created_at).strftime("%Y-%m-%dT%H:%M"),
    }


@transaction.atomic
def convert_to_concern(advice: AdviceRequest, by, data: dict):
    """Log the request as a concern raised by the person who asked (so they can follow its
    status), routed to the team like any other, and link the two. Converting twice (a double
    submit) returns the same concern."""
    if advice.concern_id:
        return advice.concern
    concern, _ = raising.raise_concern(
        advice.asked_by,
        {
            "idempotency_key": uuid.uuid5(NAMESPACE, str(advice.pk)),
            "category": data["category"],
            "urgency": data["urgency"],
            "account": data["account"],
            "happened_at": data["happened_at"],
            "location": data.get("location", ""),
            "actions_taken": f"Asked the safeguarding team for advice ({advice.reference}); "
            f"{by} logged it as a concern.",
        },
        [(data["student"], ConcernSubject.Part.SUBJECT)],
        [],
    )
    concern.acknowledge(by=by)
    advice.concern = concern
    advice.save()
    return concern
