"""Demo concerns at every stage, so the DSL's screens are full on first start (idempotent)."""

import uuid
from datetime import timedelta

from django.utils import timezone

from . import services
from .models import Action, CaseNote, Concern, ConcernSubject, Referral

NAMESPACE = uuid.UUID("5a0e6f2e-3c1d-4b8a-9f61-2f6f7d1c0a11")
Part = ConcernSubject.Part


def _concern(key, author, subjects, hours_ago, **data):
    now = timezone.now()
    fields = {
        "idempotency_key": uuid.uuid5(NAMESPACE, key),
        "urgency": "routine",
        "happened_at": now - timedelta(hours=hours_ago, minutes=20),
        "student_told_may_be_shared": True,
        **data,
    }
    marks = fields.pop("marks", [])
    concern, created = services.raise_concern(author, fields, subjects, marks)
    if created:
        # Back-date it, as if it had been logged then (a plain column, so update() is fine).
        Concern.objects.filter(pk=concern.pk).update(created_at=now - timedelta(hours=hours_ago))
        concern.refresh_from_db()
    return concern, created


def seed_concerns(people, students):
    """``students``: demo students in roll order (3 Oak are students[2::6])."""
    dsl, deputy = people["dsl"], people["deputy"]
    oak = students[2::6]
    now = timezone.now()

    _concern(
        "new-routine",
        people["teacher"],
        [(oak[0], Part.SUBJECT)],
        2,
        category="emotional",
        location="Classroom, during wet play",
        account="She said: \u201cnobody at home talks to me any more, they just shout\u201d.",
        actions_taken="Listened; told her I would need to tell Mrs Shah.",
    )
    _concern(
        "urgent-unacknowledged",
        people["ta"],
        [(oak[1], Part.SUBJECT)],
        0.2,
        category="physical",
        urgency="urgent",
        location="Cloakroom",
        account=(
            "When I asked about his arm he said \u201cdad grabbed me, it\u2019s a secret\u201d."
        ),
        bad_time_or_place=True,
        private_follow_up="Sat with him in the quiet room at 10:40; he did not want to say more.",
        marks=[{"region": "front-left-arm", "note": "Four finger-shaped bruises above the elbow"}],
    )
    concern, created = _concern(
        "acknowledged",
        people["teacher2"],
        [(students[3], Part.SUBJECT)],
        26,
        category="neglect",
        location="Breakfast club",
        account="Came in without a coat again; said there was no food at home last night.",
    )
    if created:
        concern.acknowledge(by=dsl, now=concern.created_at + timedelta(minutes=12))

    concern, created = _concern(
        "with-actions",
        people["teacher"],
        [(oak[2], Part.SUBJECT), (oak[3], Part.WITNESS)],
        72,
        category="online",
        location="ICT suite",
        account="Showed a friend messages from an adult he met in a game asking for photos.",
        told_dsl_in_person=True,
    )
    if created:
        concern.triage(
            dsl,
            assigned_to=deputy,
            level="monitor",
            level_reason="Messages stopped; parents engaged; CEOP report made.",
        )
        CaseNote(
            concern=concern,
            author=deputy,
            text="Met both parents; they have blocked "
            "the account and kept screenshots for the police.",
        ).save()
        Action(
            concern=concern,
            owner=people["teacher"],
            created_by=deputy,
            description="Online-safety session with the class",
            due_on=timezone.localdate() - timedelta(days=2),
        ).save()
        done = Action(
            concern=concern,
            owner=deputy,
            created_by=deputy,
            description="Call parents back after the weekend",
            due_on=timezone.localdate() + timedelta(days=3),
        )
        done.save()
        done.complete(by=deputy)

    concern, created = _concern(
        "with-referral",
        people["office"],
        [(students[9], Part.SUBJECT), (students[15], Part.SIBLING)],
        30,
        category="domestic_abuse",
        urgency="urgent",
        location="School office",
        account="Mum came in upset with a cut lip and said the children saw it happen.",
    )
    if created:
        concern.triage(
            dsl,
            assigned_to=dsl,
            level="csc_referral",
            level_reason="Children witnessed violence; Operation Encompass notice.",
        )
        Referral(
            concern=concern,
            agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
            method=Referral.Method.PHONE,
            made_by=dsl,
            made_at=now - timedelta(hours=28),
            contact="MASH duty social worker",
            agency_reference="MASH-26-4471",
            details="Strategy discussion likely; school to share attendance.",
        ).save()
        Referral(
            concern=concern,
            agency=Referral.Agency.EARLY_HELP,
            method=Referral.Method.WRITTEN,
            made_by=dsl,
            made_at=now - timedelta(hours=20),
            details="Family support worker requested for mum.",
        ).save()

    concern, created = _concern(
        "closed",
        people["volunteer"],
        [(students[20], Part.SUBJECT)],
        24 * 20,
        category="attendance",
        location="Reading group",
        account="Said she missed school because she looks after her little brother.",
    )
    if created:
        concern.triage(
            dsl,
            assigned_to=deputy,
            level="early_help",
            level_reason="Young carer; no indication of harm.",
        )
        concern.close(
            by=deputy,
            decision=Concern.Decision.EARLY_HELP,
            rationale="Young carers' service involved; attendance back to 96%.",
        )
