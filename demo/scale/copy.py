"""Rows written many thousands at a time, each value exactly as the model's own fields would
write it on ``save()``: encrypted fields sealed to their row by their own ``pre_save``, blind
indexes computed by theirs, dates converted by the database backend. Only the transport differs:
COPY on PostgreSQL, ``executemany`` elsewhere, in chunks, so memory stays flat whatever the size.

``save()`` would also stamp ``created_at`` with now; a seeded history keeps the time each row
was given, as an import of a school's past would. No signal is sent (no grants, no audit
entry): the seed computes those in bulk afterwards, with the project's own functions.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, models

CHUNK = 5_000


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def reserve_ids(model, count: int) -> list[int]:
    """``count`` integer keys for new rows of ``model``, taken as its own inserts would take
    them (the sequence on PostgreSQL; after the highest key elsewhere, one writer at a time)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


class Writer:
    """Writes instances of one model (or rows of an auto-created through table)."""

    def __init__(self, model, skip_auto_pk: bool = False):
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        if skip_auto_pk:
            fields = [f for f in fields if not isinstance(f, models.AutoField)]
        self.fields = fields
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.written = 0

    def _value(self, field, obj):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = getattr(obj, field.attname)
            if value is None:
                value = field.pre_save(obj, True)
        else:
            value = field.pre_save(obj, True)
        return field.get_db_prep_save(value, connection)

    def row(self, obj) -> tuple:
        return tuple(self._value(field, obj) for field in self.fields)

    def write(self, objects: Iterable) -> int:
        """Write every instance of ``objects`` (any iterable, consumed in chunks)."""
        for chunk in _chunks(objects, CHUNK):
            self.write_rows([self.row(obj) for obj in chunk])
        return self.written

    def write_rows(self, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as wrapper:
            if connection.vendor == "postgresql":
                cursor = wrapper.cursor  # psycopg's own cursor: Django's wrapper has no COPY
                with cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                wrapper.executemany(
                    f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})',  # noqa: S608
                    rows,
                )
        self.written += len(rows)


def write(model, objects: Iterable, skip_auto_pk: bool = False) -> int:
    return Writer(model, skip_auto_pk=skip_auto_pk).write(objects)


def write_pairs(through, columns: tuple[str, str], pairs: Iterable[tuple]) -> int:
    """Rows of a many-to-many table (or any table of plain keys): ``(a, b)`` per row, the id
    left to the table."""
    table = through._meta.db_table
    by_column = {f.column: f for f in through._meta.concrete_fields}
    fields = [by_column[c] for c in columns]
    written = 0
    for chunk in _chunks(pairs, CHUNK * 4):
        if connection.vendor != "postgresql":  # psycopg takes keys as they are; sqlite3 not
            chunk = [
                tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))
                for row in chunk
            ]
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as wrapper:
            if connection.vendor == "postgresql":
                with wrapper.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for pair in chunk:
                        copy.write_row(pair)
            else:
                marks = ", ".join(["%s"] * len(columns))
                insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
                wrapper.executemany(insert, chunk)
        written += len(chunk)
    return written
