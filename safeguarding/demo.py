"""The safeguarding app's part of the demo school: concerns at every stage, so the DSL's screens
are full on first start, with advice, a concern about an adult and training (idempotent).
Each step is done ``acting_as`` the person who would have done it, so the audit trail names them.

``seed_concerns`` is called by ``seed_demo`` (the ``demo`` app) with the core's demo people and
the records app's demo students."""

import uuid
from datetime import timedelta

from django.utils import timezone

from confidentiality.audit import acting_as
from records.demo import pronouns

from . import advice, information_sharing, raising, routing, school_time
from .adults import raise_adult_concern
from .models import (
    Action,
    AdviceRequest,
    Alert,
    CaseMeeting,
    CaseNote,
    Concern,
    ConcernSubject,
    Course,
    DecisionNotToRefer,
    InformationShare,
    KeyContact,
    Notification,
    PolicyReading,
    Referral,
    SafeguardingStatus,
    TrainingRecord,
)
from .models.training import current_policy_version

NAMESPACE = uuid.UUID("5a0e6f2e-3c1d-4b8a-9f61-2f6f7d1c0a11")
Part = ConcernSubject.Part
# The words a narrative says about the child: written as {he}, {him}, {his} (and {He}...), and
# filled in from the child's record, so a narrative never calls a girl "he" (``pronouns``).
NARRATIVES = ("account", "actions_taken", "private_follow_up")


def _concern(key, author, subjects, hours_ago, **data):
    now = timezone.now()
    subject = next(student for student, part in subjects if part == Part.SUBJECT)
    words = pronouns(subject)
    for name in NARRATIVES:
        if name in data:
            data[name] = data[name].format(**words)
    fields = {
        "idempotency_key": uuid.uuid5(NAMESPACE, key),
        "urgency": "routine",
        "happened_at": now - timedelta(hours=hours_ago, minutes=20),
        "child_told": "told",
        **data,
    }
    marks = fields.pop("marks", [])
    with acting_as(author):
        concern, created = raising.raise_concern(author, fields, subjects, marks)
    if created:
        # Back-date it, as if it had been logged then (a plain column, so update() is fine),
        # with the alerts and emails that told the team of it.
        raised_at = now - timedelta(hours=hours_ago)
        _restamp_the_telling(concern, concern.created_at, raised_at)
        Concern.objects.filter(pk=concern.pk).update(created_at=raised_at, updated_at=raised_at)
        concern.refresh_from_db()
    return concern, created


def _restamp_the_telling(concern, was, raised_at):
    """The alerts and emails of a back-dated concern, sent when it was raised: stamped then,
    and saying then (their words are the routing's, with the time it was raised in them)."""
    said, says = routing._when(was), routing._when(raised_at)
    for alert in Alert.objects.filter(concern=concern):
        alert.message = alert.message.replace(said, says)
        alert.created_at = raised_at
        alert.save(update_fields=["message", "created_at"])
    for notification in Notification.objects.filter(concern=concern):
        notification.context = {
            key: value.replace(said, says) if isinstance(value, str) else value
            for key, value in notification.context.items()
        }
        notification.created_at = raised_at
        notification.save(update_fields=["context", "created_at"])


def _seen(concern, by, minutes):
    """The team saw it ``minutes`` after it was raised (before triage, which would say now)."""
    concern.acknowledge(by=by, now=concern.created_at + timedelta(minutes=minutes))


def seed_concerns(people, students):
    """``students``: demo students in roll order (3 Oak are students[2::6])."""
    _seed_casework(people, students)
    _seed_full_case(people, students[8])
    _seed_advice(people, students)
    _seed_task_for_the_class_teacher(people)
    _seed_child_protection_plan(people, students[9])
    _seed_decision_not_to_refer(people)
    _seed_adult_concern(people)
    _seed_training(people)


