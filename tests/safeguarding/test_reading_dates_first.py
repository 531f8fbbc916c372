"""``page_lists.read_columns_together``, with which a long chronology reads every row's dates
before it reads whole the rows it shows: the rows ``values_list(named=True)`` would give, in
one query, and nothing but a model's own columns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.page_lists import read_columns_together
from safeguarding.models import Action, Concern

COLUMNS = ("id", "happened_at", "status", "closed_at")


@pytest.fixture
def concerns(raise_concern, teacher, dsl, pupil):
    first = raise_concern(teacher, [pupil])
    raise_concern(teacher, [pupil], urgency="urgent")
    first.close(by=dsl, decision="nfa", rationale="Resolved in school.")
    return Concern.objects.about_children().about(pupil).order_by("happened_at", "pk")


def test_the_rows_are_those_values_list_gives_in_one_query(concerns):
    actions = Action.objects.filter(concern__in=concerns.values("pk"))
    with CaptureQueriesContext(connection) as asked:
        found = read_columns_together(
            concerns=(concerns, COLUMNS), actions=(actions, ("id", "concern_id", "done_at"))
        )
    assert len(asked) == 1
    expected = list(concerns.values_list(*COLUMNS, named=True))
    assert found["concerns"] == expected and len(expected) == 2
    assert found["concerns"][0].closed_at is not None  # an aware moment, as the ORM reads it
    assert found["concerns"][0]._fields == COLUMNS
    assert found["actions"] == list(actions.values_list("id", "concern_id", "done_at"))


def test_a_filter_that_matches_nothing_asks_nothing(concerns):
    with CaptureQueriesContext(connection) as asked:
        found = read_columns_together(concerns=(concerns.filter(pk__in=[]), COLUMNS))
    assert found == {"concerns": []} and len(asked) == 0


@pytest.mark.parametrize("column", ["raised_by__username", "categories_display", "nothing"])
def test_only_a_models_own_columns_are_read_and_refused_before_anything_is_asked(concerns, column):
    with CaptureQueriesContext(connection) as asked, pytest.raises(ValueError):
        read_columns_together(concerns=(concerns, ("id", column)))
    assert len(asked) == 0
