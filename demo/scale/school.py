"""The rehearsal school, stage by stage, each timed: people, learning, casework, the audit
history (sealed into the chain), the head's and governors' work, then fresh planner statistics
on PostgreSQL.

Everything is written in one transaction: an interrupted run leaves the database as it was, and
the next run starts again. A database already seeded at a scale is recognised by its pupils'
numbers (``Scale.upn_letter``) and left alone.
"""

import time
from datetime import timedelta

from django.db import connection, transaction

from confidentiality.audit.bulk import write_sealed_entries
from records.models import Student

from .casework import seed_casework
from .history import History, looked_at
from .leadership import seed_leadership
from .people import seed_people
from .plan import SCALES, Timeline
from .records import seed_learning


def already_seeded(scale) -> bool:
    return Student.objects.filter(upn__startswith=f"{scale.upn_letter}9").exists()


def _looks_at_pupils(people, timeline, count: int):
    """Staff opening their pupils' records, in time order: the bulk of any school's trail."""
    rng = timeline.rng
    taught = [s for s in people.on_roll if people.teachers_of.get(s.pk)]
    if not taught or count <= 0:
        return
    for when in timeline.moments(count, timeline.start + timedelta(days=5)):
        student = taught[rng.randrange(len(taught))]
        teachers = people.teachers_of[student.pk]
        yield looked_at(
            student,
            when,
            teachers[rng.randrange(len(teachers))],
            f"/records/students/{student.pk}/",
        )


def seed_scale(name: str, named: dict, password: str, log=print) -> dict | None:
    """Seed the school at scale ``name`` on top of the demo (its people ``named``). Returns
    the time of each stage, or None when this scale is already there."""
    scale = SCALES[name]
    if already_seeded(scale):
        return None
    timeline = Timeline()
    history = History()
    times = {}

    def stage(title, fn, *args):
        began = time.monotonic()
        log(f"{title}…")
        result = fn(*args)
        times[title] = time.monotonic() - began
        log(f"{title}: {times[title]:.1f}s")
        return result

    with transaction.atomic():
        people = stage("people", seed_people, scale, named, timeline, history, password, log)
        stage("learning", seed_learning, scale, people, timeline, history, log)
        stage("casework", seed_casework, scale, people, timeline, history, log)
        looks = scale.audit_entries - history.count
        log(f"{history.count} entries of what was created; {max(looks, 0)} looks at records")
        written = stage(
            "audit history",
            write_sealed_entries,
            history.entries(_looks_at_pupils(people, timeline, looks)),
        )
        log(f"{written} audit entries sealed into the chain")
        # After the history: these are saved now, through the models, and logged as they are.
        stage("leadership", seed_leadership, scale, people, timeline, log)
    if connection.vendor == "postgresql":
        stage("analyze", _analyze)
    return times


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
