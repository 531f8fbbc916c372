"""The tamper-evident chain over the audit log (see ``AuditSeal``)."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

GENESIS = "0" * 64
CHAIN_LOCK = 7_340_901  # an arbitrary, fixed PostgreSQL advisory-lock number for the chain

SEALED_FIELDS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_repr",
    "action",
    "changes_text",
    "changes",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
)


def _canonical(row: dict, actor_id) -> bytes:
    values = {name: row[name] for name in SEALED_FIELDS}
    values["timestamp"] = row["timestamp"].isoformat()
    values["actor_id"] = actor_id
    return json.dumps(values, sort_keys=True, default=str, separators=(",", ":")).encode()


def _digest(previous: str, row: dict, actor_id) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(
        key, previous.encode() + b"|" + _canonical(row, actor_id), hashlib.sha256
    ).hexdigest()


def _row(entry_id: int) -> dict | None:
    return LogEntry.objects.filter(pk=entry_id).values(*SEALED_FIELDS, "actor_id").first()


def seal_entry(sender, instance, created, **kwargs):
    """post_save receiver: chain each new entry to the one before, inside the same transaction."""
    if not created:
        return
    from confidentiality.models import AuditSeal

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditSeal.objects.order_by("-id").values_list("digest", flat=True).first()
        previous = last or GENESIS
        row = _row(instance.pk)
        AuditSeal.objects.create(
            entry_id=instance.pk,
            actor_id=row["actor_id"],
            previous=previous,
            digest=_digest(previous, row, row["actor_id"]),
        )


@dataclass
class Break:
    entry_id: int
    problem: str

    def __str__(self):
        return f"audit entry {self.entry_id}: {self.problem}"


def verify_chain(batch: int = 2000) -> tuple[int, Break | None]:
    """Walk the chain in order. Returns (entries checked, the first break or None)."""
    from confidentiality.models import AuditSeal

    previous = GENESIS
    checked = 0
    for seals in _batches(AuditSeal.objects.order_by("id"), batch):
        rows = {
            row["id"]: row
            for row in LogEntry.objects.filter(pk__in=[s.entry_id for s in seals]).values(
                *SEALED_FIELDS, "actor_id"
            )
        }
        for seal in seals:
            if seal.previous != previous:
                return checked, Break(seal.entry_id, "the entry before it was removed or re-sealed")
            row = rows.get(seal.entry_id)
            if row is None:
                return checked, Break(seal.entry_id, "removed from the log")
            if row["actor_id"] != seal.actor_id and not (
                row["actor_id"] is None and _user_deleted(seal.actor_id)
            ):
                return checked, Break(seal.entry_id, "its actor was changed")
            if _digest(previous, row, seal.actor_id) != seal.digest:
                return checked, Break(seal.entry_id, "altered after it was written")
            previous = seal.digest
            checked += 1
    unsealed = (
        LogEntry.objects.exclude(pk__in=AuditSeal.objects.values("entry_id")).order_by("id").first()
    )
    if unsealed is not None:
        return checked, Break(unsealed.pk, "inserted behind the application's back (no seal)")
    return checked, None


def _user_deleted(user_id) -> bool:
    """Deleting a user blanks the actor of their entries (SET_NULL); that alone is allowed."""
    return user_id is not None and not get_user_model().objects.filter(pk=user_id).exists()


def _batches(queryset, size: int) -> Iterator[list]:
    last = 0
    while True:
        chunk = list(queryset.filter(id__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].id
