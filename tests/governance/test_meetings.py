"""The governing body's meetings (P16): governors, the clerk and the head teacher read meetings,
agendas, attendance, papers and the public minutes, one audit entry per look; the clerk and the
chair call meetings, set the agenda, record attendance and add papers; nobody else reaches any of
it, and nothing on these pages leads to a child's or a staff member's record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import Attendance, Meeting, Paper
from tests.conftest import sign_in

from .conftest import CONFIDENTIAL_MINUTE, PDF, PUBLIC_MINUTE, access_entries


def test_anonymous_is_sent_to_sign_in(client, meeting):
    for path in ("/governors/", f"/governors/meetings/{meeting.pk}/", "/governors/reports/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["governor", "apologetic", "clerk"])
def test_governors_and_the_clerk_read_a_meeting_once_audited(client, request, persona, meeting):
    sign_in(client, request.getfixturevalue(persona))
    before = access_entries().count()
    response = client.get(f"/governors/meetings/{meeting.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert PUBLIC_MINUTE in page and "Budget" in page and "Apologies sent" in page
    assert access_entries().count() - before == 1
    # Never a link to a child's or a staff member's record.
    assert "/records/" not in page and "/safeguarding/concerns/" not in page


def test_the_head_reads_a_meeting_with_a_second_factor(client, head, meeting):
    sign_in(client, head)
    assert client.get(f"/governors/meetings/{meeting.pk}/").status_code == 302
    sign_in(client, head, verified=True)
    assert client.get(f"/governors/meetings/{meeting.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["parent", "teacher", "dsl", "office", "volunteer", "nurse"])
def test_nobody_else_reaches_the_governing_body(client, request, persona, meeting):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    for path in (
        "/governors/",
        f"/governors/meetings/{meeting.pk}/",
        "/governors/reports/",
        f"/governors/meetings/{meeting.pk}/papers/{meeting.papers.first().pk}/",
    ):
        assert client.get(path).status_code == 404, path


def test_the_clerk_calls_a_meeting_and_a_slip_loses_nothing(client, clerk):
    sign_in(client, clerk, verified=True)
    response = client.post("/governors/meetings/new/", {"committee": "resources", "place": "Hall"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="alert error-summary"' in page
    assert "Enter the date and time of the meeting." in page
    assert 'value="Hall"' in page  # nothing typed is lost
    response = client.post(
        "/governors/meetings/new/",
        {"committee": "resources", "place": "Hall", "held_at": "2026-12-03T18:00"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/governors/meetings/{meeting.pk}/"
    assert meeting.get_committee_display() == "Resources committee"
    assert meeting.slug == "2026-12-03-resources-committee"


@pytest.mark.parametrize("persona", ["governor", "head"])
def test_only_the_clerk_and_the_chair_manage_meetings(client, request, persona, meeting):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.get("/governors/meetings/new/").status_code == 404
    assert client.get(f"/governors/meetings/{meeting.pk}/attendance/").status_code == 404
    assert client.post(f"/governors/meetings/{meeting.pk}/agenda/", {"title": "X"}).status_code == (
        404
    )


def test_the_chair_manages_meetings(client, chair, meeting):
    sign_in(client, chair, verified=True)
    response = client.post(f"/governors/meetings/{meeting.pk}/agenda/", {"title": "Welcome"})
    assert response.status_code == 302
    assert [str(item.title) for item in meeting.agenda.all()] == ["Welcome"]


def test_the_clerk_records_attendance(client, clerk, governor, apologetic, meeting):
    sign_in(client, clerk, verified=True)
    form = client.get(f"/governors/meetings/{meeting.pk}/attendance/").content.decode()
    assert "Apologies sent (accepted)" in form
    response = client.post(
        f"/governors/meetings/{meeting.pk}/attendance/",
        {
            f"person_{governor.pk}": "absent",
            f"person_{apologetic.pk}": "attended",
            f"person_{clerk.pk}": "attended",  # the clerk's own, as it was
        },
    )
    assert response.status_code == 302
    statuses = dict(meeting.attendances.values_list("person__username", "status"))
    assert statuses == {"governor": "absent", "apologetic": "attended", "clerk": "attended"}


def test_a_paper_is_stored_encrypted_and_checked(client, clerk, meeting):
    sign_in(client, clerk, verified=True)
    url = f"/governors/meetings/{meeting.pk}/papers/"
    script = SimpleUploadedFile("budget.pdf", b"<script>alert(1)</script>")
    response = client.post(url, {"title": "Budget forecast", "file": script})
    page = response.content.decode()
    assert response.status_code == 400 and "The paper is not a PDF" in page
    assert 'value="Budget forecast"' in page
    paper_file = SimpleUploadedFile("forecast.pdf", PDF + b"FORECASTBYTES")
    response = client.post(url, {"title": "Budget forecast", "file": paper_file})
    assert response.status_code == 302
    paper = Paper.objects.get(meeting=meeting, size=len(PDF) + 13)
    assert paper.content.endswith(
        b"FORECASTBYTES"
    )  # stored sealed: tests/governance/test_at_rest.py


def test_the_dashboard_panel_and_the_menu(client, governor, teacher, meeting):
    sign_in(client, governor)
    page = client.get("/").content.decode()
    assert "Governing body" in page and 'href="/governors/"' in page
    assert CONFIDENTIAL_MINUTE not in page
    client.logout()
    sign_in(client, teacher)
    assert 'href="/governors/"' not in client.get("/").content.decode()


def test_the_meeting_list_counts_through_the_door(client, governor, meeting, next_meeting):
    Attendance.objects.create(meeting=next_meeting, person=governor, status="apologies")
    sign_in(client, governor)
    page = client.get("/governors/").content.decode()
    assert f"/governors/meetings/{meeting.pk}/" in page
    assert f"/governors/meetings/{next_meeting.pk}/" in page
