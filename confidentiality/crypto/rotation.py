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
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Left, StrIndex

from .fields import EncryptedField
from .keyring import NOT_SEALED, PADDED_MARK, SEPARATOR, DecryptionError, Sealed, keyring
from .sealing import record_sealing_key, recorded_key_id

log = logging.getLogger(__name__)


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


def rotate_model(model, fields, batch_size: int = 500, target: str | None = None) -> dict:
    ring = keyring()
    target = target or switch_to_newest()
    totals = _new_totals()
    names = [f.attname for f in fields]
    last = None
    while True:
        # The row's write generation is part of what each value is bound to (see fields.py).
        rows = model._base_manager.order_by("pk").values_list("pk", "seal_version", *names)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows[:batch_size])
        if not batch:
            return totals
        with transaction.atomic():
            for pk, version, *values in batch:
                for field, sealed in zip(fields, values, strict=True):
                    if sealed is None:
                        continue
                    totals["scanned"] += 1
                    if sealed.key_id == target and sealed.padded:
                        totals["current"] += 1
                        continue
                    holder = model(pk=pk, seal_version=version)
                    try:
                        plaintext = ring.open(sealed, field.context(holder), field.where(holder))
                    except DecryptionError as error:
                        log.error("Not re-sealed (left as it is): %s", error)
                        totals["unreadable"] += 1
                        continue
                    fresh = ring.seal(
                        plaintext, field.context(holder), target, at_least=field.padding_floor
                    )
                    # Compare and swap: a value or generation saved meanwhile is never undone.
                    changed = model._base_manager.filter(
                        pk=pk, seal_version=version, **{field.attname: sealed}
                    ).update(**{field.attname: fresh})
                    totals["rotated" if changed else "retry"] += 1
        last = batch[-1][0]


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


def rotate_all(batch_size: int = 500, report=None, target: str | None = None) -> dict:
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
