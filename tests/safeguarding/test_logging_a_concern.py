"""Logging a concern (P1, P3, P20, P21): anyone working with children, in two minutes, never
blocked, never lost, never duplicated."""

import base64
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from safeguarding.models import Concern, ConcernAttachment, ConcernDraft
from tests.conftest import sign_in

from .conftest import form_data

URL = "/safeguarding/log/"
# What a member of staff saw, with no words from the child (an observation).
SEEN = "A round bruise on her left arm when she rolled up her sleeve."
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["teacher", "ta", "office", "volunteer", "nurse", "head"])
def test_everyone_working_with_children_may_log(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))
    page = client.get(URL).content.decode()
    assert "You cannot promise to keep it a secret" in page  # P1 guidance
    assert "Never press for more" in page  # P20 guidance


# Governors and the clerk do log concerns (P16): tests/governance/test_governors_report_concerns.py
@pytest.mark.parametrize("persona", ["parent"])
def test_parents_may_not_log(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.post(URL + "draft/", {"category": "physical"}).status_code == 404


def test_the_dsl_logs_without_a_second_factor(client, dsl, pupil):
    """Logging is never blocked by two-factor sign-in (P3)."""
    sign_in(client, dsl)  # not verified
    assert client.get(URL).status_code == 200
    response = client.post(URL, form_data(pupil))
    assert response.status_code == 302
    assert Concern.objects.count() == 1


def test_a_teacher_logs_a_concern_with_a_body_map_mark(client, teacher, pupil, team):
    sign_in(client, teacher)
    response = client.post(
        URL,
        form_data(pupil, bad_time_or_place="on", private_follow_up="Spoke to her at lunch, alone."),
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/safeguarding/mine/{concern.pk}/"
    assert concern.raised_by == teacher
    assert list(concern.students()) == [pupil]
    assert concern.body_map == [{"region": "front-left-arm", "note": "Round bruise, about 3 cm"}]
    assert concern.account == "My dad hit me with a belt."
    assert concern.bad_time_or_place and concern.private_follow_up.startswith("Spoke")  # P21
    assert concern.child_told == Concern.ChildTold.TOLD  # P1


def test_the_childs_words_are_stored_only_as_ciphertext(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL, form_data(pupil))
    with connection.cursor() as cursor:
        cursor.execute("SELECT account, body_map, location FROM safeguarding_concern")
        row = cursor.fetchone()
    assert all(
        "belt" not in value and "bruise" not in value and "Reading" not in value for value in row
    )


def test_the_childs_words_are_never_required(client, teacher, pupil):
    """P20: a concern can be logged with no words from the child at all: only what the member
    of staff saw or heard."""
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, account=SEEN, child_words=""))
    assert response.status_code == 302
    assert Concern.objects.get().account == SEEN


def test_the_childs_own_words_are_kept_with_what_was_seen(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL, form_data(pupil, account=SEEN, child_words="Daddy squeezed my arm."))
    assert (
        Concern.objects.get().account
        == f"{SEEN}\n\nThe child's own words: “Daddy squeezed my arm.”"
    )


def test_the_p1_question_is_asked_with_a_true_answer_for_every_situation(client, teacher):
    sign_in(client, teacher)
    page = client.get(URL).content.decode()
    assert 'type="radio" name="child_told"' in page
    for choice in Concern.ChildTold:
        assert f'value="{choice.value}"' in page
    assert 'type="checkbox" name="child_told"' not in page  # never a box to tick untruthfully


@pytest.mark.parametrize("answer", list(Concern.ChildTold))
def test_the_report_is_sent_whatever_the_child_was_told(client, teacher, pupil, answer):
    """P1 never blocks P3: an observation, or a child not yet told, is sent like any other."""
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, child_told=answer.value, account=SEEN))
    assert response.status_code == 302
    assert Concern.objects.get().child_told == answer


def test_an_observation_is_sent_without_claiming_the_child_was_told(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL, form_data(pupil, child_told="observation", account=SEEN))
    concern = Concern.objects.get()
    assert concern.child_told == Concern.ChildTold.OBSERVATION
    assert concern.child_told_summary == "Nothing was disclosed by the child (an observation)"


def test_the_p1_answer_is_asked_for_and_nothing_typed_is_lost(client, teacher, pupil):
    """P1: the author says what the child was told; forgetting to answer loses nothing."""
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, child_told=None))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose one answer about what the child was told" in page
    assert "My dad hit me with a belt." in page
    assert ConcernDraft.objects.filter(author=teacher).exists()
    assert not Concern.objects.exists()


