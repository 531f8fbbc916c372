"""Several short lists about one thing (a child, a meeting), read in one round trip to the database.

A child's page shows a dozen kinds of thing (grades, notes, work, parents, requests, messages);
one query each would be a dozen queries on every look. Here each list's own query (with its
filters, the door's restriction and its order, unchanged) becomes a subquery that returns its rows
as a JSON array, and all of them are selected together; the rows are then made into model
instances as the ORM would, encrypted values still sealed (opened on first read, as always).

Only plain querysets are taken: concrete fields, deferred fields left out, and ``select_related``
one step deep (the person who recorded a grade). Anything else is refused rather than guessed.
"""

import collections
import datetime
import functools
import json
import uuid

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.utils.dateparse import parse_date, parse_datetime

from confidentiality.crypto.fields import EncryptedField

# The databases whose JSON functions are used here.
JSON_ARRAYS = frozenset({"postgresql", "sqlite"})


def _compiled(queryset, connection) -> tuple:
    """The queryset's own SQL and parameters, and its compiler (which says which column of the
    SQL is which field). Compiled as the ORM compiles it to read instances: resolving a path
    expression per column instead (``values(c0=F("raised_by__id"), ...)``) cost a long list
    page more Python than its rows."""
    if queryset.query.is_empty():  # a filter that can match nothing (``pk__in=[]``)
        raise EmptyResultSet
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    return compiler, sql, params


def _plan(queryset, connection):
    """``((model, fields, [(relation, related_model, fields)]), (sql, params, width))`` for one
    queryset: the fields in the order of the columns its SQL selects."""
    query = queryset.query
    # A queryset that loads more after its rows (``loading``: a child's name opened from its
    # blind reference) would lose that step here: it keeps its own query.
    if (
        queryset._prefetch_related_lookups
        or getattr(queryset, "_after_fetch", ())
        or query.annotations
        or query.values_select
        or query.extra
    ):
        raise ValueError("Only plain querysets are read together.")
    names, defer = query.deferred_loading
    if not defer and names:
        raise ValueError("Only querysets that defer (never ``only``) are read together.")
    if query.select_related is True:
        raise ValueError("Name the relations to read with select_related.")
    compiler, sql, params = _compiled(queryset, connection)
    select, info = compiler.select, compiler.klass_info

    def fields_at(positions) -> list:
        return [select[i][0].target for i in positions]

    order, related = list(info["select_fields"]), []
    for rel in info.get("related_klass_infos", []):
        if rel.get("related_klass_infos"):
            raise ValueError("select_related is read one step deep only.")
        # A reverse one-to-one (a concern's ``adult`` part) is cached on its accessor.
        relation = rel["field"].remote_field if rel["reverse"] else rel["field"]
        related.append((relation, rel["model"], fields_at(rel["select_fields"])))
        order.extend(rel["select_fields"])
    # The model's columns, then each related model's, and nothing else in the select list (a
    # distinct list sorted on another table's column selects that column too).
    if order != list(range(len(select))) or compiler.has_extra_select:
        raise ValueError("A select list this module does not know how to read.")
    plan = (queryset.model, fields_at(info["select_fields"]), related)
    return plan, (sql, params, len(select))


def _as_json_rows(sql, width, connection) -> str:
    """A queryset's SQL (selecting ``width`` columns) as a subquery giving its rows as one JSON
    array of arrays. The columns are named by place (a select list may name ``id`` twice)."""
    names = ", ".join(f"c{i}" for i in range(width))
    # Only the ORM's compiled SQL and column names made here go into the text; every value
    # stays a parameter.
    if connection.vendor == "postgresql":
        rows = f"COALESCE(json_agg(json_build_array({names})), '[]')"
    else:
        rows = f"json_group_array(json_array({names}))"
    return f"(WITH listed({names}) AS ({sql}) SELECT {rows} FROM listed)"  # noqa: S608


def _select_together(connection, wanted: dict) -> dict[str, list]:
    """``{name: (sql, params, width)}``: each query's rows as lists of JSON cells, in its own
    order, all in one query."""
    lists, names, parts, params = {}, [], [], []
    for name, (sql, part_params, width) in wanted.items():
        names.append(name)
        parts.append(_as_json_rows(sql, width, connection))
        params.extend(part_params)
    if not parts:
        return lists
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        found = cursor.fetchone()
    for name, raw in zip(names, found, strict=True):
        rows = json.loads(raw) if isinstance(raw, str | bytes) else raw
        lists[name] = rows or []
    return lists


def _aware(raw):
    # The databases write ISO 8601, which Python's own parser reads (in C); Django's for
    # anything else. A long chronology has thousands of these.
    try:
        value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        value = parse_datetime(raw)
    if value.tzinfo is None:  # SQLite keeps UTC without its offset
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _converter(field, connection):
    """How a JSON cell of ``field`` becomes the value the ORM would have read from the column
    (None: as it is). Worked out once per list, not per cell: a long list has thousands."""
    if isinstance(field, EncryptedField):
        return lambda raw: field.from_db_value(raw, None, connection)
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.DateTimeField):
        return _aware
    if isinstance(target, models.DateField):
        return parse_date
    if isinstance(target, models.UUIDField):
        return uuid.UUID
    if isinstance(target, models.BooleanField):
        return bool
    return None


