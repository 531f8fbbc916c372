"""The demo school's governing body: two meetings of the full governing body, each with public and
confidential minutes (the first approved at the second and published), and the head teacher's
report with a confidential item. One governor sent apologies to the second meeting, so the demo
shows a governor who may not read its confidential minutes. Idempotent: once the governing body
has meetings, nothing is added again.

Each step is done ``acting_as`` the person who would have done it, so the audit trail names them.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from confidentiality.audit import acting_as
from safeguarding import statistics

from .models import Attendance, Committee, HeadReport, HeadReportItem, Meeting, Paper

# A tiny but real PDF: enough for the demo's papers to download and open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _evening(days_ago: int):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


def _attendance(meeting, people, apologies=()):
    for username in ("governor", "governor2", "governor3", "clerk", "head"):
        status = (
            Attendance.Status.APOLOGIES if username in apologies else Attendance.Status.ATTENDED
        )
        Attendance.objects.get_or_create(
            meeting=meeting, person=people[username], defaults={"status": status}
        )


def _meeting(clerk, days_ago, agenda, public, confidential):
    meeting = Meeting(
        committee=Committee.FULL,
        held_at=_evening(days_ago),
        place="School library",
        called_by=clerk,
    )
    meeting.save()
    for number, title in enumerate(agenda, start=1):
        meeting.agenda.create(number=number, title=title)
    for heading, text in public:
        meeting.add_public_item(heading, text)
    for heading, text in confidential:
        meeting.add_confidential_item(heading, text)
    return meeting


def _paper(meeting, clerk, title, filename, confidential=False):
    Paper(
        meeting=meeting,
        title=title,
        filename=filename,
        content_type="application/pdf",
        size=len(DEMO_PDF),
        content=DEMO_PDF,
        confidential=confidential,
        uploaded_by=clerk,
    ).save()


def seed_governance(people: dict) -> None:
    """Idempotent."""
    if Meeting.objects.filter(committee=Committee.FULL).exists():
        return
    clerk, head = people["clerk"], people["head"]
    with acting_as(clerk):
        first = _meeting(
            clerk,
            70,
            [
                "Welcome and apologies",
                "Minutes of the last meeting",
                "Budget monitoring",
                "Safeguarding",
                "Staffing (confidential)",
            ],
            public=[
                ("Welcome and apologies", "The chair welcomed governors. No apologies."),
                (
                    "Budget monitoring",
                    "The school business manager's report was received. Spending is in line "
                    "with the budget; governors asked for a forecast of energy costs.",
                ),
                (
                    "Safeguarding",
                    "Governors noted the safeguarding statistics and that the annual "
                    "child-protection training is booked for all staff.",
                ),
            ],
            confidential=[
                (
                    "Staffing",
                    "Governors considered a request for flexible working from a member of the "
                    "support staff and agreed it for a trial of one term.",
                ),
            ],
        )
        _attendance(first, people)
        _paper(first, clerk, "Budget monitoring report", "budget-monitoring.pdf")
        second = _meeting(
            clerk,
            14,
            [
                "Welcome and apologies",
                "Minutes of the last meeting",
                "Head teacher's report",
                "Pupil premium strategy",
                "Review of a suspension (confidential)",
            ],
            public=[
                (
                    "Welcome and apologies",
                    "Apologies were received and accepted from one governor.",
                ),
                (
                    "Minutes of the last meeting",
                    "The minutes of the last meeting were approved as a true record.",
                ),
                (
                    "Pupil premium strategy",
                    "Governors approved the pupil premium strategy for this year.",
                ),
            ],
            confidential=[
                (
                    "Review of a suspension",
                    "Governors reviewed a suspension and confirmed that the school followed "
                    "its behaviour policy.",
                ),
            ],
        )
        _attendance(second, people, apologies=("governor3",))
        _paper(
            second, clerk, "Suspension review papers", "suspension-review.pdf", confidential=True
        )
        first.approve_minutes(at=second, by=clerk)
        first.publish_minutes(by=clerk)
    with acting_as(head):
        term = statistics.term_of(timezone.localdate(second.held_at))
        report = HeadReport(
            term=term.name,
            school_year=term.school_year,
            meeting=second,
            written_by=head,
            include_statistics=True,
        )
        report.save()
        items = [
            ("Attendance", "Attendance this term is 95.8%, above the national average.", False),
            (
                "Curriculum",
                "The new reading scheme is in place in every class from Reception to Year 6.",
                False,
            ),
            (
                "Exclusions",
                "There was one suspension this term, for one day, reviewed by governors.",
                True,
            ),
        ]
        for number, (heading, text, confidential) in enumerate(items, start=1):
            HeadReportItem(
                report=report, number=number, heading=heading, text=text, confidential=confidential
            ).save()
        report.send(statistics.for_governors(term))
