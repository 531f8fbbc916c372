"""Safeguarding casework over the school's years: concerns about pupils raised by their teachers,
each indexed by its child's blind reference, triaged and mostly closed by the safeguarding team,
with case notes, actions set for staff, referrals and multi-agency meetings. One child (the demo
parent's) has a long file. The author's grant on each concern and the task grant on each action
are the rows ``safeguarding.grants`` gives (``grant_author``, ``grant_task``), written in bulk.
"""

import uuid
from datetime import timedelta

from django.contrib.auth.models import Permission

from confidentiality.roles import Role
from safeguarding import policy
from safeguarding.models import (
    Action,
    ActionUserObjectPermission,
    CaseMeeting,
    CaseNote,
    Concern,
    ConcernSubject,
    ConcernUserObjectPermission,
    Referral,
)
from safeguarding.models.concerns import Category

from . import copy
from .history import History, created, looked_at

CHUNK = 5_000
ACCOUNTS = [
    "Said at break that they had not eaten since yesterday lunchtime.",
    "Bruise on the upper arm; said they fell off a bike.",
    "Very withdrawn this week; cried when asked about home.",
    "Messages from an older student online asking for photos.",
    "Late every day this fortnight; younger sibling collected by a neighbour.",
]
NOTES = [
    "Spoke with mum on the phone; she is aware and will bring the child in tomorrow.",
    "Checked with the class teacher: no change noticed since Monday.",
    "Discussed at the weekly safeguarding meeting; keep monitoring.",
]
RATIONALE = "Family engaged with early help; no further concerns raised over six weeks."


# A school's open caseload: what came in this week, a quarter of the last six weeks' (still
# being worked), and one older concern in a hundred (a child on a plan, a case that stays open).
# A DSL closes the rest once the child is safe and the decision recorded; an open caseload of
# one concern in ten of three years' worth is ten times what a school this size carries.
STILL_COMING_IN = timedelta(days=7)
BEING_WORKED = timedelta(days=42)
ACTIONS_DONE_AFTER = timedelta(days=14)


def _closed(n: int, age: timedelta) -> bool:
    if age <= STILL_COMING_IN:
        return False
    if age <= BEING_WORKED:
        return n % 4 != 0
    return n % 100 != 0


def _permission(codename: str) -> int:
    return Permission.objects.get(content_type__app_label="safeguarding", codename=codename).pk


