"""What a backup says about itself: the manifest, read from the very snapshot it describes.

Every query here runs on the snapshot's own cursor (PostgreSQL: the exported REPEATABLE READ
transaction pg_dump reads; SQLite: the copy made by the online backup API), so the row counts,
the newest audit seal and the keys in use are exactly those of the dump beside them.
"""

import importlib.metadata

from django.apps import apps
from django.utils import timezone

from confidentiality.crypto.fields import encrypted_fields

FORMAT = 1


def application_version() -> str:
    try:
        return importlib.metadata.version("confidentiality")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def encrypted_columns() -> list[tuple[str, str]]:
    """``(table, column)`` of every encrypted field of every installed model."""
    columns = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in encrypted_fields(model):
            columns.append((model._meta.db_table, field.column))
    return sorted(set(columns))


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


def schema_version(cursor) -> dict[str, str]:
    """The newest migration applied, per app (names are numbered, so the greatest is newest)."""
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def audit_seal(cursor) -> dict:
    cursor.execute("SELECT COUNT(*) FROM confidentiality_auditseal")
    entries = cursor.fetchone()[0]
    cursor.execute(
        "SELECT entry_id, digest FROM confidentiality_auditseal ORDER BY id DESC LIMIT 1"
    )
    row = cursor.fetchone()
    return {
        "entries": entries,
        "entry_id": row[0] if row else None,
        "digest": row[1] if row else "",
    }


def field_keys_in_use(cursor, vendor: str, present: set[str]) -> list[str]:
    """The ids of the field keys the snapshot's values are sealed with (ids only, never a key).
    A value is ``<key id>$...``; only the part before the first ``$`` is read."""
    # A value without a "$" is not sealed at all: it is left out, never copied as a "key id".
    prefix, sealed = (
        ("split_part({c}, '$', 1)", "strpos({c}, '$') > 0")
        if vendor == "postgresql"
        else ("substr({c}, 1, instr({c}, '$') - 1)", "instr({c}, '$') > 0")
    )
    found = set()
    for table, column in encrypted_columns():
        if table not in present:
            continue
        c = quote(column)
        key_id, where = prefix.format(c=c), f"{c} IS NOT NULL AND {sealed.format(c=c)}"
        # Our tables and columns, quoted.
        sql = f"SELECT DISTINCT {key_id} FROM {quote(table)} WHERE {where}"  # noqa: S608
        cursor.execute(sql)
        found.update(row[0] for row in cursor.fetchall())
    return sorted(found)


def describe(cursor, vendor: str, server_version: str) -> dict:
    counts = row_counts(cursor, vendor)
    return {
        "format": FORMAT,
        "application_version": application_version(),
        "created": timezone.now().isoformat(timespec="seconds"),
        "vendor": vendor,
        "server_version": server_version,
        "schema": schema_version(cursor),
        "tables": counts,
        "audit_seal": audit_seal(cursor),
        "field_keys": field_keys_in_use(cursor, vendor, set(counts)),
    }
