"""Append-only audit tables, enforced by the database itself.

UPDATE and DELETE on the audit log and its seals are refused by triggers. Two changes are
allowed: the one Django makes when a user is deleted, ``actor_id`` set to NULL
(``on_delete=SET_NULL``); and an entry's label replaced by its neutral form, ending "(named by
reference)", when the record it names is deleted under the retention schedule, once: a label
already neutral is never rewritten (the chain verifies that only as ``chain.neutralise_labels``
does it, to the exact neutral label it recorded, see ``chain.py``).

PostgreSQL's TRUNCATE does not fire row triggers; in production revoke it from the application's
role instead (see THREAT_MODEL.md). The triggers are (re)installed after every migrate, so a column
added by a later auditlog release is covered too.
"""

from django.db import connection

from .chain import PG_HEAD_FUNCTION

TABLES = ("auditlog_logentry", "confidentiality_auditseal")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION confidentiality_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'auditlog_logentry'
       AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'auditlog_logentry'
       AND NEW.object_repr LIKE '%(named by reference)'
       AND OLD.object_repr NOT LIKE '%(named by reference)'
       AND (to_jsonb(NEW) - 'object_repr') = (to_jsonb(OLD) - 'object_repr') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def _columns(conn, cursor, table: str) -> list[str]:
    return [c.name for c in conn.introspection.get_table_description(cursor, table)]


def install(using_connection=None) -> None:
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            cursor.execute(PG_HEAD_FUNCTION)  # the chain's lock and head in one round trip
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION confidentiality_append_only()"
                )
        elif conn.vendor == "sqlite":
            _drop_sqlite(cursor)
            for table in TABLES:
                refuse = (
                    f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: {table}'); END"
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {refuse}"
                )
                kept = {"actor_id", "object_repr"} if table == "auditlog_logentry" else set()
                others = [c for c in _columns(conn, cursor, table) if c not in kept]
                cols = ", ".join(f'"{c}"' for c in others)
                cursor.execute(
                    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {cols} ON {table} {refuse}"
                )
                if table == "auditlog_logentry":
                    cursor.execute(
                        f"CREATE TRIGGER {table}_actor_only_nulled BEFORE UPDATE OF actor_id "
                        f"ON {table} WHEN NEW.actor_id IS NOT NULL {refuse}"
                    )
                    cursor.execute(
                        f"CREATE TRIGGER {table}_label_only_neutral BEFORE UPDATE OF object_repr "
                        f"ON {table} WHEN NEW.object_repr NOT LIKE '%(named by reference)' "
                        f"OR OLD.object_repr LIKE '%(named by reference)' {refuse}"
                    )


def _drop_sqlite(cursor) -> None:
    for table in TABLES:
        for suffix in ("no_delete", "no_update", "actor_only_nulled", "label_only_neutral"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")


def uninstall(using_connection=None) -> None:
    """Only for a test database about to be emptied by ``flush`` (a DELETE on SQLite)."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif conn.vendor == "sqlite":
            _drop_sqlite(cursor)
