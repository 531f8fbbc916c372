"""Reporting is never blocked (P3): a volunteer or a school nurse who has not yet signed the
confidentiality agreement (P11, P25) can still raise a concern about an adult and ask the
safeguarding team for advice, and sees the page each form leads to. Everything else stays behind
the agreement."""

import uuid

import pytest
from django.utils import timezone

from confidentiality.models import ConfidentialityAgreement
from safeguarding.models import AdviceRequest, Concern
from tests.conftest import sign_in


@pytest.fixture(autouse=True)
def agreement(db):
    return ConfidentialityAgreement.objects.current() or ConfidentialityAgreement.publish(
        "Keep what you learn about children to yourself."
    )


@pytest.mark.parametrize("persona", ["volunteer", "nurse"])
def test_an_unsigned_person_raises_a_concern_about_an_adult(
    client, request, persona, other_teacher, dsl, head
):
    person = request.getfixturevalue(persona)
    sign_in(client, person, agreed=False)
    assert client.get("/safeguarding/adults/log/").status_code == 200
    response = client.post(
        "/safeguarding/adults/log/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "person": str(other_teacher.pk),
            "nature": "low_level",
            "category": "other",
            "urgency": "routine",
            "account": "He shouts at the children in the corridor.",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "location": "Corridor",
        },
    )
    concern = Concern.objects.about_adults().get(raised_by=person)
    assert response.status_code == 302
    assert response["Location"] == f"/safeguarding/mine/{concern.pk}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("persona", ["volunteer", "nurse"])
def test_an_unsigned_person_asks_for_advice(client, request, persona, dsl):
    person = request.getfixturevalue(persona)
    sign_in(client, person, agreed=False)
    assert client.get("/safeguarding/advice/ask/").status_code == 200
    response = client.post("/safeguarding/advice/ask/", {"question": "Is this a worry?"})
    assert response.status_code == 302
    assert response["Location"] == "/safeguarding/advice/mine/"
    advice = AdviceRequest.objects.get(asked_by=person)
    page = client.get(response["Location"])
    assert page.status_code == 200 and advice.reference in page.content.decode()


@pytest.mark.parametrize("persona", ["volunteer", "nurse"])
def test_everything_else_still_waits_for_the_signature(client, request, persona, pupil):
    sign_in(client, request.getfixturevalue(persona), agreed=False)
    for path in ("/", "/safeguarding/training/mine/", f"/records/students/{pupil.pk}/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/agreement/")


def test_someone_who_may_not_log_concerns_is_still_refused(client, parent):
    sign_in(client, parent, agreed=False)
    assert client.get("/safeguarding/adults/log/").status_code == 404
    assert client.get("/safeguarding/advice/ask/").status_code == 404
    assert client.get("/safeguarding/advice/mine/").status_code == 404