def _seed_casework(people, students):
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
        account="{He} said: \u201cnobody at home talks to me any more, they just shout\u201d.",
        actions_taken="Listened; told {him} I would need to tell Mrs Shah.",
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
            "When I asked about {his} arm {he} said \u201cdad grabbed me, it\u2019s a secret\u201d."
        ),
        bad_time_or_place=True,
        private_follow_up="Sat with {him} in the quiet room straight after; {he} did not want to "
        "say more.",
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
        with acting_as(dsl):
            concern.acknowledge(by=dsl, now=concern.created_at + timedelta(minutes=12))

    concern, created = _concern(
        "with-actions",
        people["teacher"],
        [(oak[2], Part.SUBJECT), (oak[3], Part.WITNESS)],
        72,
        category="online",
        # Schools record every category a concern falls under: grooming online is also abuse.
        other_categories=["sexual"],
        location="ICT suite",
        account="Showed a friend messages from an adult {he} met in a game asking for photos.",
        told_dsl_in_person=True,
    )
    if created:
        with acting_as(dsl):
            _seen(concern, dsl, 25)
            concern.triage(
                dsl,
                assigned_to=deputy,
                level="monitor",
                level_reason="Messages stopped; parents engaged; CEOP report made.",
            )
        with acting_as(deputy):
            note = CaseNote(
                concern=concern,
                author=deputy,
                text="Met both parents; they have blocked "
                "the account and kept screenshots for the police.",
            )
            note.save()
            _at(CaseNote, note, concern.created_at + timedelta(hours=6))
            session = Action(
                concern=concern,
                owner=people["teacher"],
                created_by=deputy,
                description="Online-safety session with the class",
                due_on=timezone.localdate() - timedelta(days=2),
            )
            session.save()
            _at(Action, session, concern.created_at + timedelta(hours=6))
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
        child_told="observation",  # P1: the children said nothing; their mother told us
    )
    if created:
        with acting_as(dsl):
            _seen(concern, dsl, 8)
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
        account="Said {he} missed school to look after {his} little brother.",
    )
    if created:
        with acting_as(dsl):
            _seen(concern, dsl, 60)
            concern.triage(
                dsl,
                assigned_to=deputy,
                level="early_help",
                level_reason="Young carer; no indication of harm.",
            )
        with acting_as(deputy):
            concern.close(
                by=deputy,
                decision=Concern.Decision.EARLY_HELP,
                rationale="Young carers' service involved; attendance back to 96%.",
            )


def _backdate(model, obj, days):
    _at(model, obj, timezone.now() - timedelta(days=days))


def _at(model, obj, moment):
    model.objects.filter(pk=obj.pk).update(created_at=moment, updated_at=moment)


def _seed_full_case(people, child):
    """A closed case with a whole chronology: concern, actions, referral, share and outcome."""
    dsl, deputy = people["dsl"], people["deputy"]
    concern, created = _concern(
        "closed-full-chronology",
        people["teacher2"],
        [(child, Part.SUBJECT)],
        24 * 40,
        category="neglect",
        location="Classroom, first thing",
        account="{He} was asleep at {his} desk again and said {he} had not had tea for two days.",
        actions_taken="Gave {him} breakfast from the club; told {him} I would speak to Mrs Shah.",
    )
    if not created:
        return
    with acting_as(dsl):
        _seen(concern, dsl, 20)
        concern.triage(
            dsl,
            assigned_to=dsl,
            level="csc_referral",
            level_reason="Third concern about food at home this term; younger siblings.",
        )
        visit = Action(
            concern=concern,
            owner=deputy,
            created_by=dsl,
            description="Home visit with the family support worker",
            due_on=timezone.localdate() - timedelta(days=35),
        )
        visit.save()
        with acting_as(deputy):
            visit.complete(by=deputy, now=timezone.now() - timedelta(days=36))
        _backdate(Action, visit, 39)
        Referral(
            concern=concern,
            agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
            method=Referral.Method.WRITTEN,
            made_by=dsl,
            made_at=timezone.now() - timedelta(days=38),
            contact="MASH duty team",
            agency_reference="MASH-26-3980",
            details="Online referral: neglect, three concerns this term.",
            outcome="Accepted for a child and family assessment.",
            outcome_at=timezone.now() - timedelta(days=33),
        ).save()
        share = InformationShare(
            concern=concern,
            student=child,
            shared_on=timezone.localdate() - timedelta(days=30),
            agency="Children's social care",
            recipient="Sam Hill, social worker",
            what_was_shared="Attendance, the three concerns and the home-visit notes.",
            lawful_basis="6_1_e",
            special_category="9_2_g_sch1_18",
            student_told=True,
            parents_told=True,
        )
        information_sharing.record_share(share, by=dsl)
        _shared_then(share, deputy, days_ago=30)
        concern.close(
            by=dsl,
            decision=Concern.Decision.CSC_ACCEPTED,
            rationale="Child in need plan in place; school attends the core group and monitors "
            "breakfast and attendance.",
            now=timezone.now() - timedelta(days=20),
        )


