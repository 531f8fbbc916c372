"""P17: a copy of the database shows none of the governing body's confidential content: the
minutes (both parts), agenda items, papers and the head teacher's report are stored encrypted.
Every governance table is read whole with raw SQL."""

from django.db import connection

from .conftest import (
    CONFIDENTIAL_MINUTE,
    CONFIDENTIAL_PAPER,
    CONFIDENTIAL_REPORT_ITEM,
    PUBLIC_MINUTE,
    PUBLIC_REPORT_ITEM,
)


def _everything_stored() -> str:
    tables = [t for t in connection.introspection.table_names() if t.startswith("governance_")]
    assert len(tables) >= 9  # every table of the app
    values = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    values.append(str(value))
    return "\n".join(values)


def test_nothing_readable_in_a_copy_of_the_database(published, report):
    stored = _everything_stored()
    assert published.slug in stored  # the tables were really read
    for text in (
        CONFIDENTIAL_MINUTE,
        CONFIDENTIAL_REPORT_ITEM,
        CONFIDENTIAL_PAPER,
        PUBLIC_MINUTE,
        PUBLIC_REPORT_ITEM,
        "Pupil premium",
        "Staffing",
        "%PDF",
    ):
        assert text not in stored, text
