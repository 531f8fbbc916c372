"""The label of "Why telling them would put the child at risk" tells the truth in every state.

The reason is needed unless the student and the parents were both told first (and, for a
referral, unless it goes to the LADO). So on a form not yet sent its label says when it is
needed; sent back with a box unticked it is needed, and says no "(optional)"; sent back with
both ticked (or to the LADO) it is optional, and says so. Only ever one mark."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.forms.casework import ToldFirstForm
from tests.conftest import sign_in

WHEN = "needed unless the student and the parents were both told first"


@pytest.fixture
def concern(raise_concern, teacher, pupil, team):
    return raise_concern(teacher, [pupil])


@pytest.fixture
def dsl_client(client, dsl):
    return sign_in(client, dsl, verified=True)


def label_of(page: str, field_id: str) -> str:
    """The words of the label of ``field_id``, tags taken out."""
    found = re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S)
    assert found, f"no label for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def referral(**overrides):
    data = {
        "referral-agency": "csc",
        "referral-method": "phone",
        "referral-made_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "referral-student_told": "on",
        "referral-parents_told": "on",
        "referral-reason_not_told": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def share(pupil, **overrides):
    data = {
        "share-student": str(pupil.pk),
        "share-shared_on": "2026-11-20",
        "share-agency": "Children's social care",
        "share-recipient": "J. Harper, social worker",
        "share-what_was_shared": "What she said.",
        "share-lawful_basis": "6_1_e",
        "share-special_category": "9_2_g_sch1_18",
        "share-student_told": "on",
        "share-parents_told": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


REFERRAL_REASON = "id_referral-reason_not_told"
SHARE_REASON = "id_share-reason_not_told"


def test_before_sending_the_referral_label_says_when_the_reason_is_needed(dsl_client, concern):
    page = dsl_client.get(f"/safeguarding/concerns/{concern.pk}/referrals/").content.decode()
    label = label_of(page, REFERRAL_REASON)
    assert label == (
        f"Why telling them would put the child at risk ({WHEN}, or the referral is to the LADO)"
    )
    assert "optional" not in label


def test_sent_back_with_nobody_told_the_reason_is_needed_and_not_called_optional(
    dsl_client, concern
):
    data = referral(**{"referral-student_told": None, "referral-parents_told": None})
    response = dsl_client.post(f"/safeguarding/concerns/{concern.pk}/referrals/", data)
    assert response.status_code == 400
    label = label_of(response.content.decode(), REFERRAL_REASON)
    assert label == "Why telling them would put the child at risk"


def test_sent_back_with_only_the_student_told_the_reason_is_still_needed(dsl_client, concern):
    data = referral(**{"referral-parents_told": None})
    response = dsl_client.post(f"/safeguarding/concerns/{concern.pk}/referrals/", data)
    assert response.status_code == 400
    assert "optional" not in label_of(response.content.decode(), REFERRAL_REASON)


def test_sent_back_for_something_else_with_both_told_the_reason_is_optional(dsl_client, concern):
    data = referral(**{"referral-method": ""})
    response = dsl_client.post(f"/safeguarding/concerns/{concern.pk}/referrals/", data)
    assert response.status_code == 400
    assert "Choose how the referral was made" in response.content.decode()
    label = label_of(response.content.decode(), REFERRAL_REASON)
    assert label == "Why telling them would put the child at risk (optional)"


def test_sent_back_to_the_lado_with_nobody_told_the_reason_is_optional(dsl_client, concern):
    data = referral(
        **{
            "referral-agency": "lado",
            "referral-method": "",
            "referral-student_told": None,
            "referral-parents_told": None,
        }
    )
    response = dsl_client.post(f"/safeguarding/concerns/{concern.pk}/referrals/", data)
    assert response.status_code == 400
    label = label_of(response.content.decode(), REFERRAL_REASON)
    assert label == "Why telling them would put the child at risk (optional)"


def test_the_information_share_label_is_truthful_before_and_after_a_bad_post(
    dsl_client, concern, pupil
):
    url = f"/safeguarding/concerns/{concern.pk}/shares/"
    before = label_of(dsl_client.get(url).content.decode(), SHARE_REASON)
    assert before.endswith(f"({WHEN})") and "optional" not in before

    refused = dsl_client.post(url, share(pupil, **{"share-parents_told": None}))
    assert refused.status_code == 400
    assert "optional" not in label_of(refused.content.decode(), SHARE_REASON)
    assert WHEN not in label_of(refused.content.decode(), SHARE_REASON)

    other = dsl_client.post(url, share(pupil, **{"share-recipient": ""}))
    assert other.status_code == 400
    assert label_of(other.content.decode(), SHARE_REASON).endswith("(optional)")


def _told_label(form) -> str:
    html = render_to_string("includes/field.html", {"field": form["reason_not_told"]})
    return label_of(html, "id_told-reason_not_told")


def test_the_told_first_form_on_linking_a_child_says_when_and_then_as_things_stand():
    assert _told_label(ToldFirstForm(prefix="told")).endswith(
        f"(for the child it is about, {WHEN})"
    )
    needed = ToldFirstForm({"told-student_told": "on"}, prefix="told", needed=True)
    assert not needed.is_valid()
    assert "optional" not in _told_label(needed) and WHEN not in _told_label(needed)
    # A sibling or a witness is linked: nothing is asked of the family for them.
    sibling = ToldFirstForm({}, prefix="told", needed=False)
    assert sibling.is_valid()
    assert _told_label(sibling).endswith("(optional)")
    both = ToldFirstForm(
        {"told-student_told": "on", "told-parents_told": "on"}, prefix="told", needed=True
    )
    assert _told_label(both).endswith("(optional)")


def test_a_field_that_is_simply_optional_is_marked_once(db):
    """The plain case the mark replaces: "(optional)" once, never the label's own as well."""
    from safeguarding.forms.advice import AdviceRequestForm

    html = render_to_string("includes/field.html", {"field": AdviceRequestForm()["student"]})
    assert html.count("(optional)") == 1


def test_the_concern_forms_child_name_box_says_when_it_is_needed(client, teacher, team):
    """With the child search, the name box is needed only if no child is chosen: it says so,
    never "(optional)"."""
    page = sign_in(client, teacher).get("/safeguarding/log/").content.decode()
    label = label_of(page, "id_child_named")
    assert label == (
        "Or, if you cannot find the child: who they are (needed if you choose no child above)"
    )