def _shared_then(share, deputy, days_ago):
    """A share back-dated ``days_ago``: the parents were told then, and the support the share
    plans was due three school days later and done by the deputy (the case has closed since)."""
    moment = timezone.now() - timedelta(days=days_ago)
    InformationShare.objects.filter(pk=share.pk).update(
        created_at=moment, updated_at=moment, parents_notified_at=moment
    )
    due = school_time.add_working_days(moment, information_sharing.SUPPORT_WITHIN_WORKING_DAYS)
    support = Action.objects.filter(concern=share.concern, created_at__gt=moment).latest("pk")
    Action.objects.filter(pk=support.pk).update(due_on=timezone.localdate(due))
    support.refresh_from_db()
    with acting_as(deputy):
        support.complete(by=deputy, now=moment + timedelta(days=2))
    _at(Action, support, moment)


def _seed_advice(people, students):
    """One request for advice answered, one that became a concern."""
    teacher2, ta, dsl = people["teacher2"], people["ta"], people["dsl"]
    if not AdviceRequest.objects.filter(asked_by=teacher2).exists():
        with acting_as(teacher2):
            answered = advice.ask(
                teacher2,
                "A parent asked me to keep her new address from her ex-partner. What do I do "
                "with that information?",
            )
        with acting_as(dsl):
            advice.answer(
                answered,
                dsl,
                "Thank you for asking. Pass it to the office in a sealed note marked for me; do "
                "not put it on the class list. I will update the record and the contact "
                "restrictions.",
            )
    if not AdviceRequest.objects.filter(asked_by=ta).exists():
        child = students[2::6][4]
        with acting_as(ta):
            converted = advice.ask(
                ta,
                "{name} has drawn the same frightening picture three days running. Is it a "
                "worry?".format(**pronouns(child)),
            )
            converted.student = child
            converted.save()
        with acting_as(dsl):
            advice.convert_to_concern(
                converted,
                dsl,
                {
                    "student": child,
                    "category": "emotional",
                    "urgency": "routine",
                    "account": converted.question,
                    "happened_at": timezone.now() - timedelta(hours=3),
                    "location": "Art table",
                },
            )


def _seed_task_for_the_class_teacher(people):
    """An outstanding task for the 3 Oak teacher on a concern she did not raise (the TA's request
    for advice that became one): on her dashboard and in her alerts, naming the child because
    the DSL ticked "tell them which child"; nothing else of the concern."""
    teacher, dsl = people["teacher"], people["dsl"]
    advice_request = AdviceRequest.objects.filter(
        asked_by=people["ta"], concern__isnull=False
    ).first()
    if advice_request is None:
        return
    concern = advice_request.concern
    if Action.objects.filter(concern=concern, owner=teacher).exists():
        return
    words = pronouns(advice_request.student)
    task = Action(
        concern=concern,
        owner=teacher,
        created_by=dsl,
        due_on=timezone.localdate() + timedelta(days=2),
        description="Class teacher to keep this week's drawings: the same frightening picture "
        "three days running.",
        brief="Please keep any drawings {he} does in class this week in a folder and bring them "
        "to me on Friday. Do not ask {him} about them; if {he} says anything, log a concern at "
        "once.".format(**words),
        tell_which_child=True,
    )
    with acting_as(dsl):
        task.save()
        routing.tell_assignee(task)


def _seed_adult_concern(people):
    """A low-level concern about a member of staff: the DSL and the head see it, not Tara."""
    with acting_as(people["ta"]):
        _raise_adult_concern(people)


def _raise_adult_concern(people):
    raise_adult_concern(
        people["ta"],
        {
            "idempotency_key": uuid.uuid5(NAMESPACE, "adult-low-level"),
            "person": people["teacher2"],
            "nature": "low_level",
            "role_in_school": "Class teacher, 4 Elm",
            "category": "other",
            "urgency": "routine",
            "account": "Gave two pupils lifts home in her own car without telling anyone.",
            "happened_at": timezone.now() - timedelta(days=2),
            "location": "Staff car park",
        },
    )


# Days since each person's last child-protection course: some due soon, some overdue, one never.
TRAINED_DAYS_AGO = {
    "dsl": (Course.DSL, 200),
    "deputy": (Course.DSL, 710),  # two-yearly: due within 30 days
    "head": (Course.CHILD_PROTECTION, 120),
    "teacher": (Course.CHILD_PROTECTION, 90),
    "teacher2": (Course.CHILD_PROTECTION, 400),  # overdue
    "ta": (Course.CHILD_PROTECTION, 350),  # due within 30 days
    "office": (Course.CHILD_PROTECTION, 60),
    "nurse": (Course.CHILD_PROTECTION, 30),
    # the volunteer has no record: overdue
}
READ_POLICIES = ("dsl", "deputy", "head", "teacher", "office", "ta")


