"""Changing a meeting while its minutes are a draft (P16, P17): the clerk and the chair correct
the meeting's details, the agenda, the items of the public and confidential minutes (change,
delete, reorder) and the papers (replace, remove); governors, the head teacher, teachers and
parents change nothing. Once the minutes are approved, and after publication, every change is
refused with the reason and nothing typed is lost. Each change is in the change log, with the
encrypted words masked."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import AgendaItem, Attendance, ConfidentialMinuteItem, Paper
from tests.conftest import sign_in

from .conftest import CONFIDENTIAL_MINUTE, PDF, PUBLIC_MINUTE, access_entries

NEW_WORDS = "MARKERCORRECTED81 Governors approved the strategy with one change."


def _base(meeting):
    return f"/governors/meetings/{meeting.pk}"


def changes_of(obj):
    return LogEntry.objects.get_for_object(obj).exclude(action=LogEntry.Action.ACCESS)


def _paper(meeting, confidential=False):
    return meeting.papers.get(confidential=confidential)


def _every_change(meeting):
    """(method, address, data) of every change of ``meeting`` a page offers."""
    base = _base(meeting)
    public = meeting.public_minutes.get()
    confidential = meeting.confidential_minutes.get()
    agenda = meeting.agenda.get()
    paper = _paper(meeting)
    return [
        (f"{base}/edit/", {"committee": "full", "held_at": "2026-10-01T18:00", "place": "Hall"}),
        (f"{base}/agenda/{agenda.pk}/", {"title": "Changed"}),
        (f"{base}/agenda/{agenda.pk}/move/", {"direction": "up"}),
        (f"{base}/agenda/{agenda.pk}/delete/", {}),
        (f"{base}/minutes/{public.pk}/", {"heading": "Changed", "text": NEW_WORDS}),
        (f"{base}/minutes/{public.pk}/move/", {"direction": "down"}),
        (f"{base}/minutes/{public.pk}/delete/", {}),
        (f"{base}/confidential/{confidential.pk}/", {"heading": "Changed", "text": NEW_WORDS}),
        (f"{base}/confidential/{confidential.pk}/move/", {"direction": "up"}),
        (f"{base}/confidential/{confidential.pk}/delete/", {}),
        (f"{base}/papers/{paper.pk}/replace/", {"title": "Changed"}),
        (f"{base}/papers/{paper.pk}/remove/", {}),
    ]


def _snapshot(meeting):
    meeting.refresh_from_db()
    return (
        meeting.place,
        meeting.held_at,
        [(i.number, str(i.title)) for i in meeting.agenda.all()],
        [(i.number, str(i.heading), str(i.text)) for i in meeting.public_minutes.all()],
        [(i.number, str(i.heading), str(i.text)) for i in meeting.confidential_minutes.all()],
        [(str(p.title), p.size) for p in meeting.papers.all()],
    )


@pytest.fixture
def agenda(meeting):
    meeting.agenda.create(number=1, title="Pupil premium")
    return meeting


# --- who may change a meeting ---------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, agenda):
    for url, _ in _every_change(agenda):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("persona", ["governor", "head", "teacher", "parent"])
def test_governors_the_head_teachers_and_parents_change_nothing(client, request, persona, agenda):
    before = _snapshot(agenda)
    changes = _every_change(agenda)
    sign_in(client, request.getfixturevalue(persona), verified=True)
    for url, data in changes:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, data).status_code == 404, url
    assert _snapshot(agenda) == before


def test_the_clerk_corrects_a_draft_public_item_and_the_log_masks_the_words(client, clerk, meeting):
    item = meeting.public_minutes.get()
    sign_in(client, clerk, verified=True)
    url = f"{_base(meeting)}/minutes/{item.pk}/"
    form = client.get(url).content.decode()
    assert PUBLIC_MINUTE in form  # the form starts from what the item says
    before_looks = access_entries().count()
    response = client.post(url, {"heading": "Pupil premium", "text": NEW_WORDS})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == NEW_WORDS
    assert access_entries().count() == before_looks + 1
    entry = changes_of(item).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == clerk
    assert "text" in entry.changes_dict
    assert "MARKERCORRECTED81" not in str(entry.changes)
    assert "pupil premium strategy" not in str(entry.changes).lower()


def test_the_chair_changes_the_meetings_details(client, chair, meeting):
    sign_in(client, chair, verified=True)
    response = client.post(
        f"{_base(meeting)}/edit/",
        {"committee": "resources", "held_at": "2026-10-01T18:30", "place": "Staff room"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Staff room"
    assert meeting.slug == "2026-10-01-resources-committee"  # follows the new date and body
    assert changes_of(meeting).filter(action=LogEntry.Action.UPDATE, actor=chair).exists()


def test_a_slip_in_the_meetings_details_loses_nothing(client, clerk, meeting):
    sign_in(client, clerk, verified=True)
    response = client.post(
        f"{_base(meeting)}/edit/", {"committee": "full", "held_at": "", "place": "Music room"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="alert error-summary"' in page
    assert "Enter the date and time of the meeting." in page
    assert 'value="Music room"' in page
    meeting.refresh_from_db()
    assert meeting.place == "School library"


def test_a_slip_in_an_item_loses_nothing(client, clerk, meeting):
    item = meeting.public_minutes.get()
    sign_in(client, clerk, verified=True)
    response = client.post(
        f"{_base(meeting)}/minutes/{item.pk}/", {"heading": "", "text": NEW_WORDS}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a heading for the item." in page and "MARKERCORRECTED81" in page
    item.refresh_from_db()
    assert item.text == PUBLIC_MINUTE


def test_deleting_an_item_renumbers_those_after_it_in_both_parts(client, clerk, meeting):
    """The parts share one numbering: 1 public, 2 confidential, 3 public."""
    first = meeting.public_minutes.get()
    third = meeting.add_public_item("Any other business", "None.")
    sign_in(client, clerk, verified=True)
    response = client.post(f"{_base(meeting)}/minutes/{first.pk}/delete/", follow=True)
    assert "Item 1 deleted from the public minutes" in response.content.decode()
    assert not meeting.public_minutes.filter(pk=first.pk).exists()
    assert meeting.confidential_minutes.get().number == 1
    third.refresh_from_db()
    assert third.number == 2
    assert changes_of(first).filter(action=LogEntry.Action.DELETE, actor=clerk).exists()


def test_items_are_reordered_within_their_part(client, clerk, meeting):
    first = meeting.public_minutes.get()  # 1 (2 is confidential)
    third = meeting.add_public_item("Any other business", "None.")
    sign_in(client, clerk, verified=True)
    client.post(f"{_base(meeting)}/minutes/{third.pk}/move/", {"direction": "up"})
    first.refresh_from_db()
    third.refresh_from_db()
    assert (third.number, first.number) == (1, 3)
    assert meeting.confidential_minutes.get().number == 2
    page = client.post(
        f"{_base(meeting)}/minutes/{third.pk}/move/", {"direction": "up"}, follow=True
    ).content.decode()
    assert "already first" in page


def test_the_clerk_edits_the_agenda(client, clerk, agenda):
    second = AgendaItem(meeting=agenda, number=2, title="Any other business")
    second.save()
    first = agenda.agenda.get(number=1)
    sign_in(client, clerk, verified=True)
    base = _base(agenda)
    assert client.post(f"{base}/agenda/{first.pk}/", {"title": "Welcome"}).status_code == 302
    client.post(f"{base}/agenda/{second.pk}/move/", {"direction": "up"})
    assert [str(i.title) for i in agenda.agenda.all()] == ["Any other business", "Welcome"]
    client.post(f"{base}/agenda/{second.pk}/delete/")
    assert [(i.number, str(i.title)) for i in agenda.agenda.all()] == [(1, "Welcome")]


def test_the_clerk_corrects_and_deletes_a_confidential_item(client, clerk, meeting):
    item = meeting.confidential_minutes.get()
    sign_in(client, clerk, verified=True)
    url = f"{_base(meeting)}/confidential/{item.pk}/"
    assert CONFIDENTIAL_MINUTE in client.get(url).content.decode()
    assert client.post(url, {"heading": "Staffing", "text": NEW_WORDS}).status_code == 302
    item.refresh_from_db()
    assert item.text == NEW_WORDS
    assert "MARKERCORRECTED81" not in str(changes_of(item).latest("timestamp").changes)
    client.post(f"{url}delete/")
    assert not ConfidentialMinuteItem.objects.filter(pk=item.pk).exists()


def test_the_chair_who_did_not_attend_changes_no_confidential_item_or_paper(client, chair, meeting):
    """Managing meetings is not enough: changing a confidential item or paper means reading it."""
    item = meeting.confidential_minutes.get()
    paper = _paper(meeting, confidential=True)
    sign_in(client, chair, verified=True)
    base = _base(meeting)
    for url in (
        f"{base}/confidential/{item.pk}/",
        f"{base}/confidential/{item.pk}/delete/",
        f"{base}/papers/{paper.pk}/replace/",
        f"{base}/papers/{paper.pk}/remove/",
    ):
        assert client.post(url, {"heading": "X", "text": "Y", "title": "Z"}).status_code == 404
    assert ConfidentialMinuteItem.objects.filter(pk=item.pk).exists()
    assert Paper.objects.filter(pk=paper.pk).exists()
    # Had they attended, they would.
    Attendance.objects.create(meeting=meeting, person=chair, status="attended")
    assert client.get(f"{base}/confidential/{item.pk}/").status_code == 200


def test_the_clerk_replaces_a_paper_and_a_slip_keeps_the_title(client, clerk, meeting):
    paper = _paper(meeting)
    sign_in(client, clerk, verified=True)
    url = f"{_base(meeting)}/papers/{paper.pk}/replace/"
    response = client.post(url, {"title": "Budget, revised"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the file of the new version." in page and 'value="Budget, revised"' in page
    new = SimpleUploadedFile("budget-v2.pdf", PDF + b"VERSIONTWO")
    assert client.post(url, {"title": "Budget, revised", "file": new}).status_code == 302
    paper.refresh_from_db()
    assert paper.title == "Budget, revised" and paper.content.endswith(b"VERSIONTWO")
    assert not paper.confidential
    client.post(f"{_base(meeting)}/papers/{paper.pk}/remove/")
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert changes_of(paper).filter(action=LogEntry.Action.DELETE, actor=clerk).exists()


# --- once approved, and once published --------------------------------------------------------


def test_after_approval_public_items_are_fixed_with_the_reason(
    client, clerk, meeting, next_meeting
):
    item = meeting.public_minutes.get()
    meeting.approve_minutes(at=next_meeting, by=clerk)
    sign_in(client, clerk, verified=True)
    url = f"{_base(meeting)}/minutes/{item.pk}/"
    page = client.get(url).content.decode()
    assert "can no longer be changed" in page and "new item in the minutes of a later" in page
    assert "<textarea" not in page  # no form to fill in for nothing
    response = client.post(url, {"heading": "Pupil premium", "text": NEW_WORDS})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="alert error-summary"' in page and "can no longer be changed" in page
    assert "MARKERCORRECTED81" in page  # what was typed is kept
    item.refresh_from_db()
    assert item.text == PUBLIC_MINUTE
    page = client.post(f"{url}delete/", follow=True).content.decode()
    assert "can no longer be changed" in page
    assert meeting.public_minutes.filter(pk=item.pk).exists()
    # And the meeting page offers no change.
    page = client.get(f"{_base(meeting)}/").content.decode()
    assert f"/minutes/{item.pk}/" not in page and "/edit/" not in page


@pytest.mark.parametrize("stage", ["approved", "published"])
def test_nothing_changes_once_approved_or_published(
    client, request, clerk, agenda, next_meeting, stage
):
    agenda.approve_minutes(at=next_meeting, by=clerk)
    if stage == "published":
        agenda.publish_minutes(by=clerk)
    before = _snapshot(agenda)
    changes = _every_change(agenda)
    sign_in(client, clerk, verified=True)
    for url, data in changes:
        response = client.post(url, data, follow=True)
        assert "can no longer be changed" in response.content.decode(), url
    assert _snapshot(agenda) == before
    if stage == "published":
        page = client.get(f"{_base(agenda)}/edit/").content.decode()
        assert "are published" in page


def test_a_meeting_that_approved_minutes_stays_later_than_them(clerk, meeting, next_meeting):
    from django.core.exceptions import ValidationError

    meeting.approve_minutes(at=next_meeting, by=clerk)
    with pytest.raises(ValidationError, match="stays a later meeting of the same body"):
        next_meeting.change_details(next_meeting.committee, meeting.held_at, "Hall")
    with pytest.raises(ValidationError):
        next_meeting.change_details("pay", next_meeting.held_at, "Hall")
