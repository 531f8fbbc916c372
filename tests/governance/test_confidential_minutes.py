"""P17: a meeting's confidential minutes are read by the governors who attended it, the clerk and
the head teacher, and by nobody else: not a governor who sent apologies, not a parent, a teacher
or the DSL. The right is a relation decided when asked (attending), never a role's."""

import pytest
from django.contrib.auth.models import Group, Permission

from confidentiality import access
from governance.models import Attendance, Meeting
from tests.conftest import sign_in

from .conftest import (
    CONFIDENTIAL_MINUTE,
    CONFIDENTIAL_PAPER,
    CONFIDENTIAL_REPORT_ITEM,
    access_entries,
)


def _url(meeting):
    return f"/governors/meetings/{meeting.pk}/confidential/"


def test_anonymous_is_sent_to_sign_in(client, meeting):
    response = client.get(_url(meeting))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["governor", "clerk"])
def test_an_attending_governor_and_the_clerk_read_them_once_audited(
    client, request, persona, meeting, report
):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    before = access_entries().count()
    response = client.get(_url(meeting))
    page = response.content.decode()
    assert response.status_code == 200
    assert CONFIDENTIAL_MINUTE in page and CONFIDENTIAL_REPORT_ITEM in page
    assert access_entries().count() - before == 1


def test_the_head_reads_them_with_a_second_factor(client, head, meeting):
    sign_in(client, head)
    assert client.get(_url(meeting)).status_code == 302  # to confirm the second factor
    sign_in(client, head, verified=True)
    assert CONFIDENTIAL_MINUTE in client.get(_url(meeting)).content.decode()


def test_a_governor_who_sent_apologies_gets_a_404(client, apologetic, meeting, report):
    sign_in(client, apologetic)
    assert client.get(_url(meeting)).status_code == 404
    # The meeting itself (agenda, attendance, public minutes) is theirs to read...
    page = client.get(f"/governors/meetings/{meeting.pk}/").content.decode()
    assert "Pupil premium" in page
    # ...without the confidential minutes, the confidential paper or a link to them.
    assert CONFIDENTIAL_MINUTE not in page and CONFIDENTIAL_PAPER not in page
    assert _url(meeting) not in page
    confidential_paper = meeting.papers.get(confidential=True)
    paper_url = f"/governors/meetings/{meeting.pk}/papers/{confidential_paper.pk}/"
    assert client.get(paper_url).status_code == 404


def test_an_attending_governor_downloads_the_confidential_paper(client, governor, meeting):
    sign_in(client, governor)
    paper = meeting.papers.get(confidential=True)
    response = client.get(f"/governors/meetings/{meeting.pk}/papers/{paper.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "persona", ["parent", "teacher", "dsl", "deputy", "office", "volunteer", "nurse"]
)
def test_nobody_else_reads_them(client, request, persona, meeting):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    assert client.get(_url(meeting)).status_code == 404
    assert client.get(f"/governors/meetings/{meeting.pk}/").status_code == 404


def test_the_right_follows_attendance_when_asked(governor, apologetic, meeting):
    """Recorded as attended later, the governor reads them; recorded as absent, no longer."""
    rows = Meeting.objects.all()
    perm = "governance.read_confidential_minutes"
    assert not access.has_permission(apologetic, perm, meeting)
    assert meeting not in access.visible(apologetic, rows, perm)
    Attendance.objects.filter(meeting=meeting, person=apologetic).update(status="attended")
    apologetic = type(apologetic).objects.get(pk=apologetic.pk)  # a new request, a new cache
    assert access.has_permission(apologetic, perm, meeting)
    assert list(access.visible(apologetic, rows, perm)) == [meeting]
    Attendance.objects.filter(meeting=meeting, person=governor).update(status="absent")
    assert not access.has_permission(type(governor).objects.get(pk=governor.pk), perm, meeting)


def test_attending_one_meeting_opens_only_that_one(client, governor, meeting, next_meeting):
    next_meeting.add_confidential_item("Other", "Another meeting's business.")
    sign_in(client, governor)
    assert client.get(_url(next_meeting)).status_code == 404


def test_no_role_holds_the_confidential_minutes_for_every_meeting(db, meeting):
    """No group is given the model permission: it would open every meeting's confidential
    minutes to governors who were not there."""
    permission = Permission.objects.get(codename="read_confidential_minutes")
    assert not Group.objects.filter(permissions=permission).exists()
    assert not permission.user_set.exists()


def test_the_meeting_list_offers_the_confidential_minutes_only_to_attenders(
    client, governor, apologetic, meeting
):
    sign_in(client, governor)
    assert _url(meeting) in client.get("/governors/").content.decode()
    client.logout()
    sign_in(client, apologetic)
    page = client.get("/governors/").content.decode()
    assert _url(meeting) not in page and "only those who attended" in page
