"""The governing body's personas and a meeting with both sets of minutes.

``governor`` (tests/conftest.py) attended the meeting; ``apologetic`` sent apologies; the clerk
and the head teacher read every meeting's confidential minutes. Each confidential thing carries a
marker that must never reach a public page, a PDF or a governor who was not there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from confidentiality.roles import Role
from governance.models import Attendance, HeadReport, HeadReportItem, Meeting, Paper

CONFIDENTIAL_MINUTE = "MARKERCONFMINUTE71"
CONFIDENTIAL_REPORT_ITEM = "MARKERCONFREPORT72"
CONFIDENTIAL_PAPER = "MARKERCONFPAPER73"
PUBLIC_MINUTE = "The pupil premium strategy was approved."
PUBLIC_REPORT_ITEM = "Attendance is 96 per cent this term."
PDF = b"%PDF-1.4\n% a governors' paper\n%%EOF\n"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.CLERK)


@pytest.fixture
def chair(make_user):
    user = make_user("chair", Role.GOVERNOR)
    from confidentiality import roles

    user.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return user


@pytest.fixture
def apologetic(make_user):
    """A governor who sent apologies to the meeting."""
    return make_user("apologetic", Role.GOVERNOR)


def make_meeting(clerk, days_ago=30, **extra):
    meeting = Meeting(
        held_at=timezone.now() - timedelta(days=days_ago),
        place="School library",
        called_by=clerk,
        **extra,
    )
    meeting.save()
    return meeting


@pytest.fixture
def meeting(clerk, governor, apologetic, head):
    """A meeting of the full governing body with public and confidential minutes, a public and
    a confidential paper, attended by ``governor``, the clerk and the head; ``apologetic`` sent
    apologies."""
    found = make_meeting(clerk)
    for person, status in (
        (governor, Attendance.Status.ATTENDED),
        (clerk, Attendance.Status.ATTENDED),
        (head, Attendance.Status.ATTENDED),
        (apologetic, Attendance.Status.APOLOGIES),
    ):
        Attendance.objects.create(meeting=found, person=person, status=status)
    found.add_public_item("Pupil premium", PUBLIC_MINUTE)
    found.add_confidential_item("Staffing", f"A personnel matter. {CONFIDENTIAL_MINUTE}")
    for title, confidential in (("Budget", False), (f"Review {CONFIDENTIAL_PAPER}", True)):
        Paper(
            meeting=found,
            title=title,
            filename="paper.pdf",
            content_type="application/pdf",
            size=len(PDF),
            content=PDF,
            confidential=confidential,
            uploaded_by=clerk,
        ).save()
    return found


@pytest.fixture
def next_meeting(clerk):
    return make_meeting(clerk, days_ago=2)


@pytest.fixture
def report(meeting, head):
    """The head's report to ``meeting``, sent, with a public and a confidential item."""
    found = HeadReport(
        term="autumn",
        school_year="2026/27",
        meeting=meeting,
        written_by=head,
        include_statistics=True,
    )
    found.save()
    HeadReportItem(report=found, number=1, heading="Attendance", text=PUBLIC_REPORT_ITEM).save()
    HeadReportItem(
        report=found,
        number=2,
        heading="Exclusions",
        text=f"One suspension. {CONFIDENTIAL_REPORT_ITEM}",
        confidential=True,
    ).save()
    found.send({"term": "Autumn 2026/27", "computed_on": "2026-11-30", "tables": []})
    return found


@pytest.fixture
def published(meeting, next_meeting, clerk, report):
    """``meeting``'s minutes approved at ``next_meeting`` and published."""
    meeting.approve_minutes(at=next_meeting, by=clerk)
    meeting.publish_minutes(by=clerk)
    return meeting


def access_entries():
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
