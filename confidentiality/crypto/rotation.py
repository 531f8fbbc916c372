"""Key rotation: re-seal every value under the newest key without taking the site down.

Each row is rewritten with a compare-and-swap (``UPDATE ... WHERE pk = ? AND field = <old
ciphertext>``), so a value a user saved meanwhile is never overwritten; it is simply counted as
"changed while running" (it was sealed with the newest key by that save anyway). Rows already on
the newest key are skipped, so an interrupted run resumes where it stopped.
"""

from django.apps import apps
from django.db import transaction

from .fields import EncryptedField
from .keyring import Sealed, keyring


def encrypted_models():
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            yield model, fields


def rotate_model(model, fields, batch_size: int = 500) -> dict:
    ring = keyring()
    totals = {"scanned": 0, "rotated": 0, "current": 0, "retry": 0}
    names = [f.attname for f in fields]
    last = None
    while True:
        rows = model._base_manager.order_by("pk").values_list("pk", *names)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows[:batch_size])
        if not batch:
            return totals
        with transaction.atomic():
            for pk, *values in batch:
                for field, sealed in zip(fields, values, strict=True):
                    if sealed is None:
                        continue
                    totals["scanned"] += 1
                    if sealed.key_id == ring.newest:
                        totals["current"] += 1
                        continue
                    holder = model(pk=pk)
                    plaintext = ring.open(sealed, field.context(holder), field.where(holder))
                    fresh = ring.seal(plaintext, field.context(holder))
                    changed = model._base_manager.filter(pk=pk, **{field.attname: sealed}).update(
                        **{field.attname: fresh}
                    )
                    totals["rotated" if changed else "retry"] += 1
        last = batch[-1][0]


def rotate_all(batch_size: int = 500, report=None) -> dict:
    totals = {"scanned": 0, "rotated": 0, "current": 0, "retry": 0}
    for model, fields in encrypted_models():
        counts = rotate_model(model, fields, batch_size)
        if report:
            report(f"{model._meta.label}: {counts['rotated']} re-encrypted of {counts['scanned']}")
        for key, value in counts.items():
            totals[key] += value
    return totals


__all__ = ["Sealed", "rotate_all", "rotate_model"]