def seed_casework(scale, people, timeline, history: History, log) -> dict:
    rng = timeline.rng
    named = people.named
    team = [named["dsl"], named["deputy"], *people.staff_by_role.get(Role.DEPUTY_DSL, [])]
    raisers = people.staff_by_role.get(Role.TEACHER, []) or [named["teacher"]]
    from records.models import Student

    # The demo parent's first child has the long file: the DSL's and the parent's demo child.
    long_child = (
        Student.objects.filter(parent_links__parent=named["parent"]).order_by("upn").first()
    )
    people.long_chronology_child = long_child
    every_nth = max(1, scale.concerns // scale.long_chronology)
    pupils = people.students
    author_permission = _permission(policy.AUTHOR_PERMISSION)
    task_permission = _permission(policy.TASK_PERMISSION)
    spill = history.spill()
    counts = dict.fromkeys(["concerns", "notes", "actions", "referrals", "meetings"], 0)
    step = (timeline.end - timeline.start).total_seconds() / max(scale.concerns, 1)
    moments = timeline.moments(scale.concerns, timeline.start + timedelta(days=5))

    def later(when, fraction):
        return when + timedelta(seconds=step * fraction)

    for first in range(0, scale.concerns, CHUNK):
        size = min(CHUNK, scale.concerns - first)
        concerns, subjects, notes, actions, referrals, meetings = [], [], [], [], [], []
        author_grants, task_grants = [], []
        subject_ids = iter(copy.reserve_ids(ConcernSubject, size))
        for n in range(first, first + size):
            when = next(moments)
            if long_child is not None and n % every_nth == 0:
                child, raiser = long_child, named["teacher"]
            else:
                child = pupils[rng.randrange(len(pupils))]
                teaching = people.teachers_of.get(child.pk)
                raiser = teaching[0] if teaching else raisers[n % len(raisers)]
            dsl = team[n % len(team)]
            age = timeline.end - when
            category = Category.values[n % len(Category.values)]
            others = [Category.values[(n + 3) % len(Category.values)]] if n % 4 == 0 else []
            others = [c for c in others if c != category]
            closed = _closed(n, age)
            # Actions of a long-running case are done as it goes; only a fresh one is waiting.
            done = closed or age > ACTIONS_DONE_AFTER
            concern = Concern(
                pk=uuid.uuid4(),
                subject_kind=Concern.SubjectKind.STUDENT,
                raised_by=raiser,
                idempotency_key=uuid.uuid4(),
                category=category,
                other_categories=others,
                categories_as_raised={"main": category, "others": others},
                urgency=Concern.Urgency.URGENT if n % 15 == 0 else Concern.Urgency.ROUTINE,
                account=ACCOUNTS[n % len(ACCOUNTS)],
                happened_at=when - timedelta(minutes=30),
                location="Playground" if n % 2 else "Classroom",
                body_map=[{"x": 40, "y": 30, "note": "bruise"}] if n % 5 == 1 else [],
                actions_taken="Reassured the child and brought this straight to the DSL.",
                child_told=Concern.ChildTold.TOLD if n % 3 else Concern.ChildTold.OBSERVATION,
                status=Concern.Status.CLOSED if closed else Concern.Status.IN_PROGRESS,
                acknowledged_at=later(when, 0.05),
                acknowledged_by=dsl,
                assigned_to=dsl,
                level=Concern.Level.MONITOR if n % 7 else Concern.Level.CSC_REFERRAL,
                level_reason="Single concern; the family is engaging with school.",
                children=[{"student": str(child.pk), "part": ConcernSubject.Part.SUBJECT}],
                decision=Concern.Decision.MONITORING if closed else "",
                rationale=RATIONALE if closed else None,
                closed_at=later(when, 0.3) if closed else None,
                closed_by=dsl if closed else None,
                created_at=when,
                updated_at=later(when, 0.3) if closed else when,
            )
            concerns.append(concern)
            spill.add(created(concern, when, raiser))
            author_grants.append((author_permission, raiser.pk, concern.pk))
            subject = ConcernSubject(
                pk=next(subject_ids), concern=concern, student_ref=ConcernSubject.ref_for(child)
            )
            subjects.append(subject)
            spill.add(created(subject, when, raiser))
            # The team opens it as soon as it arrives (a look, in the trail).
            spill.add(
                looked_at(concern, later(when, 0.04), dsl, f"/safeguarding/concerns/{concern.pk}/")
            )
            note = CaseNote(
                pk=uuid.uuid4(),
                concern=concern,
                author=dsl,
                text=NOTES[n % len(NOTES)],
                created_at=later(when, 0.1),
                updated_at=later(when, 0.1),
            )
            notes.append(note)
            spill.add(created(note, note.created_at, dsl))
            if n % 2 == 0:
                action = Action(
                    pk=uuid.uuid4(),
                    concern=concern,
                    owner=raiser,
                    description="Check in with the child at the start of each day this week.",
                    brief="A child in your class needs a friendly check-in each morning.",
                    due_on=(when + timedelta(days=7)).date(),
                    done_at=later(when, 0.2) if done else None,
                    done_by=raiser if done else None,
                    done_note="Checked in every morning; settled." if done else None,
                    created_by=dsl,
                    created_at=later(when, 0.15),
                    updated_at=later(when, 0.15),
                )
                actions.append(action)
                task_grants.append((task_permission, raiser.pk, action.pk))
                spill.add(created(action, action.created_at, dsl))
            if n % 10 == 0:
                referral = Referral(
                    pk=uuid.uuid4(),
                    concern=concern,
                    agency=Referral.Agency.values[0],
                    method=Referral.Method.PHONE,
                    made_at=later(when, 0.2),
                    contact="Duty social worker",
                    agency_reference=f"CSC-{n:07d}",
                    details="Discussed the concern; the duty team will call the family.",
                    made_by=dsl,
                    created_at=later(when, 0.2),
                    updated_at=later(when, 0.2),
                )
                referrals.append(referral)
                spill.add(created(referral, referral.created_at, dsl))
            if n % 20 == 0:
                meeting = CaseMeeting(
                    pk=uuid.uuid4(),
                    concern=concern,
                    kind=CaseMeeting.Kind.TEAM_AROUND_THE_FAMILY,
                    held_at=later(when, 0.25),
                    attendees="DSL; class teacher; family support worker",
                    discussion="How the family is managing mornings.",
                    decisions="Breakfast club place offered; review in six weeks.",
                    recorded_by=dsl,
                    created_at=later(when, 0.25),
                    updated_at=later(when, 0.25),
                )
                meeting.student = child
                meetings.append(meeting)
                spill.add(created(meeting, meeting.created_at, dsl))
            spill.add(
                looked_at(
                    concern,
                    later(when, 0.35),
                    team[(n + 1) % len(team)],
                    f"/safeguarding/concerns/{concern.pk}/",
                )
            )
        copy.write(Concern, concerns)
        copy.write(ConcernSubject, subjects)
        copy.write(CaseNote, notes)
        copy.write(Action, actions)
        copy.write(Referral, referrals)
        copy.write(CaseMeeting, meetings)
        columns = ("permission_id", "user_id", "content_object_id")
        copy.write_pairs(ConcernUserObjectPermission, columns, author_grants)
        copy.write_pairs(ActionUserObjectPermission, columns, task_grants)
        for name, rows in zip(counts, (concerns, notes, actions, referrals, meetings), strict=True):
            counts[name] += len(rows)
        log(f"  {first + size} of {scale.concerns} concerns")
    spill.flush()
    log(", ".join(f"{n} {name}" for name, n in counts.items()))
    return counts
