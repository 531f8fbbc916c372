"""A long list in a query (``pk__in=[...]``) is one array on PostgreSQL (``= ANY``), and finds
exactly what Django's ``IN`` finds, on both databases: keys, text, UUIDs, duplicates, NULLs,
values given as text; a short list stays an ``IN``."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from confidentiality.long_lists import LONG
from confidentiality.roles import Role
from records.models import Student

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def people(make_user):
    return [make_user(f"person{n:03}", Role.TEACHER) for n in range(LONG + 10)]


def _sql(queryset) -> tuple[list, str]:
    with CaptureQueriesContext(connection) as queries:
        found = list(queryset)
    return found, queries[-1]["sql"]


def test_a_long_list_of_keys_finds_what_in_finds(people):
    wanted = [p.pk for p in people[: LONG + 5]]
    asked = [*wanted, None, wanted[0], str(wanted[1]), 10**12]  # NULL, twice, as text, nobody
    found, sql = _sql(User.objects.filter(pk__in=asked).order_by("pk"))
    assert [p.pk for p in found] == sorted(wanted)
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and "::bigint[]" in sql
    else:
        assert " IN (" in sql


def test_text_and_excluding(people):
    names = [p.username for p in people]
    found, sql = _sql(
        User.objects.filter(username__in=names).exclude(username__in=names[: LONG + 1])
    )
    assert sorted(p.username for p in found) == sorted(names[LONG + 1 :])
    if connection.vendor == "postgresql":
        assert "::varchar(150)[]" in sql


def test_uuids(student_factory):
    made = [student_factory() for _ in range(3)]
    asked = [row.pk for row in made] + [uuid.uuid4() for _ in range(LONG)]
    found, sql = _sql(Student.objects.filter(pk__in=asked))
    assert {row.pk for row in found} == {row.pk for row in made}
    if connection.vendor == "postgresql":
        assert "::uuid[]" in sql


def test_a_short_list_stays_in(people):
    _, sql = _sql(User.objects.filter(pk__in=[p.pk for p in people[:3]]))
    assert " IN (" in sql and "ANY(" not in sql


def test_a_list_of_nothing_finds_nothing(db):
    assert list(User.objects.filter(pk__in=[None] * (LONG + 1))) == []
