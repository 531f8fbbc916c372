"""P17 and the threat model: a stolen password of the chair, the clerk or the head teacher opens
nothing confidential of the governing body without the second factor: not the confidential
minutes, not a confidential paper (nor its title), not the confidential items of the head's
report, and no page that changes the minutes or the attendance. A governor who has set up a
second factor must use it too; one who has not still reads the confidential minutes of a meeting
they attended (they are entitled to them, and have no second factor to ask for).

Someone without the right gets the 404 first, so a stolen password learns nothing either way."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality.roles import Role
from governance.models import Attendance
from tests.conftest import sign_in

from .conftest import (
    CONFIDENTIAL_MINUTE,
    CONFIDENTIAL_PAPER,
    CONFIDENTIAL_REPORT_ITEM,
    access_entries,
)


def _confidential(meeting):
    return f"/governors/meetings/{meeting.pk}/confidential/"


def _paper(meeting):
    paper = meeting.papers.get(confidential=True)
    return f"/governors/meetings/{meeting.pk}/papers/{paper.pk}/"


def _asks_for_second_factor(response) -> bool:
    return response.status_code == 302 and "verify" in response["Location"]


@pytest.fixture
def chair_attended(chair, meeting):
    Attendance.objects.create(meeting=meeting, person=chair, status=Attendance.Status.ATTENDED)
    return chair


@pytest.mark.parametrize("persona", ["chair_attended", "clerk", "head"])
def test_a_password_alone_opens_no_confidential_minutes_or_paper(
    client, request, persona, meeting, report
):
    sign_in(client, request.getfixturevalue(persona))
    before = access_entries().count()
    for url in (_confidential(meeting), _paper(meeting)):
        response = client.get(url)
        assert _asks_for_second_factor(response)
        assert CONFIDENTIAL_MINUTE not in response.content.decode()
    assert access_entries().count() == before


@pytest.mark.parametrize("persona", ["chair_attended", "clerk", "head"])
def test_with_the_second_factor_they_read_them(client, request, persona, meeting, report):
    sign_in(client, request.getfixturevalue(persona), verified=True)
    page = client.get(_confidential(meeting)).content.decode()
    assert CONFIDENTIAL_MINUTE in page and CONFIDENTIAL_REPORT_ITEM in page
    assert client.get(_paper(meeting)).status_code == 200


def test_the_meeting_page_lists_no_confidential_paper_before_the_second_factor(
    client, chair_attended, meeting
):
    sign_in(client, chair_attended)
    page = client.get(f"/governors/meetings/{meeting.pk}/").content.decode()
    assert CONFIDENTIAL_PAPER not in page
    assert _confidential(meeting) in page  # the link, which asks for the second factor
    client.logout()
    sign_in(client, chair_attended, verified=True)
    page = client.get(f"/governors/meetings/{meeting.pk}/").content.decode()
    assert CONFIDENTIAL_PAPER in page


def test_a_chair_who_was_not_there_gets_the_404_not_the_question(client, chair, meeting):
    sign_in(client, chair)
    assert client.get(_confidential(meeting)).status_code == 404
    assert client.get(_paper(meeting)).status_code == 404


def test_a_governor_without_a_second_factor_reads_what_they_attended(
    client, governor, meeting, report
):
    sign_in(client, governor)
    assert not TOTPDevice.objects.filter(user=governor).exists()
    assert CONFIDENTIAL_MINUTE in client.get(_confidential(meeting)).content.decode()
    assert client.get(_paper(meeting)).status_code == 200


def test_a_governor_who_set_one_up_must_use_it(client, governor, meeting, report):
    TOTPDevice.objects.create(user=governor, name="phone", confirmed=True)
    sign_in(client, governor)
    assert _asks_for_second_factor(client.get(_confidential(meeting)))
    assert _asks_for_second_factor(client.get(_paper(meeting)))
    page = client.get(f"/governors/meetings/{meeting.pk}/").content.decode()
    assert CONFIDENTIAL_PAPER not in page


@pytest.mark.parametrize("persona", ["chair", "clerk"])
def test_no_change_to_attendance_or_minutes_with_a_password_alone(
    client, request, persona, governor, meeting
):
    person = request.getfixturevalue(persona)
    sign_in(client, person)
    url = f"/governors/meetings/{meeting.pk}/attendance/"
    assert _asks_for_second_factor(client.get(url))
    response = client.post(url, {f"person_{governor.pk}": "absent"})
    assert _asks_for_second_factor(response)
    assert meeting.attendances.get(person=governor).status == "attended"
    items = meeting.public_minutes.count()
    response = client.post(
        f"/governors/meetings/{meeting.pk}/minutes/", {"heading": "Late", "text": "Added."}
    )
    assert _asks_for_second_factor(response)
    assert meeting.public_minutes.count() == items


def test_the_chair_is_asked_although_the_role_is_not_among_those_always_asked(chair):
    from confidentiality.roles import SECOND_FACTOR_REQUIRED
    from governance.policy import confidential_needs_second_factor

    assert Role.CHAIR_OF_GOVERNORS not in SECOND_FACTOR_REQUIRED  # so governance asks itself
    assert confidential_needs_second_factor(chair)
