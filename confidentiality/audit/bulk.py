"""Many audit entries at once, each sealed into the chain exactly as the application seals one.

For bringing a large history in (a school's years of audit, a scale rehearsal): writing entries
one by one through auditlog costs several queries each, so a few million would take hours. Here
the entries and their seals are streamed in chunks, by COPY on PostgreSQL and ``bulk_create``
elsewhere, after the chain's current last seal, holding the chain's lock the whole time so no
page's entry is sealed in between. Everything is written in one transaction: an interrupted run
leaves the chain as it was.

Each entry is sealed from the values the database will give back (times in UTC, JSON as it reads
back), so the chain verifies exactly as if every entry had been written by the application.
"""

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection, transaction

from .chain import CHAIN_LOCK, GENESIS, SEALED_FIELDS, remember_head, seal_digest, stored_form

CHUNK = 10_000

ENTRY_COLUMNS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "actor_email",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
)
SEAL_COLUMNS = ("entry_id", "actor_id", "previous", "digest")


def write_sealed_entries(entries: Iterable[dict]) -> int:
    """Append ``entries`` (dicts of LogEntry columns, without ``id``) to the audit log and the
    chain, in the order given. Returns how many were written."""
    key = settings.AUDIT_CHAIN_KEY.encode()
    write = _write_postgresql if connection.vendor == "postgresql" else _write_elsewhere
    written = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        previous = None  # read once the chain is locked (on SQLite: after the first insert)
        for chunk in _chunks(entries, CHUNK):
            previous = write([_as_read_back(entry) for entry in chunk], key, previous)
            written += len(chunk)
        if previous is not None:  # the next entry this transaction seals chains to the last
            remember_head(previous)
    return written


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def _last_digest() -> str:
    from confidentiality.models import AuditSeal

    return AuditSeal.objects.order_by("-id").values_list("digest", flat=True).first() or GENESIS


def _as_read_back(entry: dict) -> dict:
    """``entry`` as the database will give it back: the values its seal must cover."""
    if entry["timestamp"].tzinfo is None:
        raise ValueError("audit entries need an aware timestamp")
    sealed = {name: entry.get(name) for name in (*SEALED_FIELDS, "actor_id")}
    row = stored_form({**sealed, "id": None})
    if row is None:
        raise ValueError(
            "an entry with a fraction in its JSON or an IPv6 address with an IPv4 part cannot be "
            "sealed in bulk (PostgreSQL may write it differently): write it with auditlog"
        )
    del row["id"]
    row["object_id"] = entry.get("object_id")
    row["actor_email"] = entry.get("actor_email")
    return row


def _seals(rows: list[dict], key: bytes, previous: str) -> tuple[list[tuple], str]:
    seals = []
    for row in rows:
        digest = seal_digest(key, previous, row)
        seals.append((row["id"], row["actor_id"], previous, digest))
        previous = digest
    return seals, previous


def _write_postgresql(rows: list[dict], key: bytes, previous: str | None) -> str:
    from confidentiality.models import AuditSeal

    entry_table = LogEntry._meta.db_table
    seal_table = AuditSeal._meta.db_table
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: Django's wrapper has no COPY
        # The seal covers the id, so the ids are taken from the table's own sequence first.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [entry_table, len(rows)],
        )
        for row, (entry_id,) in zip(rows, sorted(cursor.fetchall()), strict=True):
            row["id"] = entry_id
        seals, previous = _seals(rows, key, _last_digest() if previous is None else previous)
        columns = ", ".join(ENTRY_COLUMNS)
        with cursor.copy(f"COPY {entry_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    tuple(
                        _json_text(row[name])
                        if name in ("changes", "additional_data")
                        else row[name]
                        for name in ENTRY_COLUMNS
                    )
                )
        # In the order of the chain: the seal's own id (its place in the chain) follows it.
        with cursor.copy(f"COPY {seal_table} ({', '.join(SEAL_COLUMNS)}) FROM STDIN") as copy:
            for seal in seals:
                copy.write_row(seal)
    return previous


def _json_text(value) -> str | None:
    return None if value is None else json.dumps(value)


def _write_elsewhere(rows: list[dict], key: bytes, previous: str | None) -> str:
    from confidentiality.models import AuditSeal

    made = LogEntry.objects.bulk_create([LogEntry(**row) for row in rows])
    for row, entry in zip(rows, made, strict=True):
        row["id"] = entry.pk
    seals, previous = _seals(rows, key, _last_digest() if previous is None else previous)
    AuditSeal.objects.bulk_create(
        [AuditSeal(**dict(zip(SEAL_COLUMNS, seal, strict=True))) for seal in seals]
    )
    return previous
