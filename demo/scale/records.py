"""Learning records of the pupils on roll: grades and progress notes over the years, and a piece
of work now and then, each recorded by one of the pupil's teachers."""

import uuid
from datetime import timedelta

from records.demo import tiny_pdf
from records.models import Grade, ProgressNote, WorkItem
from records.models.academic import Subject, Term

from . import copy
from .history import History, created

GRADES_PER_PUPIL = 4
RESULTS = ["Working towards", "Expected", "Greater depth", "Expected", "21/30", "27/30"]
COMMENTS = [
    "Careful work; check units in the last questions.",
    "A real step forward since last term.",
    "Needs support with longer written answers.",
    "Confident and accurate.",
]
NOTES = [
    "Reading with more expression; ready for the next book band.",
    "Finds group work hard; pair with a calm partner.",
    "Times tables secure to 12.",
]


def _term(when) -> str:
    return Term.AUTUMN if when.month >= 9 else Term.SPRING if when.month <= 3 else Term.SUMMER


def seed_learning(scale, people, timeline, history: History, log) -> None:
    rng = timeline.rng
    subjects = list(Subject.values)
    pupils = [s for s in people.on_roll if people.teachers_of.get(s.pk)]
    spill = history.spill()

    def grades():
        total = len(pupils) * GRADES_PER_PUPIL
        for n, when in enumerate(timeline.moments(total)):
            student = pupils[rng.randrange(len(pupils))]
            teacher = people.teachers_of[student.pk][0]
            grade = Grade(
                pk=uuid.uuid4(),
                student=student,
                subject=subjects[n % len(subjects)],
                assessment=f"{_term(when).label} assessment",
                result=RESULTS[n % len(RESULTS)],
                comment=COMMENTS[n % len(COMMENTS)] if n % 3 == 0 else None,
                term=_term(when),
                assessed_on=when.date(),
                recorded_by=teacher,
                created_at=when,
                updated_at=when,
            )
            spill.add(created(grade, when, teacher))
            yield grade

    log(f"{copy.write(Grade, grades())} grades")
    spill = history.spill()

    def notes():
        for n, when in enumerate(timeline.moments(len(pupils))):
            student = pupils[rng.randrange(len(pupils))]
            teacher = people.teachers_of[student.pk][0]
            note = ProgressNote(
                pk=uuid.uuid4(),
                student=student,
                subject=subjects[n % len(subjects)],
                text=NOTES[n % len(NOTES)],
                written_on=when.date(),
                author=teacher,
                created_at=when,
                updated_at=when,
            )
            spill.add(created(note, when, teacher))
            yield note

    log(f"{copy.write(ProgressNote, notes())} progress notes")
    spill = history.spill()
    document = tiny_pdf("My holiday diary")

    def work():
        for n, when in enumerate(timeline.moments(max(1, len(pupils) // 10))):
            student = pupils[rng.randrange(len(pupils))]
            teacher = people.teachers_of[student.pk][0]
            item = WorkItem(
                pk=uuid.uuid4(),
                student=student,
                title="Holiday diary",
                subject=subjects[n % len(subjects)],
                content_type="application/pdf",
                size=len(document),
                original_name="diary.pdf",
                content=document,
                uploaded_by=teacher,
                created_at=when + timedelta(seconds=1),
                updated_at=when + timedelta(seconds=1),
            )
            spill.add(created(item, item.created_at, teacher))
            yield item

    log(f"{copy.write(WorkItem, work())} pieces of work")
