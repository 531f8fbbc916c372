"""A contact without parental responsibility (an emergency contact, a childminder) sees in the
portal the child's name, how to reach the school and their own requests to meet; nothing else
(second review, 5). Each adult reads only their own meeting requests and replies."""

# ruff: noqa: F811  (the records fixtures ``child`` and ``learning`` are imported below)

import pytest

from confidentiality.roles import Role
from records.models import (
    DiscussionPermission,
    FamilyNotice,
    MeetingRequest,
    ParentLink,
    PhotoConsent,
)
from tests.conftest import sign_in
from tests.records.conftest import access_entries, child, learning  # noqa: F401 (fixtures)

MOTHERS_REQUEST = "Reading at home with Ravi"
FATHERS_REQUEST = "Worried about the contact arrangements"
TOPIC = "New hearing aids for Ravi"
MESSAGE = "Sports day moves to Friday"
REPLY = "Tuesday at 3.30pm in the library"


@pytest.fixture
def family(child, parent, make_user, teacher, oak, learning):
    """``child``: ``parent`` (the mother, with parental responsibility), a father with it too,
    and a childminder without it; the school's messages, a permission asked, and requests."""
    father = make_user("father", Role.PARENT)
    ParentLink.objects.create(
        parent=father, student=child, relationship=ParentLink.Relationship.FATHER
    )
    childminder = make_user("childminder", Role.PARENT)
    ParentLink.objects.create(
        parent=childminder,
        student=child,
        relationship=ParentLink.Relationship.OTHER,
        parental_responsibility=False,
        contact_priority=3,
    )
    PhotoConsent.decide(student=child, purpose="website", given=True, by=parent)
    DiscussionPermission(
        student=child, teaching_group=oak, topic=TOPIC, requested_by=teacher
    ).save()
    FamilyNotice(student=child, title=MESSAGE, body="Bring a hat.", sent_by=teacher).save()
    mine = MeetingRequest(
        student=child, requested_by=parent, topic=MOTHERS_REQUEST, preferred_times="Tuesday"
    )
    mine.save()
    mine.answer(by=teacher, status=MeetingRequest.Status.ARRANGED, reply=REPLY)
    MeetingRequest(
        student=child, requested_by=father, topic=FATHERS_REQUEST, preferred_times="Any"
    ).save()
    MeetingRequest(
        student=child, requested_by=childminder, topic="Pick-up times", preferred_times="Mon"
    ).save()
    return {"mother": parent, "father": father, "childminder": childminder}


def child_page(client, child):
    return client.get(f"/portal/children/{child.pk}/")


def test_a_parent_with_responsibility_sees_the_learning_and_only_their_own_requests(
    client, family, child
):
    sign_in(client, family["mother"])
    response = child_page(client, child)
    page = response.content.decode()
    assert response.status_code == 200
    assert "27/30 for Ravi" in page and "Ravi reads fluently." in page
    assert "Volcano diagram" in page and MESSAGE in page
    assert "School website" in page  # the consent table
    assert "/portal/permissions/" in page
    assert MOTHERS_REQUEST in page and REPLY in page
    assert FATHERS_REQUEST not in page and "Pick-up times" not in page


def test_a_contact_without_responsibility_sees_the_name_and_their_own_requests_only(
    client, family, child
):
    sign_in(client, family["childminder"])
    response = child_page(client, child)
    page = response.content.decode()
    assert response.status_code == 200
    assert str(child) in page and "Pick-up times" in page
    assert "Ask to meet" in page and "contact the" in page
    for hidden in (
        "27/30 for Ravi",
        "Ravi reads fluently.",
        "Volcano diagram",
        MESSAGE,
        "School website",
        "/portal/permissions/",
        "/portal/work/",
        MOTHERS_REQUEST,
        REPLY,
        FATHERS_REQUEST,
    ):
        assert hidden not in page, hidden
    assert access_entries(child).count() == 1


def test_a_contact_without_responsibility_gets_404_on_every_other_portal_page(
    client, family, child, learning
):
    permission = DiscussionPermission.objects.get()
    _, _, work = learning
    sign_in(client, family["childminder"])
    for url in (
        f"/portal/children/{child.pk}/photographs/",
        f"/portal/permissions/{permission.pk}/",
        f"/portal/work/{work.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/portal/permissions/{permission.pk}/", {"granted": "yes"}).status_code == (
        404
    )
    assert not access_entries(permission).exists()
    assert TOPIC not in str(client.get(f"/portal/permissions/{permission.pk}/").content)


def test_a_parent_with_responsibility_opens_those_pages(client, family, child, learning):
    permission = DiscussionPermission.objects.get()
    _, _, work = learning
    sign_in(client, family["father"])
    assert client.get(f"/portal/children/{child.pk}/photographs/").status_code == 200
    response = client.get(f"/portal/permissions/{permission.pk}/")
    assert response.status_code == 200 and TOPIC in response.content.decode()
    assert client.get(f"/portal/work/{work.pk}/").status_code == 200


def test_a_contact_without_responsibility_may_still_ask_to_meet(client, family, child):
    sign_in(client, family["childminder"])
    assert client.get(f"/portal/children/{child.pk}/ask-to-meet/").status_code == 200
    response = client.post(
        f"/portal/children/{child.pk}/ask-to-meet/",
        {"topic": "Collecting Ravi early", "preferred_times": "Friday", "details": ""},
    )
    assert response.status_code == 302
    assert "Collecting Ravi early" in child_page(client, child).content.decode()
