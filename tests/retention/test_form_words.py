"""Every form of the retention pages says what is missing in words about the thing, never
Django's generic "This field is required." (the one mechanism: ``says_what_is_missing``)."""

import pytest
from django.urls import reverse

from retention import registry
from retention.forms import HoldForm, ReviewForm, RuleForm
from retention.models import LegalHold
from tests.conftest import sign_in

GENERIC = "This field is required."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make, expected",
    [
        (
            lambda: RuleForm(data={}, kind=registry.kinds["pupil_work"]),
            {
                "years": "Enter how many years the records are kept",
                "action": "Choose what happens when the period has passed",
            },
        ),
        (
            lambda: HoldForm(data={}),
            {
                "scope": "Choose what the hold covers",
                "reason": "Say why the hold is placed: who asked for the records to be kept, "
                "and why",
            },
        ),
        (
            lambda: ReviewForm(data={}),
            {
                "years": "Enter how many more years the record is kept",
                "reason": "Say why the record is still needed",
            },
        ),
    ],
    ids=["rule", "hold", "review"],
)
def test_an_empty_form_says_what_each_missing_thing_is(make, expected):
    form = make()
    assert not form.is_valid()
    assert {name: list(m) for name, m in form.errors.items()} == {
        name: [words] for name, words in expected.items()
    }


def test_an_empty_hold_page_says_what_is_missing_and_nothing_generic(client, head):
    sign_in(client, head, verified=True)
    response = client.post(reverse("retention:place_hold"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose what the hold covers" in page and "Say why the hold is placed" in page
    assert GENERIC not in page
    assert not LegalHold.objects.exists()
