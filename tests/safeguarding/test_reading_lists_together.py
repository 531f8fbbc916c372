"""``page_lists.read_together``: several lists of a page read in one query must give exactly
what each queryset gives on its own (every column, the related rows, the order), and a shape it
cannot read (a sort key from another table added to a distinct list, a relation two steps deep)
must be read by its own query rather than guessed."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.page_lists import read_columns_together, read_together
from safeguarding.models import Action, Concern
from tests.safeguarding.test_concern_list import about_adult

pytestmark = pytest.mark.django_db


def _same(rows, expected, relations=()):
    assert [row.pk for row in rows] == [row.pk for row in expected]
    for row, other in zip(rows, expected, strict=True):
        for field in Concern._meta.concrete_fields:
            assert getattr(row, field.attname) == getattr(other, field.attname), field.name
        # The encrypted words open the same, and the related rows came with the row.
        assert row.account == other.account
        for name in relations:
            assert name in row._state.fields_cache, name
            assert getattr(row, name) == getattr(other, name)


@pytest.fixture
def concerns(raise_concern, teacher, pupil, dsl):
    made = [raise_concern(teacher, [pupil], category=c) for c in ("neglect", "online", "fgm")]
    Concern.objects.filter(pk=made[1].pk).update(assigned_to=dsl)
    return made


def test_lists_read_together_are_the_lists_read_alone(concerns, teacher, dsl):
    adult = about_adult(teacher, dsl)
    wanted = {
        "with_people": Concern.objects.about_children()
        .select_related("raised_by", "assigned_to")
        .order_by("category"),
        "newest_two": Concern.objects.order_by("-created_at", "pk")[:2],
        "distinct": Concern.objects.filter(raised_by=teacher).distinct().order_by("pk"),
        "about_adults": Concern.objects.about_adults().select_related("raised_by", "adult"),
        "nothing": Concern.objects.filter(pk__in=[]),
    }
    alone = {name: list(queryset) for name, queryset in wanted.items()}
    with CaptureQueriesContext(connection) as queries:
        together = read_together(**wanted)
    if connection.vendor in ("postgresql", "sqlite"):
        assert len(queries) == 1
    _same(together["with_people"], alone["with_people"], ("raised_by", "assigned_to"))
    # The same person on several rows is one instance, as prefetch_related gives it.
    assert len({id(row.raised_by) for row in together["with_people"]}) == 1
    assert {row.created_at.tzinfo is not None for row in together["with_people"]} == {True}
    _same(together["newest_two"], alone["newest_two"])
    _same(together["distinct"], alone["distinct"])
    _same(together["about_adults"], alone["about_adults"], ("raised_by", "adult"))
    assert together["about_adults"][0].adult.pk == adult.adult.pk
    assert together["nothing"] == []


def test_a_shape_not_read_together_is_read_alone(concerns, teacher, dsl):
    # A distinct list sorted by another table's column selects that column too; two steps deep
    # is refused. Both are still read, each by its own query, and right.
    sorted_by_author = Concern.objects.distinct().order_by("raised_by__username", "pk")
    for concern in concerns:
        Action(
            concern=concern,
            description="Ring home",
            owner=dsl,
            created_by=dsl,
            due_on=date(2027, 1, 4),
        ).save()
    deep = Action.objects.select_related("concern__raised_by")
    plain = Concern.objects.order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        together = read_together(by_author=sorted_by_author, deep=deep, plain=plain)
    assert len(queries) == 3
    _same(together["by_author"], list(sorted_by_author))
    _same(together["plain"], list(plain))
    assert {a.concern.raised_by for a in together["deep"]} == {teacher}


def test_columns_read_together(concerns):
    rows = read_columns_together(
        kinds=(Concern.objects.order_by("category"), ["id", "category", "created_at"]),
        none=(Concern.objects.none(), ["id"]),
    )
    assert [(r.id, r.category, r.created_at) for r in rows["kinds"]] == list(
        Concern.objects.order_by("category").values_list("id", "category", "created_at")
    )
    assert rows["none"] == []