def _reader(fields, connection):
    """``read(cells)``: the next ``len(fields)`` cells of an iterator, converted."""
    converters = [_converter(f, connection) for f in fields]

    def read(cells) -> list:
        values = []
        for convert in converters:
            raw = next(cells)
            values.append(raw if raw is None or convert is None else convert(raw))
        return values

    return read


def _instances(plan, rows, db, connection) -> list:
    model, fields, related = plan
    names = [f.attname for f in fields]
    read = _reader(fields, connection)
    relations = [
        (
            field,
            rel_model,
            [f.attname for f in rel_fields],
            _reader(rel_fields, connection),
            rel_fields.index(rel_model._meta.pk),
        )
        for field, rel_model, rel_fields in related
    ]
    made = []
    # The same person on many rows (the DSL who wrote most notes) is one instance, as
    # ``prefetch_related`` gives it: making an account instance per row cost a long list more
    # than reading it.
    seen = [{} for _ in relations]
    for row in rows:
        cells = iter(row)
        instance = model.from_db(db, names, read(cells))
        for (field, rel_model, rel_names, rel_read, pk_at), known in zip(
            relations, seen, strict=True
        ):
            rel_values = rel_read(cells)
            other = None
            key = rel_values[pk_at]
            if key is not None:
                other = known.get(key)
                if other is None:
                    other = known[key] = rel_model.from_db(db, rel_names, rel_values)
            field.set_cached_value(instance, other)
        made.append(instance)
    return made


def as_prefetched(instance, relation: str, rows) -> None:
    """``instance.<relation>.all()`` gives ``rows`` (read already, with a page's other lists)
    without a query, exactly as ``prefetch_related(relation)`` would have left it."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


def named_for(owner: str, querysets: dict | None) -> dict:
    """``querysets`` named for ``owner`` (an app's source of a page's flags or notices), so they
    can be read with the page's own lists without clashing, and found again by ``owned_by``."""
    return {f"{owner}: {name}": queryset for name, queryset in (querysets or {}).items()}


def owned_by(owner: str, lists: dict) -> dict:
    """What ``read_together`` read of the querysets ``named_for(owner, ...)``, by their names."""
    prefix = f"{owner}: "
    return {name[len(prefix) :]: rows for name, rows in lists.items() if name.startswith(prefix)}


def read_together(**querysets) -> dict[str, list]:
    """Each named queryset's instances, in its own order, all read in one query."""
    if not querysets:
        return {}
    db = next(iter(querysets.values())).db
    connection = connections[db]
    if connection.vendor not in JSON_ARRAYS:  # a database without them: a query per list
        return {name: list(queryset) for name, queryset in querysets.items()}
    lists, plans, wanted = {}, {}, {}
    for name, queryset in querysets.items():
        try:
            plans[name], wanted[name] = _plan(queryset, connection)
        except ValueError:  # a shape not read here: its own query, as before
            lists[name] = list(queryset)
        except EmptyResultSet:
            lists[name] = []
    found = _select_together(connection, wanted)
    for name, plan in plans.items():
        lists[name] = _instances(plan, found[name], db, connection)
    return lists


def read_columns_together(**wanted) -> dict[str, list]:
    """``{name: (queryset, column names)}``: each queryset's rows as
    ``queryset.values_list(*columns, named=True)`` gives them, all read in one query. For a page
    that must first know what it will show (a long chronology: every entry's date, then only the
    latest entries whole)."""
    if not wanted:
        return {}
    db = next(iter(wanted.values()))[0].db
    connection = connections[db]
    # Only a model's own columns, checked before anything is asked.
    fields = {
        name: [_column(queryset.model, c) for c in columns]
        for name, (queryset, columns) in wanted.items()
    }
    if connection.vendor not in JSON_ARRAYS:  # a database without them: a query per list
        return {
            name: list(queryset.values_list(*columns, named=True))
            for name, (queryset, columns) in wanted.items()
        }
    lists, compiled = {}, {}
    for name, (queryset, columns) in wanted.items():
        try:
            compiler, sql, params = _compiled(queryset.values_list(*columns), connection)
        except EmptyResultSet:
            lists[name] = []
            continue
        if len(compiler.select) != len(columns) or compiler.has_extra_select:
            raise ValueError(f"{name}: only the columns asked for are read together.")
        compiled[name] = (sql, params, len(columns))
    found = _select_together(connection, compiled)
    for name, rows in found.items():
        queryset, columns = wanted[name]
        row = _row_type(queryset.model, tuple(columns))
        read = _reader(fields[name], connection)
        lists[name] = [row._make(read(iter(cells))) for cells in rows]
    return lists


def _column(model, name: str):
    """A concrete field of ``model`` by its name or its column's (``concern_id``); nothing
    else (a relation's field or an expression) is read here."""
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise ValueError(f"{model.__name__} has no column {name!r} to read together.")


@functools.cache
def _row_type(model, columns: tuple[str, ...]):
    return collections.namedtuple(f"{model.__name__}Row", columns)
