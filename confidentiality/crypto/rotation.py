"""Key rotation: re-seal every value under the newest key without taking the site down, and
count what is left on each key, so an old key is dropped only when nothing needs it.

The order is what makes it safe. First the database records the new key as the school's sealing
key (``sealing``): from then on no server writes with the old key (one with an old ring refuses to
seal, one with the new ring switches). Then every value is re-sealed. Each row is rewritten with a
compare-and-swap (``UPDATE ... WHERE pk = ? AND field = <old ciphertext>``), so a value a user
saved meanwhile is never overwritten; it is counted as "changed while running" (that save sealed
it with the new key). Rows already on the new key, in the padded format, are skipped, so an
interrupted run resumes. A value sealed before padding existed is re-sealed even when its key is
already the newest: running ``rotate_keys`` with the same ring pads every old value.
A value that cannot be opened (its key is not in the ring, or it is damaged) is counted and left
exactly as it is, never dropped.
"""

import logging
from collections import Counter

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Left, StrIndex

from .fields import EncryptedField
from .keyring import NOT_SEALED, PADDED_MARK, SEPARATOR, DecryptionError, Sealed, keyring
from .sealing import record_sealing_key, recorded_key_id

log = logging.getLogger(__name__)

# Parameters one statement may carry (SQLite allows 32,766; PostgreSQL 65,535).
MAX_PARAMETERS = 30_000


class RotationRefused(Exception):
    """The ring given to ``rotate_keys`` cannot take over from the key the school seals with."""


def encrypted_models():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            yield model, fields


def _set_aside_model():
    from .models import SetAsideValue

    return SetAsideValue


def switch_to_newest(by: str = "") -> str:
    """Record the ring's first key as the school's sealing key; refuse a ring that could not open
    what is sealed now (running with an old ring would otherwise switch the school back)."""
    ring = keyring()
    current = recorded_key_id(fresh=True)
    if current is not None and current not in ring:
        raise RotationRefused(
            f"The school seals new values with key ‘{current}’, which this FIELD_ENCRYPTION_KEYS "
            "lacks. Run rotate_keys with the newest ring (new key first, then the old ones)."
        )
    if current != ring.newest:
        record_sealing_key(ring.newest, by=by)
    return ring.newest


def _new_totals() -> dict:
    return {"scanned": 0, "rotated": 0, "current": 0, "retry": 0, "unreadable": 0}


