"""Every form of subject access says what is missing in words about the thing, never Django's
generic "This field is required." (the one mechanism: ``says_what_is_missing``)."""

import pytest
from django.urls import reverse

from subject_access.forms import DecisionForm, DetailsForm, ExtensionForm, MarkForm, RequestForm
from subject_access.models import SubjectAccessRequest
from tests.conftest import sign_in

GENERIC = "This field is required."

EXPECTED = {
    RequestForm: {
        "student": "Choose the child whose file is asked for",
        "relation": "Choose who is asking",
        "requester_name": "Enter the name of the person asking",
        "received_on": "Enter the date the request was received",
        "identity_checked": "Say whether their identity has been checked",
        "handled_by": "Choose who handles the request",
    },
    ExtensionForm: {
        "months": "Choose how many months to extend the deadline by",
        "reason": "Write why the request is complex",
    },
    DecisionForm: {"included": "Choose whether to send this item or withhold it"},
    MarkForm: {
        "phrase": "Enter the words to redact",
        "reason": "Choose whose information it is",
        "where": "Choose where to redact the words",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", list(EXPECTED), ids=lambda c: c.__name__)
def test_an_empty_form_says_what_each_missing_thing_is(form_class):
    form = form_class(data={})
    assert not form.is_valid()
    errors = {name: list(messages) for name, messages in form.errors.items()}
    assert errors == {name: [words] for name, words in EXPECTED[form_class].items()}


@pytest.mark.django_db
def test_the_details_form_has_the_same_words_without_the_child():
    form = DetailsForm(data={})
    assert not form.is_valid()
    assert "student" not in form.errors
    assert form.errors["received_on"] == ["Enter the date the request was received"]
    assert GENERIC not in str(form.errors)


def test_an_empty_request_page_says_what_is_missing_and_nothing_generic(client, school, dsl):
    sign_in(client, dsl, verified=True)
    response = client.post(reverse("subject_access:log"), {"requester_name": "Rachel Quinn"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the child whose file is asked for" in page
    assert "Enter the date the request was received" in page
    assert GENERIC not in page
    assert 'value="Rachel Quinn"' in page
    assert not SubjectAccessRequest.objects.exists()
