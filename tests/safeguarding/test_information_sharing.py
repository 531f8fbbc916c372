"""Breaking confidentiality (P2): a share needs the student and parents told first, or the DSL's
reason why telling them would put the child at risk; parents who were told get a portal notice
(never what was shared); a support action for the student follows."""

import pytest
from django.core.exceptions import ValidationError

from records.models import FamilyNotice, ParentLink
from safeguarding import information_sharing
from safeguarding.models import Action, InformationShare
from tests.conftest import sign_in

from .conftest import signed

SECRET = "Disclosed that mum's partner hits her."


@pytest.fixture
def concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil])


@pytest.fixture
def family(pupil, parent):
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    return parent


def share_url(concern):
    return f"/safeguarding/concerns/{concern.pk}/shares/"


def form(pupil, **overrides):
    data = {
        "share-student": str(pupil.pk),
        "share-shared_on": "2026-11-20",
        "share-agency": "Children's social care",
        "share-recipient": "J. Harper, social worker",
        "share-what_was_shared": SECRET,
        "share-lawful_basis": "6_1_e",
        "share-special_category": "9_2_g_sch1_18",
        "share-student_told": "on",
        "share-parents_told": "on",
        "share-reason_not_told": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_model_refuses_a_share_nobody_was_told_about_without_a_reason(concern, pupil, dsl):
    share = InformationShare(
        concern=concern,
        student=pupil,
        agency="Police",
        recipient="PC Jones",
        what_was_shared=SECRET,
        lawful_basis="6_1_d",
        shared_by=dsl,
    )
    with pytest.raises(ValidationError) as refused:
        share.full_clean()
    assert "reason_not_told" in refused.value.message_dict
    share.reason_not_told = "Dad is the alleged harmer; telling him first would put her at risk."
    share.full_clean()  # now allowed


def test_the_model_also_refuses_when_only_the_student_was_told(concern, pupil, dsl):
    share = InformationShare(
        concern=concern,
        student=pupil,
        agency="Police",
        recipient="PC Jones",
        what_was_shared=SECRET,
        lawful_basis="6_1_d",
        shared_by=dsl,
        student_told=True,
    )
    with pytest.raises(ValidationError):
        share.full_clean()


def test_the_form_shows_the_p2_error_and_keeps_what_was_typed(client, dsl, concern, pupil, family):
    sign_in(client, dsl, verified=True)
    response = client.post(share_url(concern), form(pupil, **{"share-parents_told": None}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The student and the parents must be told first" in page
    assert "J. Harper, social worker" in page
    assert not InformationShare.objects.exists()
    assert not FamilyNotice.objects.exists()


def test_told_parents_get_a_portal_notice_without_the_content(
    client, dsl, concern, pupil, family, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, dsl, verified=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(share_url(concern), form(pupil))
    assert response.status_code == 302
    share = InformationShare.objects.get()
    assert share.what_was_shared == SECRET and share.shared_by == dsl
    assert not FamilyNotice.objects.filter(student=pupil).exists()  # H3: kept with the share
    notice = information_sharing.p2_notices(pupil, parent=family)[0]
    assert "Children's social care" in notice.body and "contact" in notice.body
    assert SECRET not in notice.body and SECRET not in notice.title
    # The parent reads it in the portal.
    sign_in(client, family)
    portal = client.get(f"/portal/children/{pupil.pk}/").content.decode()
    assert "to keep them safe" in portal and SECRET not in portal
    assert [m.to for m in mailoutbox] == [[family.email]]
    assert SECRET not in mailoutbox[0].body


def test_no_notice_when_the_parents_were_not_told(client, dsl, concern, pupil, family):
    sign_in(client, dsl, verified=True)
    response = client.post(
        share_url(concern),
        form(
            pupil,
            **{
                "share-parents_told": None,
                "share-reason_not_told": "Mum's partner reads her messages; it would put her "
                "at risk.",
            },
        ),
    )
    assert response.status_code == 302
    assert InformationShare.objects.get().parents_notified_at is None
    assert not FamilyNotice.objects.exists()


def test_a_support_action_for_the_student_follows(client, dsl, concern, pupil, family):
    sign_in(client, dsl, verified=True)
    client.post(share_url(concern), form(pupil))
    action = Action.objects.get(concern=concern)
    assert action.owner == dsl and str(pupil) in action.description
    assert action.due_on > concern.created_at.date()


def test_the_child_must_be_named_in_the_concern(client, dsl, concern, student_factory):
    stranger = student_factory()
    sign_in(client, dsl, verified=True)
    response = client.post(share_url(concern), form(stranger))
    assert response.status_code == 400
    assert not InformationShare.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "head", "office", "parent"])
def test_only_the_team_records_a_share(client, request, persona, concern, pupil):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=persona == "head")
    assert client.post(share_url(concern), form(pupil)).status_code == 404
    assert not InformationShare.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, concern, pupil):
    response = client.post(share_url(concern), form(pupil))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
