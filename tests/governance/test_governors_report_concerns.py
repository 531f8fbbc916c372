"""P16: every adult reports. Governors and the clerk log a concern like anyone working with
children; having no class and seeing no child's record, they name the child in words (never a
list of the school's children), and the concern reaches the DSL like any other."""

import uuid

import pytest
from django.utils import timezone

from safeguarding.models import Alert, Concern
from tests.conftest import sign_in

URL = "/safeguarding/log/"


def _typed(**overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "students-TOTAL_FORMS": "1",
        "students-INITIAL_FORMS": "0",
        "students-MIN_NUM_FORMS": "0",
        "students-MAX_NUM_FORMS": "1000",
        "students-0-student": "",
        "students-0-part": "",
        "marks-TOTAL_FORMS": "0",
        "marks-INITIAL_FORMS": "0",
        "marks-MIN_NUM_FORMS": "0",
        "marks-MAX_NUM_FORMS": "1000",
        "category": "neglect",
        "urgency": "routine",
        "child_named": "A boy in Year 4, I think called Sam",
        "account": "He told me at the school fair he had not eaten since yesterday.",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "location": "School fair",
        "child_told": "told",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["governor", "clerk"])
def test_a_governor_or_the_clerk_logs_a_concern_and_the_dsl_gets_it(
    client, request, persona, dsl, pupil
):
    person = request.getfixturevalue(persona)
    sign_in(client, person)
    form = client.get(URL)
    assert form.status_code == 200
    page = form.content.decode()
    assert "name and class" in page and 'name="child_named"' in page
    # No list of the school's children for a governor (P16).
    assert pupil.last_name not in page and str(pupil.pk) not in page
    response = client.post(URL, _typed())
    concern = Concern.objects.get(raised_by=person)
    assert response.status_code == 302
    assert response["Location"] == f"/safeguarding/mine/{concern.pk}/"
    assert "I think called Sam" in concern.account
    # It reaches the DSL at once, as every concern does (P3).
    assert Alert.objects.for_user(dsl).filter(kind=Alert.Kind.NEW_CONCERN).exists()
    sign_in(client, dsl, verified=True)
    assert concern.reference in client.get("/safeguarding/concerns/").content.decode()


def test_the_child_must_be_named_in_words(client, governor, dsl):
    sign_in(client, governor)
    response = client.post(URL, _typed(child_named=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "name and class, or describe them" in page
    assert "had not eaten since yesterday" in page  # nothing typed is lost
    assert not Concern.objects.exists()


def test_a_parent_still_may_not_log(client, parent):
    sign_in(client, parent)
    assert client.get(URL).status_code == 404
