"""P15: photographs are not used without parental consent — given or withdrawn per purpose by a
parent with parental responsibility; staff see who must not be photographed; a use is refused
without consent for every child in it."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from records.models import ParentLink, PhotoConsent, PhotoUse
from tests.conftest import sign_in

from .conftest import access_entries


def consent_url(student):
    return f"/portal/children/{student.pk}/photographs/"


def decide(client, student, purpose, given):
    return client.post(
        consent_url(student), {"purpose": purpose, "given": "yes" if given else "no"}
    )


# --- parents decide ------------------------------------------------------------------------------


def test_a_parent_gives_and_withdraws_consent_with_date_and_who(client, parent, child):
    sign_in(client, parent)
    assert decide(client, child, "website", True).status_code == 302
    consent = PhotoConsent.objects.get(student=child, purpose="website")
    assert consent.given and consent.decided_by == parent and consent.decided_at
    decide(client, child, "website", False)
    consent.refresh_from_db()
    assert consent.given is False
    # the change log keeps the earlier decision
    changes = LogEntry.objects.get_for_object(consent).exclude(action=LogEntry.Action.ACCESS)
    assert changes.count() == 2


def test_each_consent_page_visit_is_audited_once(client, parent, child):
    sign_in(client, parent)
    client.get(consent_url(child))
    assert access_entries(child).count() == 1


def test_no_answer_means_no_consent(client, parent, child):
    page = sign_in(client, parent).get(consent_url(child)).content.decode()
    assert "Not given (no answer yet)" in page
    assert "Give consent" in page


def test_without_parental_responsibility_a_carer_neither_sees_nor_decides(client, make_user, child):
    from confidentiality.roles import Role

    grandparent = make_user("grandparent", Role.PARENT)
    ParentLink.objects.create(
        parent=grandparent,
        student=child,
        relationship=ParentLink.Relationship.GRANDPARENT,
        parental_responsibility=False,
    )
    sign_in(client, grandparent)
    # Second review, 5: consent is for those with parental responsibility to see and decide.
    assert client.get(consent_url(child)).status_code == 404
    assert decide(client, child, "website", True).status_code == 404
    assert not PhotoConsent.objects.exists()


def test_a_parent_cannot_decide_for_another_child(client, parent, child, other_child):
    sign_in(client, parent)
    assert decide(client, other_child, "website", True).status_code == 404
    assert not PhotoConsent.objects.filter(student=other_child).exists()


def test_decide_refuses_anyone_without_responsibility(teacher, child):
    with pytest.raises(ValidationError):
        PhotoConsent.decide(student=child, purpose="website", given=True, by=teacher)


def test_staff_cannot_use_the_portal_consent_page(client, teacher, child):
    assert sign_in(client, teacher).get(consent_url(child)).status_code == 404


# --- staff: who must not be photographed, and recording a use ------------------------------------


@pytest.fixture
def consents(child, other_child, parent, other_parent):
    PhotoConsent.decide(student=child, purpose="website", given=True, by=parent)
    PhotoConsent.decide(student=other_child, purpose="website", given=False, by=other_parent)
    PhotoConsent.decide(student=other_child, purpose="displays", given=True, by=other_parent)


def class_url(group, purpose="website"):
    return f"/records/classes/{group.pk}/photographs/?purpose={purpose}"


def test_the_class_page_lists_who_must_not_be_photographed(client, teacher, oak, consents):
    response = sign_in(client, teacher).get(class_url(oak))
    page = response.content.decode()
    assert response.status_code == 200
    lacking = page.split('id="lacking"')[1].split("</ul>")[0]
    assert "Ella Walsh" in lacking and "Ravi Patel" not in lacking
    displays = client.get(class_url(oak, "displays")).content.decode()
    lacking = displays.split('id="lacking"')[1].split("</ul>")[0]
    assert "Ravi Patel" in lacking and "Ella Walsh" not in lacking
    assert access_entries(oak).count() == 2  # one per request


def test_the_class_page_ladder(client, other_teacher, parent, oak, consents):
    assert client.get(class_url(oak)).status_code == 302
    assert sign_in(client, other_teacher).get(class_url(oak)).status_code == 404
    assert sign_in(client, parent).get(class_url(oak)).status_code == 404
    assert not access_entries().exists()


def test_a_use_is_refused_naming_who_lacks_consent(
    client, teacher, oak, child, other_child, consents
):
    response = sign_in(client, teacher).post(
        class_url(oak),
        {
            "description": "Sports day relay",
            "purpose": "website",
            "used_on": "2027-06-01",
            "students": [child.pk, other_child.pk],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "no parental consent for Ella Walsh" in page
    assert 'value="Sports day relay"' in page
    assert not PhotoUse.objects.exists()


def test_a_use_with_consent_for_everyone_is_recorded(client, teacher, oak, child, consents):
    response = sign_in(client, teacher).post(
        class_url(oak),
        {
            "description": "Maths display",
            "purpose": "website",
            "used_on": "2027-06-01",
            "students": [child.pk],
        },
    )
    assert response.status_code == 302
    use = PhotoUse.objects.get()
    assert list(use.students.all()) == [child] and use.recorded_by == teacher


def test_photo_use_record_refuses_a_child_nobody_answered_for(teacher, child, student_factory):
    unanswered = student_factory(first_name="Nobody", last_name="Answered")
    PhotoConsent.objects.create(student=child, purpose="press", given=True)
    with pytest.raises(ValidationError, match="Nobody Answered"):
        PhotoUse.record(
            purpose="press", students=[child, unanswered], description="Paper", by=teacher
        )
    assert PhotoUse.record(purpose="press", students=[child], description="Paper", by=teacher)


def test_withdrawing_consent_stops_future_uses(parent, teacher, child):
    PhotoConsent.decide(student=child, purpose="press", given=True, by=parent)
    PhotoUse.record(purpose="press", students=[child], description="Fair", by=teacher)
    PhotoConsent.decide(student=child, purpose="press", given=False, by=parent)
    with pytest.raises(ValidationError):
        PhotoUse.record(purpose="press", students=[child], description="Fair 2", by=teacher)
