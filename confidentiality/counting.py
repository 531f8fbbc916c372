"""Many counts in one query: a page that says "3 urgent concerns, 2 new, 1 overdue, 4 unread
alerts" asks the database once for all of them, whatever their tables, instead of once each.

Each queryset is counted exactly as ``queryset.count()`` would count it (its own filters, its
own ``distinct``), as a scalar subquery of one ``SELECT``. A ``First`` rides along in the same
query: one value of a queryset's first row (when the last backup was made, when the periodic
check last ran), as ``queryset.values_list(column, flat=True).first()`` would give it."""

from datetime import UTC, date, datetime

from django.db import connections, models
from django.utils import timezone


class First:
    """The value of ``column`` in the first row of ``queryset`` (in its own order), or None."""

    def __init__(self, queryset, column: str):
        self.queryset, self.column = queryset, column
        self.db = queryset.db

    def part(self) -> tuple[str, tuple]:
        sql, params = self.queryset.values(self.column)[:1].query.sql_with_params()
        return f"({sql})", params

    def value(self, raw):
        """The raw cursor's value as the field's own type: SQLite gives times as text in UTC
        and true/false as 1/0 in a bare subquery."""
        if raw is None:
            return None
        field = self.queryset.model._meta.get_field(self.column)
        if isinstance(field, models.DateTimeField):
            if isinstance(raw, str):
                raw = datetime.fromisoformat(raw)
            return timezone.make_aware(raw, UTC) if timezone.is_naive(raw) else raw
        if isinstance(field, models.DateField) and isinstance(raw, str):
            return date.fromisoformat(raw[:10])
        if isinstance(field, models.BooleanField):
            return bool(raw)
        return raw


def count_all(querysets: dict) -> dict:
    """``{name: queryset or First}`` → ``{name: number of rows, or the First's value}``, in one
    query per database."""
    counts = {}
    by_database: dict = {}
    for name, queryset in querysets.items():
        by_database.setdefault(queryset.db, []).append((name, queryset))
    for alias, named in by_database.items():
        # Each distinct question once: two panels often count the same thing (the classes a
        # person teaches), and the database would plan and answer it twice.
        parts, params, column_of, columns = [], [], {}, []
        for _, queryset in named:
            if isinstance(queryset, First):
                part, part_params = queryset.part()
            elif queryset.query.is_empty():
                part, part_params = "0", ()
            else:
                sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
                # Django's own compiled SQL, every value a parameter: nothing is written into it.
                part = f"(SELECT COUNT(*) FROM ({sql}) counted)"  # noqa: S608
            asked = (part, repr(tuple(part_params)))
            if asked not in column_of:
                column_of[asked] = len(parts)
                parts.append(part)
                params.extend(part_params)
            columns.append(column_of[asked])
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        for (name, queryset), column in zip(named, columns, strict=True):
            n = row[column]
            counts[name] = queryset.value(n) if isinstance(queryset, First) else int(n)
    return counts
