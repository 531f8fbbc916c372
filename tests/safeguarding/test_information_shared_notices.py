"""P2: the notice "we have shared information about your child" tells whoever reads it that the
safeguarding team referred the child to another agency. Staff who teach or support the child see
the family's ordinary messages but not that one (only the safeguarding team does); in the portal
and by email it reaches only those with parental responsibility, never a contact without it (who
may be the very adult the referral is about)."""

import pytest
from django.core import mail

from records.models import FamilyNotice, ParentLink, SupportAssignment
from safeguarding import information_sharing
from safeguarding.models import InformationShare
from tests.conftest import sign_in

TITLE = "We have shared information about Maya"


@pytest.fixture
def mother(pupil, parent):
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    return parent


@pytest.fixture
def contact(pupil, make_user):
    """An emergency contact without parental responsibility (e.g. mum's partner)."""
    from confidentiality.roles import Role

    person = make_user("partner", Role.PARENT)
    ParentLink.objects.create(
        parent=person,
        student=pupil,
        relationship="step_parent",
        parental_responsibility=False,
        contact_priority=2,
    )
    return person


@pytest.fixture
def shared(raise_concern, teacher, team, dsl, pupil, mother, contact):
    FamilyNotice(student=pupil, title="Trip to the museum", body="Bring a packed lunch.").save()
    concern = raise_concern(teacher, [pupil])
    mail.outbox.clear()
    share = InformationShare(
        concern=concern,
        student=pupil,
        agency="Children's social care",
        recipient="J. Harper",
        what_was_shared="The account.",
        lawful_basis="6_1_e",
        student_told=True,
        parents_told=True,
    )
    return share


def record(share, dsl, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        information_sharing.record_share(share, by=dsl)


def staff_page(client, user, pupil, verified=False):
    response = sign_in(client, user, verified=verified).get(f"/records/students/{pupil.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_share_notice_is_kept_with_the_share(shared, dsl, django_capture_on_commit_callbacks):
    """H3: not a records notice (a row joining the child to "information shared")."""
    record(shared, dsl, django_capture_on_commit_callbacks)
    shared.refresh_from_db()
    assert shared.parent_notice_title == TITLE
    assert FamilyNotice.objects.get().kind == FamilyNotice.Kind.MESSAGE  # only the museum trip


def test_the_childs_teacher_and_ta_do_not_see_it(
    client, shared, dsl, teacher, ta, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    SupportAssignment.objects.create(staff=ta, student=pupil, kind="teaching_assistant")
    for person in (teacher, ta):
        page = staff_page(client, person, pupil)
        assert "Trip to the museum" in page  # the family's ordinary messages: yes
        assert "We have shared information" not in page


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_safeguarding_team_sees_it_on_the_childs_page(
    client, request, persona, shared, dsl, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    page = staff_page(client, request.getfixturevalue(persona), pupil, verified=True)
    assert TITLE in page and "Trip to the museum" in page


def test_a_parent_with_responsibility_reads_it_in_the_portal_and_is_emailed(
    client, shared, dsl, mother, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == [mother.email]
    assert "Maya" not in email.body and "social care" not in email.body
    sign_in(client, mother)
    page = client.get(f"/portal/children/{pupil.pk}/").content.decode()
    assert TITLE in page and "Trip to the museum" in page


def test_a_contact_without_responsibility_neither_reads_it_nor_is_emailed(
    client, shared, dsl, contact, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    assert all(contact.email not in email.to for email in mail.outbox)
    sign_in(client, contact)
    response = client.get(f"/portal/children/{pupil.pk}/")
    assert response.status_code == 200  # they still see the child's name and their own requests
    page = response.content.decode()
    # Without parental responsibility they see no notices at all (only the child's name, their
    # own meeting requests and how to reach the office).
    assert "Trip to the museum" not in page
    assert "We have shared information" not in page and "social care" not in page


# --- reviewer: the notice reached carers linked after it was sent --------------------------------


def portal(client, person, pupil) -> str:
    response = sign_in(client, person).get(f"/portal/children/{pupil.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_carer_linked_after_the_share_does_not_read_it_one_linked_before_does(
    client, shared, dsl, mother, pupil, make_user, django_capture_on_commit_callbacks
):
    from confidentiality.roles import Role
    from records import family_links

    record(shared, dsl, django_capture_on_commit_callbacks)
    later = make_user("foster", Role.PARENT)
    family_links.link_parent(
        parent=later, student=pupil, relationship="foster_carer", parental_responsibility=True
    )
    assert TITLE not in portal(client, later, pupil)
    assert information_sharing.p2_notices(pupil, parent=later) == []
    assert TITLE in portal(client, mother, pupil)  # linked before the share: told
    assert [n.title for n in information_sharing.p2_notices(pupil, parent=mother)] == [TITLE]


def test_a_contact_given_responsibility_after_the_share_does_not_read_it(
    client, shared, dsl, contact, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    link = ParentLink.objects.get(parent=contact, student=pupil)
    link.parental_responsibility = True  # as the contacts import gives it
    link.save()
    assert TITLE not in portal(client, contact, pupil)
    assert information_sharing.p2_notices(pupil, parent=contact) == []


def test_a_parent_who_held_responsibility_keeps_it_after_an_unrelated_change(
    client, shared, dsl, mother, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    link = ParentLink.objects.get(parent=mother, student=pupil)
    since = link.responsibility_since()
    link.contact_priority = 2  # as the contacts import changes it
    link.save()
    assert link.responsibility_since() == since
    assert TITLE in portal(client, mother, pupil)


def test_the_schools_notices_and_the_p2_notice_follow_one_rule(
    shared, dsl, contact, pupil, django_capture_on_commit_callbacks
):
    record(shared, dsl, django_capture_on_commit_callbacks)
    FamilyNotice(
        student=pupil, kind=FamilyNotice.Kind.INFORMATION_SHARED, title="Older", body="."
    ).save()
    link = ParentLink.objects.get(parent=contact, student=pupil)
    assert link.responsibility_since() is None
    link.parental_responsibility = True
    link.save()
    since = link.responsibility_since()
    assert since is not None and since > shared.parents_notified_at
    assert not FamilyNotice.objects.information_shared().for_parent(contact, pupil).exists()
    assert information_sharing.p2_notices(pupil, parent=contact) == []
