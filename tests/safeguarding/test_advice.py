"""Asking for advice (P22): the question reaches the team as an alert and an email naming only
who and when, without opening a concern; the answer reaches the asker; the team can turn it into
a concern, prefilled and linked. Each page has its ladder."""

import pytest
from auditlog.models import LogEntry

from safeguarding import advice
from safeguarding.models import AdviceRequest, Alert, Concern, Notification
from tests.conftest import sign_in

from .conftest import signed

QUESTION = "Maya keeps asking to stay behind after school. Should I worry?"


def accesses(obj):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(obj.pk))


@pytest.fixture
def asked(teacher, pupil, team):
    return advice.ask(teacher, QUESTION, pupil)


def test_asking_reaches_the_team_without_opening_a_concern(
    client, teacher, pupil, dsl, deputy, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/safeguarding/advice/ask/", {"question": QUESTION, "student": pupil.pk}
        )
    assert response.status_code == 302
    request = AdviceRequest.objects.get()
    assert request.question == QUESTION and request.asked_by == teacher
    assert not Concern.objects.exists()
    alerts = Alert.objects.filter(kind=Alert.Kind.ADVICE_REQUESTED)
    assert {a.recipient for a in alerts} == {dsl, deputy}
    assert all(QUESTION not in a.message and "Maya" not in a.message for a in alerts)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([dsl.email, deputy.email])
    for mail in mailoutbox:
        assert QUESTION not in mail.body and "Maya" not in mail.body and str(teacher) in mail.body
    assert Notification.objects.filter(template="advice_requested").count() == 2


def test_a_question_is_required_and_what_was_typed_is_kept(client, teacher, pupil, team):
    sign_in(client, teacher)
    response = client.post("/safeguarding/advice/ask/", {"question": "", "student": pupil.pk})
    assert response.status_code == 400
    assert "Write your question" in response.content.decode()
    assert not AdviceRequest.objects.exists()


def test_the_team_answers_and_the_asker_reads_it(client, dsl, teacher, asked):
    sign_in(client, dsl, verified=True)
    response = client.post(
        f"/safeguarding/advice/{asked.pk}/", {"answer": "Yes – log a concern today, please."}
    )
    assert response.status_code == 302
    assert Alert.objects.filter(recipient=teacher, kind=Alert.Kind.ADVICE_ANSWERED).exists()
    sign_in(client, teacher)
    listing = client.get("/safeguarding/advice/mine/").content.decode()
    assert "Answered" in listing
    page = client.get(f"/safeguarding/advice/mine/{asked.pk}/").content.decode()
    assert "Yes – log a concern today, please." in page and QUESTION in page


def test_an_empty_answer_is_refused(client, dsl, asked):
    sign_in(client, dsl, verified=True)
    response = client.post(f"/safeguarding/advice/{asked.pk}/", {"answer": ""})
    assert response.status_code == 400
    asked.refresh_from_db()
    assert asked.answered_at is None


def test_the_conversion_form_is_prefilled(client, dsl, asked, pupil):
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/advice/{asked.pk}/").content.decode()
    assert QUESTION in page
    assert f'<option value="{pupil.pk}" selected>' in page


def test_the_team_turns_it_into_a_linked_concern_once(client, dsl, teacher, asked, pupil):
    sign_in(client, dsl, verified=True)
    data = {
        "student": pupil.pk,
        "category": "emotional",
        "urgency": "routine",
        "account": QUESTION,
        "happened_at": "2026-11-20T10:00",
        "location": "Classroom",
    }
    response = client.post(f"/safeguarding/advice/{asked.pk}/concern/", data)
    concern = Concern.objects.get()
    assert response.status_code == 302 and str(concern.pk) in response["Location"]
    asked.refresh_from_db()
    assert asked.concern == concern
    assert concern.raised_by == teacher and concern.account == QUESTION
    assert list(concern.students()) == [pupil]
    # A second submit creates nothing new.
    client.post(f"/safeguarding/advice/{asked.pk}/concern/", data)
    assert Concern.objects.count() == 1
    # The asker sees it became a concern and may follow its status.
    sign_in(client, teacher)
    assert "Became a concern" in client.get("/safeguarding/advice/mine/").content.decode()
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 200


# --- ladders -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, asked):
    for path in [
        "/safeguarding/advice/ask/",
        "/safeguarding/advice/mine/",
        f"/safeguarding/advice/mine/{asked.pk}/",
        "/safeguarding/advice/",
        f"/safeguarding/advice/{asked.pk}/",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


# Governors may ask, as anyone who may log a concern (P16).
@pytest.mark.parametrize("persona", ["parent"])
def test_parents_cannot_ask(client, request, persona):
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get("/safeguarding/advice/ask/").status_code == 404
    assert client.get("/safeguarding/advice/mine/").status_code == 404


@pytest.mark.parametrize("persona", ["ta", "volunteer", "nurse"])
def test_anyone_who_may_log_a_concern_may_ask(client, request, persona, team):
    sign_in(client, signed(request.getfixturevalue(persona)))
    assert client.get("/safeguarding/advice/ask/").status_code == 200


@pytest.mark.parametrize("persona", ["other_teacher", "head", "office", "parent"])
def test_nobody_else_reads_the_question(client, request, persona, asked):
    sign_in(client, signed(request.getfixturevalue(persona)), verified=persona == "head")
    assert client.get(f"/safeguarding/advice/mine/{asked.pk}/").status_code == 404
    assert client.get(f"/safeguarding/advice/{asked.pk}/").status_code == 404
    assert client.post(f"/safeguarding/advice/{asked.pk}/concern/").status_code == 404
    assert not accesses(asked).exists()


def test_the_asker_cannot_answer_or_convert_their_own(client, teacher, asked):
    sign_in(client, teacher)
    assert client.get(f"/safeguarding/advice/{asked.pk}/").status_code == 404
    assert client.get("/safeguarding/advice/").status_code == 404


def test_the_asker_reads_their_own_audited_once(client, teacher, asked):
    sign_in(client, teacher)
    assert client.get(f"/safeguarding/advice/mine/{asked.pk}/").status_code == 200
    assert accesses(asked).count() == 1


@pytest.mark.parametrize("persona", ["dsl", "deputy"])
def test_the_team_opens_it_verified_and_audited_once(client, request, persona, asked):
    user = request.getfixturevalue(persona)
    sign_in(client, user)
    response = client.get(f"/safeguarding/advice/{asked.pk}/")
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    sign_in(client, user, verified=True)
    assert asked.reference in client.get("/safeguarding/advice/").content.decode()
    assert client.get(f"/safeguarding/advice/{asked.pk}/").status_code == 200
    assert accesses(asked).count() == 1