def _seed_training(people):
    today = timezone.localdate()
    for username, (course, days) in TRAINED_DAYS_AGO.items():
        person = people[username]
        if not TrainingRecord.objects.filter(person=person).exists():
            TrainingRecord(
                person=person,
                course=course,
                completed_on=today - timedelta(days=days),
                recorded_by=people["dsl"],
            ).save()
    for username in READ_POLICIES:
        for policy in ("confidentiality", "child_protection"):
            PolicyReading.objects.get_or_create(
                person=people[username],
                policy=policy,
                version=current_policy_version(today),
                defaults={"read_on": today - timedelta(days=20)},
            )


def _seed_child_protection_plan(people, child):
    """A child on a child protection plan (emotional abuse: domestic abuse at home), with the
    agencies involved, the strategy discussion, two conferences and a core group, and last
    night's Operation Encompass notification (the concern "with-referral" follows it)."""
    if SafeguardingStatus.objects.about(child).exists():
        return
    dsl, deputy = people["dsl"], people["deputy"]
    today = timezone.localdate()

    def at(days_ago, hour=10):
        moment = timezone.now() - timedelta(days=days_ago)
        return timezone.localtime(moment).replace(hour=hour, minute=0, second=0, microsecond=0)

    with acting_as(dsl):
        for kind, since, until, category, note in (
            ("cin", 230, 190, "", "Child and family assessment after two police call-outs."),
            (
                "cp_plan",
                190,
                None,
                "emotional",
                "Plan agreed at the initial conference; reviewed at the review conference.",
            ),
            ("encompass", 1, None, "", "Police attended a domestic incident at home last night."),
        ):
            SafeguardingStatus(
                student=child,
                kind=kind,
                plan_category=category,
                started_on=today - timedelta(days=since),
                ended_on=None if until is None else today - timedelta(days=until),
                note=note,
                recorded_by=dsl,
            ).save()
        for role, name, organisation, phone, email in (
            (
                "social_worker",
                "Priya Nair",
                "Northshire Children's Services, Family Safeguarding Team 2",
                "01632 960123",
                "priya.nair@northshire.example",
            ),
            (
                "police",
                "PC Dan Cole",
                "Domestic Abuse Safeguarding Team",
                "01632 960777",
                "",
            ),
            (
                "school_nurse",
                "Helen Ward",
                "School nursing team",
                "01632 960456",
                "school.nursing@nhs.example",
            ),
        ):
            KeyContact(
                student=child,
                role=role,
                name=name,
                organisation=organisation,
                phone=phone,
                email=email,
                recorded_by=dsl,
            ).save()
        for kind, days_ago, attendees, decisions, next_in in (
            (
                "strategy",
                200,
                "Priya Nair (social worker), PC Dan Cole (police), Mrs Shah (DSL)",
                "Section 47 enquiry; initial child protection conference to be convened.",
                None,
            ),
            (
                "icpc",
                190,
                "Independent chair; Priya Nair (social worker); PC Dan Cole (police); Helen "
                "Ward (school nurse); Mrs Shah (DSL); mother",
                "Child protection plan under the category of emotional abuse. School to "
                "monitor attendance and wellbeing daily and report to the core group.",
                100,
            ),
            (
                "core_group",
                160,
                "Priya Nair (social worker); Helen Ward (school nurse); Mr Okafor (deputy DSL)",
                "Plan on track; mother attending the freedom programme.",
                130,
            ),
            (
                "rcpc",
                100,
                "Independent chair; Priya Nair (social worker); Helen Ward (school nurse); "
                "Mrs Shah (DSL); mother",
                "Child protection plan continues (emotional abuse); review in six months.",
                -80,
            ),
        ):
            CaseMeeting(
                student=child,
                kind=kind,
                held_at=at(days_ago),
                attendees=attendees,
                decisions=decisions,
                next_on=None if next_in is None else today - timedelta(days=next_in),
                recorded_by=deputy if kind == "core_group" else dsl,
            ).save()


def _seed_decision_not_to_refer(people):
    """A decision not to refer, with its reasons (KCSIE): the online-safety concern."""
    concern = Concern.objects.filter(idempotency_key=uuid.uuid5(NAMESPACE, "with-actions")).first()
    if concern is None or concern.decisions_not_to_refer.exists():
        return
    dsl = people["dsl"]
    with acting_as(dsl):
        DecisionNotToRefer(
            concern=concern,
            agency=Referral.Agency.CHILDRENS_SOCIAL_CARE,
            decided_on=timezone.localdate() - timedelta(days=2),
            reasoning="No contact offline and no images sent; the parents acted at once and are "
            "protective; CEOP report made. The threshold for children's social care is not met: "
            "monitoring in school and an online-safety session instead.",
            consulted="Local authority consultation line (duty social worker): agreed.",
            decided_by=dsl,
        ).save()
