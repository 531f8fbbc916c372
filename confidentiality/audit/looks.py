"""A look's audit entry and its seal, written by one statement on PostgreSQL.

Every page that shows something confidential writes one entry (``record_access``), so its cost
is paid on every page. Written through auditlog it is four statements and a transaction: the
entry, the chain's lock and head, the seal. Here the entry's id is taken from its sequence with
the lock and head, so its seal can be worked out before anything is written, and the entry and
its seal go in together: two statements. The entry is the one auditlog's ``log_create`` builds
(every default it fills in: tested field by field), its ``pre_save`` receivers run, and it is
sealed exactly as ``chain.seal_entry`` would seal it (the chain verifies).

Elsewhere (SQLite), for an entry the database may store differently from Python
(``chain.stored_form``), or where the head function is not installed, the entry is saved
through auditlog as before."""

import copy

from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import pre_save
from django.db.models.sql import InsertQuery

from .chain import (
    GENESIS,
    SEALED_FIELDS,
    _sealed_here,
    has_head_function,
    remember_head,
    seal_digest,
    stored_form,
)


def _unsaved_entry(obj, **fields) -> LogEntry:
    """The entry ``LogEntry.objects.log_create(obj, force_log=True, **fields)`` would save, with
    every default auditlog fills in (content type, key, label, correlation id...), unsaved: its
    manager's own ``log_create``, ending in a constructor instead of ``create``."""
    builder = copy.copy(LogEntry.objects)
    builder.create = LogEntry  # log_create's last step is ``self.create(**kwargs)``
    return builder.log_create(obj, force_log=True, **fields)


def log_look(obj, **fields) -> LogEntry:
    """Write ``obj``'s entry (``log_create(obj, force_log=True, **fields)``) and its seal."""
    from confidentiality.models import AuditSeal

    entry = _unsaved_entry(obj, **fields)
    with transaction.atomic(savepoint=False):
        if (
            connection.vendor != "postgresql"
            or not has_head_function()
            or _stored_form(entry) is None  # may be stored differently: read back and sealed
        ):
            entry.save(force_insert=True)  # sealed by chain.seal_entry (post_save)
            return entry
        pre_save.send(
            sender=LogEntry, instance=entry, raw=False, using=connection.alias, update_fields=None
        )
        marker = _sealed_here()
        with connection.cursor() as cursor:
            if marker is None:  # the chain's lock, its head and the entry's id
                cursor.execute(
                    "SELECT confidentiality_chain_head(), "
                    "nextval(pg_get_serial_sequence(%s, 'id'))",
                    [LogEntry._meta.db_table],
                )
                head, entry.id = cursor.fetchone()
                head = head or GENESIS
            else:  # this transaction already holds the lock: its own last seal is the head
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [LogEntry._meta.db_table]
                )
                head, entry.id = marker.digest, cursor.fetchone()[0]
            row = _stored_form(entry)
            if row is None:  # only if a pre_save receiver made it so (none of ours does)
                entry.save(force_insert=True)
                return entry
            digest = seal_digest(settings.AUDIT_CHAIN_KEY.encode(), head, row)
            insert, params = _insert_sql(entry)
            seals = connection.ops.quote_name(AuditSeal._meta.db_table)
            cursor.execute(
                f"WITH entry AS ({insert}) INSERT INTO {seals} "  # noqa: S608 - Django's SQL
                "(entry_id, actor_id, previous, digest) VALUES (%s, %s, %s, %s)",
                [*params, entry.id, row["actor_id"], head, digest],
            )
        remember_head(digest)
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def _stored_form(entry: LogEntry) -> dict | None:
    return stored_form({name: getattr(entry, name) for name in (*SEALED_FIELDS, "actor_id")})


def _insert_sql(entry: LogEntry) -> tuple[str, list]:
    """Django's own INSERT of ``entry`` (its id included), as ``save`` would send it."""
    query = InsertQuery(LogEntry)
    query.insert_values(LogEntry._meta.concrete_fields, [entry])
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)