def rotate_model(model, fields, batch_size: int = 1000, target: str | None = None) -> dict:
    """Re-seal ``model``'s values with ``target``, ``batch_size`` rows at a time in the order of
    their key: one query reads a batch, one statement writes it, each in a moment of its own,
    so a page saving one of those rows is never held up for long."""
    ring = keyring()
    target = target or switch_to_newest()
    totals = _new_totals()
    names = [f.attname for f in fields]
    batch_size = max(1, min(batch_size, MAX_PARAMETERS // (2 + 2 * len(fields))))
    last = None
    while True:
        # The row's write generation is part of what each value is bound to (see fields.py).
        rows = model._base_manager.order_by("pk").values_list("pk", "seal_version", *names)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows[:batch_size])
        if not batch:
            return totals
        swaps = []
        for pk, version, *values in batch:
            holder = model(pk=pk, seal_version=version)
            row_swaps = [None] * len(fields)
            for at, (field, sealed) in enumerate(zip(fields, values, strict=True)):
                if sealed is None:
                    continue
                totals["scanned"] += 1
                if sealed.key_id == target and sealed.padded:
                    totals["current"] += 1
                    continue
                try:
                    plaintext = ring.open(sealed, field.context(holder), field.where(holder))
                except DecryptionError as error:
                    log.error("Not re-sealed (left as it is): %s", error)
                    totals["unreadable"] += 1
                    continue
                fresh = ring.seal(
                    plaintext, field.context(holder), target, at_least=field.padding_floor
                )
                row_swaps[at] = (sealed.token, fresh.token)
            if any(row_swaps):
                swaps.append((pk, version, row_swaps))
        if swaps:
            rotated, attempted = _swap(model, fields, swaps)
            totals["rotated"] += rotated
            totals["retry"] += attempted - rotated
        last = batch[-1][0]


def _swap(model, fields, swaps) -> tuple[int, int]:
    """Write a batch of re-sealed values in one statement, each by compare and swap: a value
    (or the row's write generation) saved meanwhile is left as the save wrote it. Returns (values
    swapped, values tried)."""
    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    pk_field = model._meta.pk
    version_field = model._meta.get_field("seal_version")

    def cast(field) -> str:
        # PostgreSQL types a VALUES list by its first row, and a bare parameter as text.
        return f"::{field.db_type(connection)}" if postgresql else ""

    columns = [quote(field.column) for field in fields]
    row_sql = (
        f"(%s{cast(pk_field)}, %s{cast(version_field)}"
        + f", %s{'::text' if postgresql else ''}" * (2 * len(fields))
        + ")"
    )
    params, attempted = [], 0
    for pk, version, row_swaps in swaps:
        params += [pk_field.get_db_prep_value(pk, connection), version]
        for swap in row_swaps:
            params += swap or (None, None)
            attempted += swap is not None
    names = ", ".join(f"old{n}, new{n}" for n in range(len(fields)))
    assignments = ", ".join(
        f"{column} = CASE WHEN v.new{n} IS NOT NULL AND t.{column} = v.old{n} "
        f"THEN v.new{n} ELSE t.{column} END"
        for n, column in enumerate(columns)
    )
    if postgresql:
        returning = ", ".join(f"t.{column} = v.new{n}" for n, column in enumerate(columns))
    else:  # SQLite's RETURNING sees only the table updated, and by its own name
        returning = ", ".join(columns)
    pk_column, version_column = quote(pk_field.column), quote(version_field.column)
    returned_pk = f"t.{pk_column}" if postgresql else pk_column
    table, rows = quote(model._meta.db_table), ", ".join([row_sql] * len(swaps))
    # Our tables and columns; every value is a parameter.
    sql = (
        f"WITH v(pk, version, {names}) AS (VALUES {rows}) "  # noqa: S608
        f"UPDATE {table} AS t SET {assignments} FROM v "
        f"WHERE t.{pk_column} = v.pk AND t.{version_column} = v.version "
        f"RETURNING {returned_pk}, {returning}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.fetchall()
    if postgresql:
        return sum(bool(done) for _, *swapped in written for done in swapped), attempted
    wanted = {
        pk_field.get_db_prep_value(pk, connection): [swap and swap[1] for swap in row_swaps]
        for pk, _, row_swaps in swaps
    }
    return sum(
        new is not None and stored == new
        for pk, *values in written
        for stored, new in zip(values, wanted[pk], strict=True)
    ), attempted


def _padding_floor(item) -> int:
    """The first padding bucket of the field a set-aside value came from (0 if it is gone)."""
    try:
        return apps.get_model(item.what)._meta.get_field(item.field).padding_floor
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return 0


def rotate_set_aside(target: str) -> dict:
    """Set-aside values are re-sealed too (to what they were bound to), so retiring a key never
    loses a draft that was set aside."""
    SetAsideValue = _set_aside_model()
    ring = keyring()
    totals = _new_totals()
    current = {"key_id": target, "ciphertext__startswith": f"{target}{PADDED_MARK}"}
    for item in SetAsideValue.objects.exclude(**current).iterator():
        totals["scanned"] += 1
        try:
            where = f"set-aside {item.what}.{item.field} ({item.pk})"
            plaintext = ring.open(Sealed(item.ciphertext), item.context, where)
        except DecryptionError as error:
            log.error("Not re-sealed (left as it is): %s", error)
            totals["unreadable"] += 1
            continue
        fresh = ring.seal(plaintext, item.context, target, at_least=_padding_floor(item))
        changed = SetAsideValue.objects.filter(pk=item.pk, ciphertext=item.ciphertext).update(
            ciphertext=fresh.token, key_id=target
        )
        totals["rotated" if changed else "retry"] += 1
    totals["current"] = SetAsideValue.objects.filter(**current).count()
    totals["scanned"] += totals["current"]
    return totals


def rotate_all(batch_size: int = 1000, report=None, target: str | None = None) -> dict:
    """Switch the school to the ring's first key (unless ``target`` was switched to already) and
    re-seal every value with it."""
    target = target or switch_to_newest()
    totals = _new_totals()
    parts = [(model._meta.label, model, fields) for model, fields in encrypted_models()]
    for label, model, fields in parts:
        counts = rotate_model(model, fields, batch_size, target)
        if report:
            report(f"{label}: {counts['rotated']} re-encrypted of {counts['scanned']}")
        for key, value in counts.items():
            totals[key] += value
    counts = rotate_set_aside(target)
    if report and counts["scanned"]:
        report(f"Set-aside values: {counts['rotated']} re-encrypted of {counts['scanned']}")
    for key, value in counts.items():
        totals[key] += value
    return totals


def _sealed_with(rows, column: str):
    """``rows`` annotated with the key id their ``column`` was sealed with (``NOT_SEALED`` for a
    value without one), read in SQL so a count never opens or loads a value."""
    position = StrIndex(F(column), Value(SEPARATOR))
    return rows.annotate(separator_at=position).annotate(
        sealed_with=Case(
            When(separator_at=0, then=Value(NOT_SEALED)),
            default=Left(F(column), F("separator_at") - 1),
            output_field=CharField(),
        )
    )


def _per_key(rows) -> Counter:
    return Counter(dict(rows.order_by().values_list("sealed_with").annotate(n=Count("pk"))))


def key_counts() -> dict[str, Counter]:
    """For every encrypted column (and the set-aside values), how many values each key sealed."""
    counts: dict[str, Counter] = {}
    for model, fields in encrypted_models():
        for field in fields:
            column = field.attname
            rows = model._base_manager.exclude(**{f"{column}__isnull": True})
            counts[f"{model._meta.label}.{field.name}"] = _per_key(_sealed_with(rows, column))
    set_aside = _set_aside_model().objects.order_by().values_list("key_id").annotate(n=Count("pk"))
    counts["set-aside values"] = Counter(dict(set_aside))
    return counts


def unpadded_counts() -> dict[str, Counter]:
    """Like ``key_counts``, but only the values sealed before padding existed (format 1): a copy
    of the database can tell some of them apart by their length until they are re-sealed."""
    counts: dict[str, Counter] = {}
    for model, fields in encrypted_models():
        for field in fields:
            column = field.attname
            rows = _sealed_with(model._base_manager.exclude(**{f"{column}__isnull": True}), column)
            rows = rows.annotate(padded_at=StrIndex(F(column), Value(PADDED_MARK)))
            counts[f"{model._meta.label}.{field.name}"] = _per_key(
                rows.filter(separator_at__gt=0, padded_at=0)
            )
    set_aside = (
        _set_aside_model()
        .objects.exclude(ciphertext__contains=PADDED_MARK)
        .order_by()
        .values_list("key_id")
        .annotate(n=Count("pk"))
    )
    counts["set-aside values"] = Counter(dict(set_aside))
    return counts


def totals_by_key(counts: dict[str, Counter]) -> Counter:
    total = Counter()
    for per_key in counts.values():
        total.update(per_key)
    return +total


def values_on(key_id: str) -> int:
    return totals_by_key(key_counts()).get(key_id, 0)


__all__ = [
    "RotationRefused",
    "Sealed",
    "key_counts",
    "rotate_all",
    "rotate_model",
    "rotate_set_aside",
    "switch_to_newest",
    "totals_by_key",
    "unpadded_counts",
    "values_on",
]
