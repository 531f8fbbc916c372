"""A long list of values in a query (``pk__in=[...]``) sent to PostgreSQL as one array.

Django writes ``IN (%s, %s, ...)``, a placeholder per value, and psycopg parses the text of a
query to bind them. A list of a school's staff is 800 placeholders, and a query that long is
parsed afresh every time (psycopg keeps only short queries parsed): 10 ms of Python for the
concern list's one query of people, more than the database took to answer it. As
``= ANY(%s::bigint[])`` the list is one value, and the database plans it as it planned the
``IN`` list (an ``= ANY`` of the same values).

Only direct lists of plain values, longer than ``LONG``, on PostgreSQL; everything else is
Django's own ``in``. Relations keep theirs (``RelatedIn``): ask by the key (``pk__in``,
``<relation>_id__in`` reads the relation's) where a list is long."""

import re

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.lookups import In, Lookup
from django.utils.datastructures import OrderedSet

# Shorter lists gain nothing: their query text is short, and psycopg keeps it parsed.
LONG = 50

# A column type written into the SQL as the array's type: only names such as "bigint", "uuid"
# or "varchar(20)".
_TYPE = re.compile(r"[a-z][a-z ]*(\(\d+\))?")


class InOneArray(In):
    lookup_name = "in"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value() or len(self.rhs) <= LONG:
            return self.as_sql(compiler, connection)
        try:
            values = OrderedSet(self.rhs)
        except TypeError:  # unhashable values: Django's own way
            return self.as_sql(compiler, connection)
        values.discard(None)  # NULL is never equal to anything, as in Django's ``in``
        if not values:
            raise EmptyResultSet
        column_type = self.lhs.output_field.db_type(connection)
        sqls, params = self.batch_process_rhs(compiler, connection, values)
        if not (column_type and _TYPE.fullmatch(column_type)) or any(s != "%s" for s in sqls):
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{column_type}[])", (*lhs_params, list(params))


class AmongKeys(Lookup):
    """``<key>__among=<a queryset of keys>``: the rows whose key the subquery lists, asked so
    that PostgreSQL reads the keys first, once, and then each row by its index
    (``= ANY(ARRAY(subquery))``). Django's ``__in`` with a subquery lets the planner join the
    two instead, and with a filter it misjudges beside it (those not in a role), it chose to
    read every one of a school's 60,000 accounts to find 800 staff (17 ms against 1). Elsewhere
    it is ``IN``."""

    lookup_name = "among"

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


def register() -> None:
    """Every field's ``in`` (those with their own, such as relations, keep it), and
    ``among``."""
    Field.register_lookup(InOneArray)
    Field.register_lookup(AmongKeys)
