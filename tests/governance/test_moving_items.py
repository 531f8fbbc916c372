"""P17: an item moves from the public minutes to the confidential minutes while the minutes are a
draft (audited); approved minutes are not changed; and once published, an item kept confidential
is never made public (refused with a clear message)."""

import pytest
from django.core.exceptions import ValidationError

from governance.models import ConfidentialMinuteItem, PublicMinuteItem
from governance.models.minutes import NEVER_BACK_AFTER_PUBLICATION
from tests.conftest import sign_in

from .conftest import PUBLIC_MINUTE, access_entries


def _move_to_confidential(client, meeting, item):
    url = f"/governors/meetings/{meeting.pk}/minutes/{item.pk}/make-confidential/"
    return client.post(url, follow=True)


def _move_back(client, meeting, item):
    url = f"/governors/meetings/{meeting.pk}/confidential/{item.pk}/make-public/"
    return client.post(url, follow=True)


def test_the_clerk_moves_a_draft_item_to_the_confidential_minutes(client, clerk, meeting):
    item = meeting.public_minutes.get()
    sign_in(client, clerk, verified=True)
    before = access_entries().filter(additional_data__how="minute made confidential").count()
    response = _move_to_confidential(client, meeting, item)
    assert "moved to the confidential minutes" in response.content.decode()
    assert not PublicMinuteItem.objects.filter(meeting=meeting).exists()
    moved = ConfidentialMinuteItem.objects.get(meeting=meeting, number=item.number)
    assert moved.text == PUBLIC_MINUTE and moved.moved_from_public_at is not None
    after = access_entries().filter(additional_data__how="minute made confidential").count()
    assert after == before + 1


def test_a_governor_who_is_not_the_chair_cannot_move_items(client, governor, meeting):
    item = meeting.public_minutes.get()
    sign_in(client, governor)
    url = f"/governors/meetings/{meeting.pk}/minutes/{item.pk}/make-confidential/"
    assert client.post(url).status_code == 404
    assert PublicMinuteItem.objects.filter(pk=item.pk).exists()


def test_an_item_moves_back_while_the_minutes_are_a_draft(client, clerk, meeting):
    item = meeting.confidential_minutes.get()
    sign_in(client, clerk, verified=True)
    response = _move_back(client, meeting, item)
    assert "moved back to the public minutes" in response.content.decode()
    assert meeting.public_minutes.filter(number=item.number).exists()


def test_approved_minutes_are_not_changed(client, clerk, meeting, next_meeting):
    meeting.approve_minutes(at=next_meeting, by=clerk)
    item = meeting.public_minutes.get()
    sign_in(client, clerk, verified=True)
    response = _move_to_confidential(client, meeting, item)
    assert "approved minutes are what the governing body agreed" in response.content.decode()
    assert PublicMinuteItem.objects.filter(pk=item.pk).exists()


def test_never_back_to_public_after_publication(client, clerk, published):
    item = published.confidential_minutes.get()
    with pytest.raises(ValidationError) as refusal:
        item.make_public()
    assert refusal.value.messages == [NEVER_BACK_AFTER_PUBLICATION]
    sign_in(client, clerk, verified=True)
    page = _move_back(client, published, item).content.decode()
    assert "is never made public afterwards" in page
    assert ConfidentialMinuteItem.objects.filter(pk=item.pk).exists()
    assert not published.public_minutes.filter(number=item.number).exists()


def test_the_chair_who_did_not_attend_cannot_move_a_confidential_item(client, chair, meeting):
    """Managing meetings is not enough: moving a confidential item means reading it."""
    item = meeting.confidential_minutes.get()
    sign_in(client, chair, verified=True)
    url = f"/governors/meetings/{meeting.pk}/confidential/{item.pk}/make-public/"
    assert client.post(url).status_code == 404


def test_approval_is_at_a_later_meeting_of_the_same_body(clerk, meeting, next_meeting):
    earlier = type(meeting)(
        held_at=meeting.held_at.replace(year=meeting.held_at.year - 1),
        place="Hall",
        called_by=clerk,
    )
    earlier.save()
    with pytest.raises(ValidationError, match="later meeting of the same body"):
        meeting.approve_minutes(at=earlier, by=clerk)
    meeting.approve_minutes(at=next_meeting, by=clerk)
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at == next_meeting
    assert meeting.minutes_approval_recorded_by == clerk


def test_the_approval_form_records_which_meeting_and_when(client, clerk, meeting, next_meeting):
    sign_in(client, clerk, verified=True)
    url = f"/governors/meetings/{meeting.pk}/approve/"
    response = client.post(url, {"approved_at": ""})
    assert response.status_code == 400
    assert "Choose the meeting that approved these minutes." in response.content.decode()
    response = client.post(url, {"approved_at": str(next_meeting.pk)})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at == next_meeting
    assert meeting.minutes_approval_recorded_at is not None
