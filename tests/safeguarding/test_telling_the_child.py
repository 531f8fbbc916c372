"""P1 as the safeguarding team reads it: what the author told the child (or that nothing was
disclosed) is shown on the concern and in the child's chronology, and a child not yet told is
flagged for follow-up. The author never sees another's answer."""

import pytest

from safeguarding.chronology import entries_for
from safeguarding.models import Concern
from tests.conftest import sign_in

SUMMARIES = {
    "told": "The child was told it may be passed on",
    "observation": "Nothing was disclosed by the child (an observation)",
    "not_yet": "Not yet told — the author will tell the child when they next speak",
}


@pytest.mark.parametrize("answer", list(SUMMARIES))
def test_the_concern_page_shows_what_the_child_was_told(
    client, dsl, teacher, pupil, raise_concern, answer
):
    concern = raise_concern(teacher, [pupil], child_told=answer)
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Child told it may be passed on" in page
    assert SUMMARIES[answer] in page
    assert ("Follow up" in page) == (answer == "not_yet")


@pytest.mark.parametrize("answer", list(SUMMARIES))
def test_the_chronology_shows_what_the_child_was_told(teacher, pupil, raise_concern, answer):
    raise_concern(teacher, [pupil], child_told=answer)
    (entry,) = [e for e in entries_for(pupil) if e.kind == "concern"]
    assert f"What the child was told about passing it on: {SUMMARIES[answer]}." in entry.detail
    assert "P1" not in entry.detail  # words, not the policy's code


def test_the_chronology_page_shows_it_to_the_team(client, dsl, teacher, pupil, raise_concern):
    raise_concern(teacher, [pupil], child_told="observation")
    sign_in(client, dsl, verified=True)
    page = client.get(f"/safeguarding/children/{pupil.pk}/chronology/").content.decode()
    assert "Nothing was disclosed by the child (an observation)" in page


def test_a_concern_that_never_asked_says_so(teacher, pupil, raise_concern):
    """Logged from a request for advice, for instance: nobody claims the child was told."""
    concern = raise_concern(teacher, [pupil], child_told="")
    assert concern.child_told_summary == "Not recorded"


def test_another_teacher_cannot_open_the_concern_to_read_it(
    client, teacher, other_teacher, pupil, raise_concern
):
    concern = raise_concern(teacher, [pupil], child_told="not_yet")
    sign_in(client, other_teacher)
    assert client.get(f"/safeguarding/mine/{concern.pk}/").status_code == 404
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 404


def test_the_stored_answer_is_one_of_the_three(teacher, pupil, raise_concern):
    concern = raise_concern(teacher, [pupil], child_told="not_yet")
    concern.refresh_from_db()
    assert concern.child_told == Concern.ChildTold.NOT_YET
    assert concern.child_still_to_be_told
