"""The head teacher's and the governors' share of the load: a performance file with objectives
for every seeded teacher this cycle, held by the head, and the governing body's meetings over
the school's years, with public and confidential minutes. Hundreds of rows, not millions: made
through the models' own ``save`` (their grants and change log as any page writes them)."""

from django.utils import timezone

from confidentiality.audit import acting_as
from confidentiality.roles import Role
from governance.models import Committee, Meeting
from performance.models import Objective, PerformanceFile, ReviewCycle

from .plan import YEARS_OF_HISTORY

OBJECTIVES = [
    (
        "Raise the proportion of pupils at the expected standard in reading to 80%.",
        "Termly assessments; four in five at the expected standard by July.",
    ),
    (
        "Lead one staff meeting on feedback that moves learning on.",
        "Meeting held; colleagues' books show the approach by the spring review.",
    ),
]
MEETINGS_PER_YEAR = 6


def seed_leadership(scale, people, timeline, log) -> dict:
    head, clerk = people.named["head"], people.named["clerk"]
    cycle = ReviewCycle.objects.current(timezone.localdate()).ensure_saved()
    files = 0
    with acting_as(head):
        for teacher in people.staff_by_role.get(Role.TEACHER, []):
            file = PerformanceFile(subject=teacher, cycle=cycle, opened_by=head)
            file.save()
            for title, criteria in OBJECTIVES:
                Objective(file=file, title=title, success_criteria=criteria, set_by=head).save()
            files += 1
    log(f"{files} performance files held by the head teacher")
    count = MEETINGS_PER_YEAR * YEARS_OF_HISTORY
    step = (timeline.end - timeline.start) / count
    with acting_as(clerk):
        for n in range(count):
            held = (timeline.start + step * n).replace(hour=18, minute=0, second=0)
            meeting = Meeting(
                committee=Committee.FULL,
                held_at=held,
                place="School library",
                called_by=clerk,
            )
            meeting.save()
            meeting.agenda.create(number=1, title="Head teacher's report")
            meeting.agenda.create(number=2, title="Safeguarding report")
            meeting.add_public_item("Head teacher's report", "Attendance is 95.8% this term.")
            meeting.add_confidential_item(
                "Safeguarding report",
                f"The DSL reported {scale.concerns // count} concerns since the last meeting.",
            )
    log(f"{count} governing body meetings, with minutes")
    return {"performance files": files, "meetings": count}