def test_an_answer_that_is_not_one_of_the_three_is_refused(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, child_told="on"))
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_the_author_is_reminded_to_tell_the_child_later(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, child_told="not_yet"))
    page = client.get(response["Location"]).content.decode()
    assert "Not yet — I will tell the child when we next speak" in page
    assert "When you next speak, tell the child" in page


def test_a_restored_draft_keeps_the_p1_answer(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL + "draft/", form_data(pupil, child_told="observation"))
    page = client.get(URL).content.decode()
    assert 'value="observation" required id="id_child_told_1" checked' in page
    assert 'value="told" required id="id_child_told_0">' in page


def test_submitting_twice_creates_one_concern(client, teacher, pupil):
    sign_in(client, teacher)
    data = form_data(pupil)
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Concern.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_someone_elses_form_key_reveals_nothing(client, teacher, other_teacher, pupil):
    key = uuid.uuid4()
    sign_in(client, teacher).post(URL, form_data(pupil, key=key))
    sign_in(client, other_teacher)
    response = client.post(URL, form_data(pupil, key=key))
    assert response.status_code == 302 and response["Location"] == URL
    assert Concern.objects.count() == 1


def test_an_error_keeps_everything_typed_and_saves_a_draft(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, category=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "My dad hit me with a belt." in page
    assert "Round bruise, about 3 cm" in page
    assert "Everything you typed has been kept" in page
    draft = ConcernDraft.objects.get(author=teacher)
    assert draft.payload["account"] == ["My dad hit me with a belt."]


def test_reopening_the_form_restores_the_draft(client, teacher, pupil):
    sign_in(client, teacher)
    key = uuid.uuid4()
    client.post(URL + "draft/", form_data(pupil, key=key, account="She said she is hungry."))
    page = client.get(URL).content.decode()
    assert "We restored the concern you had started" in page
    assert "She said she is hungry." in page
    assert str(key) in page  # the same form: submitting it still creates one concern
    # The child chosen before is chosen again (a hidden id under their name).
    assert f'name="students-0-student" value="{pupil.pk}"' in page


def test_the_draft_is_encrypted_and_goes_once_the_concern_is_sent(client, teacher, pupil):
    sign_in(client, teacher)
    data = form_data(pupil, account="She said she is hungry.")
    assert client.post(URL + "draft/", data).json()["saved"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM safeguarding_concerndraft")
        assert "hungry" not in cursor.fetchone()[0]
    client.post(URL, data)
    assert not ConcernDraft.objects.exists()
    # A late autosave of the sent form does not bring it back.
    assert client.post(URL + "draft/", data).json()["saved"] is False
    assert "We restored" not in client.get(URL).content.decode()


def test_a_draft_can_be_discarded(client, teacher, pupil):
    sign_in(client, teacher)
    client.post(URL + "draft/", form_data(pupil))
    client.post(URL + "draft/discard/")
    assert not ConcernDraft.objects.exists()


def test_a_photo_is_attached_encrypted(client, teacher, pupil):
    sign_in(client, teacher)
    upload = SimpleUploadedFile("note.png", PNG, content_type="image/png")
    client.post(URL, {**form_data(pupil), "attachments": upload})
    attachment = ConcernAttachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert attachment.content == PNG
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM safeguarding_concernattachment")
        assert "note.png" not in cursor.fetchone()[0]


def test_a_file_that_is_not_a_photo_or_pdf_is_refused(client, teacher, pupil):
    sign_in(client, teacher)
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not really", content_type="image/png")
    response = client.post(URL, {**form_data(pupil), "attachments": upload})
    assert response.status_code == 400
    assert "is not a photo" in response.content.decode()
    assert not Concern.objects.exists()


def test_at_least_one_child_is_needed(client, teacher, pupil):
    sign_in(client, teacher)
    response = client.post(URL, form_data(pupil, **{"students-0-student": ""}))
    assert "Choose the child this is about" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_volunteer_who_has_not_signed_the_agreement_can_still_report(client, volunteer, pupil):
    """Reporting is never blocked (P3), not even by the confidentiality agreement (P11)."""
    from confidentiality.models.agreements import ConfidentialityAgreement

    ConfidentialityAgreement.publish("Keep what you see in class to yourself.")
    sign_in(client, volunteer, agreed=False)
    assert client.get("/safeguarding/mine/").status_code == 302  # other pages wait for it
    assert client.get(URL).status_code == 200
    # Until they sign, there is no list of children to choose from: they name the child.
    typed = form_data(pupil, **{"students-0-student": "", "child_named": "Maya, 3 Oak"})
    assert client.post(URL + "draft/", typed).status_code == 200
    response = client.post(URL, typed)
    assert client.get(response["Location"]).status_code == 200
    assert Concern.objects.filter(raised_by=volunteer).count() == 1
