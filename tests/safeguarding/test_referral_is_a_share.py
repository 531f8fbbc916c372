"""A referral is an information share (P2): a referral about a child to children's social care,
the police or early help needs the student and the parents told first, or the DSL's reason why
telling them would put the child at risk (the rule every share follows). Once made, it is
recorded as a share: parents with parental responsibility who were told get the content-free
portal notice, and a support action follows. A referral to the LADO (about an adult) is not
preceded by telling the family: the LADO agrees what they are told."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone

from records.models import ParentLink
from safeguarding import information_sharing
from safeguarding.models import Action, InformationShare, Referral
from tests.conftest import sign_in

from .test_concerns_about_adults import raise_about

DETAILS = "Marks on her arm; she says dad grabbed her."
REASON = "Dad is the alleged harmer; telling the family first would put her at risk."


@pytest.fixture
def concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil])


@pytest.fixture
def mother(pupil, parent):
    ParentLink.objects.create(parent=parent, student=pupil, relationship="mother")
    return parent


@pytest.fixture
def partner(pupil, make_user):
    """An emergency contact without parental responsibility: may be the adult referred about."""
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
def dsl_client(client, dsl):
    return sign_in(client, dsl, verified=True)


def referrals_url(concern):
    return f"/safeguarding/concerns/{concern.pk}/referrals/"


def referral(**overrides):
    made = timezone.localtime() - timedelta(hours=1)
    data = {
        "referral-agency": "csc",
        "referral-method": "written",
        "referral-made_at": made.strftime("%Y-%m-%dT%H:%M"),
        "referral-contact": "MASH duty worker",
        "referral-agency_reference": "MASH-7781",
        "referral-details": DETAILS,
        "referral-student_told": "on",
        "referral-parents_told": "on",
        "referral-reason_not_told": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, concern, data, capture):
    with capture(execute=True):
        return client.post(referrals_url(concern), data)


@pytest.mark.parametrize("agency", ["csc", "police", "early_help"])
def test_a_referral_nobody_was_told_about_without_a_reason_is_refused_with_nothing_lost(
    dsl_client, concern, mother, agency, django_capture_on_commit_callbacks, mailoutbox
):
    mailoutbox.clear()
    response = post(
        dsl_client,
        concern,
        referral(
            **{
                "referral-agency": agency,
                "referral-student_told": None,
                "referral-parents_told": None,
            }
        ),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The error sits by the reason's field, and in the summary at the top that links to it.
    assert 'id="error-summary"' in page and 'href="#id_referral-reason_not_told"' in page
    assert 'id="id_referral-reason_not_told_error"' in page
    assert "The student and the parents must be told first" in page
    # Everything typed is still there.
    assert DETAILS in page and "MASH duty worker" in page and "MASH-7781" in page
    assert not Referral.objects.exists() and not InformationShare.objects.exists()
    assert not Action.objects.filter(concern=concern).exists()
    assert information_sharing.p2_notices(concern.students().get(), parent=mother) == []
    assert mailoutbox == []


def test_a_referral_where_only_the_student_was_told_is_refused(
    dsl_client, concern, django_capture_on_commit_callbacks
):
    data = referral(**{"referral-parents_told": None})
    response = post(dsl_client, concern, data, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_the_model_refuses_it_too(concern, dsl):
    from django.core.exceptions import ValidationError

    untold = Referral(concern=concern, agency=Referral.Agency.POLICE, made_by=dsl)
    untold.student_told = untold.parents_told = False
    with pytest.raises(ValidationError) as refused:
        information_sharing.record_referral(untold, by=dsl)
    assert "reason_not_told" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_told_parents_with_responsibility_get_the_content_free_notice_and_a_support_action(
    dsl_client,
    dsl,
    concern,
    pupil,
    mother,
    partner,
    django_capture_on_commit_callbacks,
    mailoutbox,
    client,
):
    mailoutbox.clear()
    response = post(dsl_client, concern, referral(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    made = Referral.objects.get()
    assert made.student_told is True and made.parents_told is True
    share = InformationShare.objects.get()
    assert share.referral == made and share.student == pupil and share.parents_told
    assert share.agency == "Children's social care" and DETAILS in share.what_was_shared
    # The same notice as any share: with whom, never what.
    [notice] = information_sharing.p2_notices(pupil, parent=mother)
    assert "Children's social care" in notice.body
    assert DETAILS not in notice.body + notice.title and "MASH" not in notice.body
    # Only those with parental responsibility: the partner reads nothing and is not emailed.
    assert information_sharing.p2_notices(pupil, parent=partner) == []
    assert [m.to for m in mailoutbox] == [[mother.email]]
    assert DETAILS not in mailoutbox[0].body
    sign_in(client, partner)
    assert (
        "We have shared information"
        not in client.get(f"/portal/children/{pupil.pk}/").content.decode()
    )
    # A support action for the student follows, as after any share.
    support = Action.objects.get(concern=concern)
    assert support.owner == dsl and str(pupil) in support.description


def test_the_reason_is_recorded_encrypted_with_no_notice_and_the_team_reads_it(
    dsl_client, concern, pupil, mother, deputy, client, django_capture_on_commit_callbacks
):
    data = referral(**{"referral-parents_told": None, "referral-reason_not_told": REASON})
    assert post(dsl_client, concern, data, django_capture_on_commit_callbacks).status_code == 302
    made = Referral.objects.get()
    assert made.parents_told is False and made.reason_not_told == REASON
    share = InformationShare.objects.get()
    assert share.reason_not_told == REASON and share.parents_notified_at is None
    assert information_sharing.p2_notices(pupil, parent=mother) == []
    # Encrypted: raw SQL of the referral and its share shows no plaintext, nor does the audit log.
    with connection.cursor() as cursor:
        for table in (Referral._meta.db_table, InformationShare._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            assert "alleged harmer" not in repr(cursor.fetchall())
    for entry in LogEntry.objects.all():
        assert "alleged harmer" not in f"{entry.changes_text} {entry.changes} {entry.object_repr}"
    # The rest of the team reads it on the concern page, and in the child's chronology.
    sign_in(client, deputy, verified=True)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Student: yes; parents: no" in page and REASON in page
    chronology = client.get(f"/safeguarding/children/{pupil.pk}/chronology/").content.decode()
    assert REASON in chronology


def test_a_referral_decided_but_not_made_shares_nothing_until_it_is_made(
    dsl_client, concern, pupil, mother, django_capture_on_commit_callbacks
):
    data = referral(**{"referral-made_at": ""})
    assert post(dsl_client, concern, data, django_capture_on_commit_callbacks).status_code == 302
    made = Referral.objects.get()
    assert not InformationShare.objects.exists()
    assert information_sharing.p2_notices(pupil, parent=mother) == []
    when = timezone.localtime() - timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        dsl_client.post(
            f"{referrals_url(concern)}{made.pk}/",
            {f"ref-{made.pk}-made_at": when.strftime("%Y-%m-%dT%H:%M")},
        )
    assert InformationShare.objects.get().referral == made
    assert len(information_sharing.p2_notices(pupil, parent=mother)) == 1
    # Updated again: still one share, one notice.
    dsl_client.post(f"{referrals_url(concern)}{made.pk}/", {f"ref-{made.pk}-outcome": "NFA."})
    assert InformationShare.objects.count() == 1


def test_a_lado_referral_about_a_child_concern_is_not_held_to_telling_the_family_first(
    dsl_client, concern, pupil, mother, django_capture_on_commit_callbacks
):
    """KCSIE Part 4: the family is told after the LADO agrees what may be said, not before."""
    data = referral(
        **{
            "referral-agency": "lado",
            "referral-student_told": None,
            "referral-parents_told": None,
        }
    )
    assert post(dsl_client, concern, data, django_capture_on_commit_callbacks).status_code == 302
    made = Referral.objects.get()
    assert made.student_told is None and made.parents_told is None
    assert not InformationShare.objects.exists()
    assert information_sharing.p2_notices(pupil, parent=mother) == []
    page = dsl_client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Not asked: the LADO" in page


def test_a_concern_about_an_adult_asks_nothing_of_the_family(
    client, dsl, head, teacher, other_teacher, django_capture_on_commit_callbacks
):
    adult_concern = raise_about(teacher, other_teacher, nature="allegation")
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{adult_concern.pk}/referrals/").content.decode()
    assert "id_referral-agency" in page and "id_referral-parents_told" not in page
    # The allegation's LADO referral, recorded with the concern, is shown as not asked.
    page = client.get(f"/safeguarding/concerns/{adult_concern.pk}/").content.decode()
    assert "Not asked: the LADO" in page
    data = referral(
        **{
            "referral-agency": "police",
            "referral-student_told": None,
            "referral-parents_told": None,
        }
    )
    response = post(client, adult_concern, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    police = Referral.objects.get(agency=Referral.Agency.POLICE)
    assert police.student_told is None and not InformationShare.objects.exists()


def test_a_referral_from_before_the_question_shows_as_not_recorded(dsl_client, concern, dsl):
    Referral(concern=concern, agency=Referral.Agency.EARLY_HELP, made_by=dsl).save()
    page = dsl_client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Not recorded (before this was asked)." in page


@pytest.mark.parametrize("persona", ["teacher", "head", "office", "parent"])
def test_only_the_team_records_a_referral(
    client, request, persona, concern, django_capture_on_commit_callbacks
):
    from .conftest import signed

    sign_in(client, signed(request.getfixturevalue(persona)), verified=persona == "head")
    response = post(client, concern, referral(), django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not Referral.objects.exists() and not InformationShare.objects.exists()
