"""How many concerns about children were logged on each day in each main category, kept by
the database itself (PostgreSQL): the team page's counts of the last twelve months.

Counting a year of a large school's concerns on every look read a hundred thousand rows (about
50 ms, a fifth of the page). This table holds at most one row per day and category, so the same
counts read a few thousand. It says nothing a copy of the database could not already count: the
main category and the time a concern was logged are plain columns of the concern (H3).

Triggers keep it, not Python: a concern is made, corrected in triage, moved or deleted by the
form, an import, the demo seed (COPY), retention or a hand-written fix, and a count kept by
``save`` would miss every one that goes round it. The day is the school's local date
(``settings.TIME_ZONE``; after a change of it, the next ``migrate`` counts afresh:
``keep_time_zone``), so a month counted here is the month the concern list shows for the same
dates.

SQLite has no triggers that know the school's time zone: there the page counts the concerns
themselves (an embedded school's year is a few hundred rows).
"""

import re

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from .concerns import Category, Concern

TABLE = "safeguarding_concernsoftheday"
FUNCTION = "safeguarding_count_concerns_of_the_day"
_DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS concerns_of_the_day_{name} ON safeguarding_concern"
    for name in ("kept", "moved", "emptied")
]


class ConcernsOfTheDay(models.Model):
    """The concerns about children logged on ``day`` (the school's date) with main
    ``category``. Written only by the database's triggers; read by ``by_category_and_month``."""

    day = models.DateField()
    category = models.CharField(max_length=20, choices=Category.choices)
    # Not a PositiveIntegerField: a count gone wrong must never stop a concern being deleted.
    concerns = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "category"], name="concerns_of_the_day_once")
        ]

    def __str__(self):
        return f"{self.day} {self.category}: {self.concerns}"


def kept() -> bool:
    """Whether the database keeps the table (PostgreSQL)."""
    return connection.vendor == "postgresql"


def by_category_and_month(since):
    """``(category, first day of the month, concerns)`` for every concern about a child logged
    on or after the school's date ``since``, as the team page counts them."""
    return (
        ConcernsOfTheDay.objects.filter(day__gte=since, concerns__gt=0)
        .annotate(month=TruncMonth("day"))
        .values("category", "month")
        .annotate(n=Sum("concerns"))
        .order_by()
        .values_list("category", "month", "n")
    )


def _day(row: str, zone: str) -> str:
    return f"(({row}.created_at AT TIME ZONE '{zone}')::date)"


def install_sql(zone: str | None = None) -> list[str]:
    """The trigger function and triggers that keep the table, and the statements that fill it
    afresh from the concerns (under a lock, so no concern is logged between the two)."""
    zone = zone or settings.TIME_ZONE
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):  # a zone's name, written into the SQL
        raise ValueError(f"Not a time zone: {zone!r}")
    student = Concern.SubjectKind.STUDENT.value
    return [
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM {TABLE};
            RETURN NULL;
          END IF;
          IF TG_OP <> 'INSERT' AND OLD.subject_kind = '{student}' THEN
            UPDATE {TABLE} SET concerns = concerns - 1
             WHERE day = {_day("OLD", zone)} AND category = OLD.category;
          END IF;
          IF TG_OP <> 'DELETE' AND NEW.subject_kind = '{student}' THEN
            INSERT INTO {TABLE} (day, category, concerns)
            VALUES ({_day("NEW", zone)}, NEW.category, 1)
            ON CONFLICT (day, category)
            DO UPDATE SET concerns = {TABLE}.concerns + 1;
          END IF;
          RETURN NULL;
        END $$
        """,  # noqa: S608 - fixed names and a checked zone
        f"COMMENT ON FUNCTION {FUNCTION}() IS 'day in {zone}'",
        *_DROP_TRIGGERS,
        f"""CREATE TRIGGER concerns_of_the_day_kept AFTER INSERT OR DELETE
            ON safeguarding_concern FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
        # Only when what is counted changes: Django's save writes every column each time.
        f"""CREATE TRIGGER concerns_of_the_day_moved AFTER UPDATE ON safeguarding_concern
            FOR EACH ROW WHEN (
              OLD.subject_kind IS DISTINCT FROM NEW.subject_kind
              OR OLD.category IS DISTINCT FROM NEW.category
              OR OLD.created_at IS DISTINCT FROM NEW.created_at
            ) EXECUTE FUNCTION {FUNCTION}()""",
        f"""CREATE TRIGGER concerns_of_the_day_emptied AFTER TRUNCATE ON safeguarding_concern
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""",
        "LOCK TABLE safeguarding_concern IN SHARE ROW EXCLUSIVE MODE",
        f"DELETE FROM {TABLE}",  # noqa: S608 - a fixed name
        f"""INSERT INTO {TABLE} (day, category, concerns)
            SELECT {_day("c", zone)}, c.category, count(*) FROM safeguarding_concern c
             WHERE c.subject_kind = '{student}' GROUP BY 1, 2""",  # noqa: S608 - as above
    ]


def uninstall_sql() -> list[str]:
    return [*_DROP_TRIGGERS, f"DROP FUNCTION IF EXISTS {FUNCTION}()"]


def _run(using, statements) -> None:
    """The statements on PostgreSQL, all or none (nothing on another database)."""
    if using.vendor != "postgresql":
        return
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(apps=None, schema_editor=None) -> None:
    """Run from the migration (and again to count afresh, e.g. after a change of time zone)."""
    _run(schema_editor.connection if schema_editor else connection, install_sql())


def uninstall(apps=None, schema_editor=None) -> None:
    _run(schema_editor.connection if schema_editor else connection, uninstall_sql())


def installed_zone(using=None) -> str | None:
    """The time zone the triggers count days in (None: no triggers, e.g. on SQLite)."""
    using = using or connection
    if using.vendor != "postgresql":
        return None
    with using.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p WHERE p.proname = %s",
            [FUNCTION],
        )
        row = cursor.fetchone()
    return row[0].removeprefix("day in ") if row and row[0] else None


def keep_time_zone(using="default", **kwargs) -> None:
    """After ``migrate``: if the site's time zone is no longer the one the triggers count in
    (``TIME_ZONE`` changed), install them for the new zone and count every day afresh."""
    db = connections[using]
    zone = installed_zone(db)
    if zone is not None and zone != settings.TIME_ZONE:
        _run(db, install_sql())
