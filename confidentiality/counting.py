"""Many counts in one query: a page that says "3 urgent concerns, 2 new, 1 overdue, 4 unread
alerts" asks the database once for all of them, whatever their tables, instead of once each.

Each queryset is counted exactly as ``queryset.count()`` would count it (its own filters, its
own ``distinct``), as a scalar subquery of one ``SELECT``."""

from django.db import connections


def count_all(querysets: dict) -> dict:
    """``{name: queryset}`` → ``{name: number of rows}``, in one query per database."""
    counts = {}
    by_database: dict = {}
    for name, queryset in querysets.items():
        by_database.setdefault(queryset.db, []).append((name, queryset))
    for alias, named in by_database.items():
        parts, params = [], []
        for _, queryset in named:
            if queryset.query.is_empty():
                parts.append("0")
                continue
            sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
            # Django's own compiled SQL, every value a parameter: nothing is written into it.
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608
            params.extend(part_params)
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        counts.update((name, int(n)) for (name, _), n in zip(named, row, strict=True))
    return counts
