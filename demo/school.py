"""The demo school, put together from each part's own demo, in the order each needs the last:
the core's people (``confidentiality.demo``), then the records app's classes, students and
families (``records.demo``), then the safeguarding app's concerns about those students
(``safeguarding.demo``). Idempotent: running it again changes nothing already there."""

from django.db import transaction

from confidentiality.demo import seed_calendar, seed_people
from governance.demo import seed_governance
from performance.demo import seed_performance
from records.demo import seed_school
from retention.demo import seed_retention
from safeguarding.demo import seed_concerns
from subject_access.demo import seed_subject_access
from transfers.demo import seed_transfers


@transaction.atomic
def seed(password: str, reset_passwords: bool = False) -> dict:
    """The whole demo school; returns its people by username."""
    people = seed_people(password, reset_passwords=reset_passwords)
    seed_calendar()
    students = seed_school(people)
    seed_concerns(people, students)
    seed_performance(people)
    seed_governance(people)
    seed_subject_access(people)
    seed_retention(people)
    seed_transfers(people)
    return people
