"""P17: attending a meeting is what opens its confidential minutes, so nobody records their own
attendance (a chair marking themselves present at a meeting they missed would read them). The
clerk or the chair records everyone else's, and each change is in the change log with who made
it. Once the minutes are approved the attendance is fixed with them
(``test_attendance_record.test_attendance_is_fixed_with_the_approved_minutes``)."""

from auditlog.models import LogEntry
from django.utils.html import escape

from governance.models import Attendance, Meeting
from tests.conftest import sign_in


def _url(meeting):
    return f"/governors/meetings/{meeting.pk}/attendance/"


def _answers(meeting, **changes):
    """Every answer of the form as it stands, with ``changes`` ({person id: status})."""
    answers = {f"person_{a.person_id}": a.status for a in meeting.attendances.all()}
    answers.update({f"person_{pk}": status for pk, status in changes.items()})
    return answers


def test_the_chair_cannot_mark_themselves_present(client, chair, governor, meeting):
    sign_in(client, chair, verified=True)
    response = client.post(
        _url(meeting), _answers(meeting, **{str(chair.pk): "attended", str(governor.pk): "absent"})
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert escape(Meeting.OWN_ATTENDANCE) in page
    # Nothing is saved, and nothing typed is lost: the governor's answer is still chosen.
    assert not meeting.attendances.filter(person=chair).exists()
    assert meeting.attendances.get(person=governor).status == "attended"
    assert f'name="person_{governor.pk}"' in page
    assert '<option value="absent" selected>' in page
    # And the confidential minutes stay closed to the chair, who was not there.
    assert client.get(f"/governors/meetings/{meeting.pk}/confidential/").status_code == 404


def test_the_clerk_cannot_change_their_own_either(client, clerk, meeting):
    sign_in(client, clerk, verified=True)
    response = client.post(_url(meeting), _answers(meeting, **{str(clerk.pk): "apologies"}))
    assert response.status_code == 400
    assert meeting.attendances.get(person=clerk).status == "attended"


def test_the_form_says_whose_answer_is_recorded_by_someone_else(client, chair, meeting):
    sign_in(client, chair, verified=True)
    page = client.get(_url(meeting)).content.decode()
    assert "Your own attendance: someone else records it." in page


def test_the_clerk_marks_the_chair_present_and_the_change_log_says_so(
    client, clerk, chair, meeting
):
    sign_in(client, clerk, verified=True)
    response = client.post(_url(meeting), _answers(meeting, **{str(chair.pk): "attended"}))
    assert response.status_code == 302
    attendance = meeting.attendances.get(person=chair)
    assert attendance.status == Attendance.Status.ATTENDED
    entry = LogEntry.objects.get_for_object(attendance).get(action=LogEntry.Action.CREATE)
    assert entry.actor == clerk
    # Marked present after the fact, the chair now reads the confidential minutes.
    client.logout()
    sign_in(client, chair, verified=True)
    assert client.get(f"/governors/meetings/{meeting.pk}/confidential/").status_code == 200


def test_a_change_of_someone_elses_attendance_is_in_the_change_log(
    client, chair, governor, meeting
):
    sign_in(client, chair, verified=True)
    response = client.post(_url(meeting), _answers(meeting, **{str(governor.pk): "absent"}))
    assert response.status_code == 302
    attendance = meeting.attendances.get(person=governor)
    entry = LogEntry.objects.get_for_object(attendance).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == chair and "status" in entry.changes_dict
