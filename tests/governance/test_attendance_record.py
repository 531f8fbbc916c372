"""Governors' attendance (P16): the clerk records attended, apologies accepted, apologies not
accepted or absent without apologies; the clerk and the chair read each person's record across
the school year's meetings (the statutory attendance report). Nobody else reads it, and it names
nothing but who came to the governing body's meetings."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from confidentiality.forms.people import person_label
from governance.models import Attendance
from governance.views.governors import school_year_of
from tests.conftest import sign_in

from .conftest import make_meeting

PAGE = "/governors/attendance/"


def test_the_clerk_records_apologies_not_accepted_and_absence(client, clerk, governor, meeting):
    sign_in(client, clerk, verified=True)
    form = client.get(f"/governors/meetings/{meeting.pk}/attendance/").content.decode()
    assert "Apologies sent (not accepted)" in form and "Absent without apologies" in form
    client.post(
        f"/governors/meetings/{meeting.pk}/attendance/",
        {f"person_{governor.pk}": "not_accepted", f"person_{clerk.pk}": "attended"},
    )
    assert meeting.attendances.get(person=governor).status == "not_accepted"


def test_attendance_is_fixed_with_the_approved_minutes(
    client, clerk, governor, meeting, next_meeting
):
    meeting.approve_minutes(at=next_meeting, by=clerk)
    sign_in(client, clerk, verified=True)
    response = client.post(
        f"/governors/meetings/{meeting.pk}/attendance/", {f"person_{governor.pk}": "absent"}
    )
    assert response.status_code == 400
    assert "the attendance can no longer be changed" in response.content.decode()
    assert meeting.attendances.get(person=governor).status == "attended"


@pytest.fixture
def year_of_meetings(clerk, governor, apologetic):
    """Three meetings this school year: the governor attended two and sent apologies that were
    not accepted to the third; ``apologetic`` sent accepted apologies to one and was absent
    without apologies from another. One meeting of an earlier year does not count."""
    now = timezone.now()
    days = [
        d
        for d in (2, 20, 40, 60, 80)
        if school_year_of(now - timedelta(days=d)) == (school_year_of(now))
    ][:3]
    if len(days) < 3:  # early September: the meetings of the year are all today's
        days = [0, 0, 0]
    meetings = [make_meeting(clerk, days_ago=d) for d in days]
    statuses = {
        governor: ["attended", "attended", "not_accepted"],
        apologetic: ["apologies", "absent", None],
    }
    for person, answers in statuses.items():
        for meeting, status in zip(meetings, answers, strict=True):
            if status:
                Attendance.objects.create(meeting=meeting, person=person, status=status)
    old = make_meeting(clerk, days_ago=800)
    Attendance.objects.create(meeting=old, person=governor, status="absent")
    return meetings


@pytest.mark.parametrize("persona", ["clerk", "chair"])
def test_the_clerk_and_the_chair_read_the_record(
    client, request, persona, governor, apologetic, year_of_meetings
):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    rows = {row.split("</td>")[0]: row for row in page.split('<td data-label="Name">')[1:]}
    governor_row = rows[escape(person_label(governor, with_role=True))]
    assert "2 of 3 (67%)" in governor_row
    assert '<td data-label="Apologies not accepted">1</td>' in governor_row
    apologetic_row = rows[escape(person_label(apologetic, with_role=True))]
    assert "0 of 2 (0%)" in apologetic_row
    assert '<td data-label="Apologies accepted">1</td>' in apologetic_row
    assert '<td data-label="Absent without apologies">1</td>' in apologetic_row
    assert "/records/" not in page


def test_an_earlier_year_is_chosen_by_its_name(client, clerk, year_of_meetings):
    sign_in(client, clerk, verified=True)
    old_year = school_year_of(timezone.now() - timedelta(days=800))
    page = client.get(PAGE, {"year": old_year}).content.decode()
    assert f"Attendance, school year {old_year}" in page
    assert "0 of 1 (0%)" in page


@pytest.mark.parametrize("persona", ["governor", "head", "teacher", "parent"])
def test_nobody_else_reads_it(client, request, persona, year_of_meetings):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.get(PAGE).status_code == 404


def test_the_record_takes_the_same_queries_however_many_meetings(client, clerk, year_of_meetings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, clerk, verified=True)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for _ in range(3):
        more = make_meeting(clerk, days_ago=1)
        Attendance.objects.create(meeting=more, person=clerk, status="attended")
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(many) == len(few)


def test_the_published_minutes_say_whose_apologies_were_not_accepted_and_who_was_absent(
    client, clerk, chair, apologetic, meeting, next_meeting
):
    from .test_publication import pdf_text

    meeting.attendances.filter(person=apologetic).update(status="not_accepted")
    Attendance.objects.create(meeting=meeting, person=chair, status="absent")
    meeting.approve_minutes(at=next_meeting, by=clerk)
    meeting.publish_minutes(by=clerk)
    page = client.get("/governors/minutes/").content.decode()
    not_accepted = page.split("<h3>Apologies (not accepted)</h3>")[1].split("</p>")[0]
    absent = page.split("<h3>Absent without apologies</h3>")[1].split("</p>")[0]
    assert escape(person_label(apologetic)) in not_accepted
    assert escape(person_label(chair)) in absent
    response = client.get(f"/governors/minutes/{meeting.slug}.pdf")
    text = pdf_text(b"".join(response.streaming_content))
    assert "Apologies (not accepted)" in text and "Absent without apologies" in text
