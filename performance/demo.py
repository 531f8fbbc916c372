"""The demo school's performance files (P18), for the current review cycle: files with
objectives for several members of staff; teacher2's file delegated to the deputy, her line
manager; a lesson observation the deputy has still to submit (a draft on teacher's file) and one
the head submitted with a scanned sheet; teacher's objective-setting meeting signed off and a
dated entry of performance data (last year's reading outcomes); and the
head teacher's own file, held by the chair of governors (the demo's "governor").

Idempotent: each thing is made only if its file has none of its kind yet."""

from datetime import timedelta

from django.utils import timezone

from confidentiality.audit import acting_as

from .models import (
    CRITERIA,
    Delegation,
    Objective,
    Observation,
    ObservationSheet,
    PerformanceDataEntry,
    PerformanceFile,
    ReviewCycle,
    ReviewMeeting,
)

OBJECTIVES = {
    "teacher": [
        (
            "Raise the proportion of 3 Oak pupils reading at the expected standard to 80%.",
            "Termly reading assessments; at least 24 of 30 pupils at the expected standard by "
            "July.",
        ),
        (
            "Lead the school's new approach to spelling in Key Stage 2.",
            "Scheme in place in every KS2 class by February; staff training delivered.",
        ),
    ],
    "teacher2": [
        (
            "Improve feedback in maths books so pupils act on it.",
            "Book looks each half-term show pupils responding to feedback.",
        ),
    ],
    "deputy": [
        (
            "Embed the new safeguarding training for all staff.",
            "Every member of staff trained by December; records complete.",
        ),
    ],
    "ta": [
        (
            "Deliver the phonics catch-up group for Year 3.",
            "Pupils in the group pass the phonics check retake.",
        ),
    ],
    "head": [
        (
            "Improve attendance across the school to 96%.",
            "Whole-school attendance at or above 96% for the year.",
        ),
    ],
}
# The (tiny) PDF of a scanned observation sheet.
SHEET = b"%PDF-1.4\n% Lesson observation sheet, 3 Oak reading\n%%EOF\n"


def _on_or_before(day, today):
    return min(day, today)


def seed_performance(people: dict) -> None:
    """Idempotent."""
    today = timezone.localdate()
    cycle = ReviewCycle.objects.current(today).ensure_saved()
    head, chair = people["head"], people["governor"]
    files = {}
    for username, objectives in OBJECTIVES.items():
        holder = chair if username == "head" else head
        subject = people[username]
        with acting_as(holder):
            file, _ = PerformanceFile.objects.get_or_create(
                subject=subject, cycle=cycle, defaults={"opened_by": holder}
            )
            if not file.objectives.exists():
                for title, criteria in objectives:
                    Objective(
                        file=file, title=title, success_criteria=criteria, set_by=holder
                    ).save()
        files[username] = file
    _teacher(files["teacher"], people, cycle, today)
    _delegated(files["teacher2"], people, cycle)


def _teacher(file, people, cycle, today):
    """Objectives agreed and signed off; last year's reading outcomes as performance data; the
    head's observation submitted with its sheet; the deputy's still a draft."""
    head, teacher, deputy = people["head"], people["teacher"], people["deputy"]
    if not file.data_entries.exists():
        with acting_as(head):
            PerformanceDataEntry(
                file=file,
                recorded_on=_on_or_before(cycle.starts_on + timedelta(days=20), today),
                title="Last year's reading outcomes, 3 Oak",
                data="22 of 30 pupils at the expected standard in reading (73%), 4 at greater "
                "depth. The starting point for this year's reading objective.",
                added_by=head,
            ).save()
    if not file.reviews.exists():
        with acting_as(head):
            review = ReviewMeeting(
                file=file,
                kind=ReviewMeeting.Kind.OBJECTIVE_SETTING,
                held_on=_on_or_before(cycle.starts_on + timedelta(days=30), today),
                notes="Reviewed last year's outcomes; agreed two objectives for this year.",
                outcome="Objectives agreed.",
                recorded_by=head,
            )
            review.save()
        with acting_as(teacher):
            review.comment("I am happy with these objectives.", sign_off=True)
    if not file.observations.exists():
        with acting_as(head):
            seen = Observation(
                file=file,
                observer=head,
                named_by=head,
                planned_for=_on_or_before(cycle.starts_on + timedelta(days=50), today),
                lesson="3 Oak, guided reading",
                ratings={
                    code: {"rating": "secure", "comment": "Consistent and well judged."}
                    for code, _ in CRITERIA
                },
                strengths="Warm relationships; pupils keen to read aloud.",
                areas_to_develop="Stretch the most able readers with harder questions.",
            )
            seen.save()
            ObservationSheet(
                observation=seen,
                filename="observation-sheet-3-oak.pdf",
                content_type="application/pdf",
                size=len(SHEET),
                content=SHEET,
                uploaded_by=head,
            ).save()
            seen.submit()
            Observation(
                file=file,
                observer=deputy,
                named_by=head,
                planned_for=today + timedelta(days=7),
                lesson="3 Oak, maths",
            ).save()


def _delegated(file, people, cycle):
    """The deputy, teacher2's line manager, reviews her file for the rest of the cycle."""
    if not file.delegations.exists():
        with acting_as(people["head"]):
            Delegation(
                file=file,
                reviewer=people["deputy"],
                starts_on=cycle.starts_on,
                ends_on=cycle.ends_on,
                delegated_by=people["head"],
            ).save()
