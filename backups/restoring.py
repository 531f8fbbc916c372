"""Restoring a backup into the configured database, and proving it came back whole.

Nothing in the database is touched until the whole file has authenticated, its dump matches its
manifest, the backup is of the same kind of database, this version of the application knows its
schema, and the key ring holds every field key its values are sealed with. Afterwards the restore
is called good only when every table's row count is the manifest's, the audit chain verifies to
the manifest's seal, and a sample of the values of every encrypted column opens.
"""

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from confidentiality.audit.chain import verify_head
from confidentiality.crypto.fields import encrypted_fields
from confidentiality.crypto.keyring import DecryptionError, Sealed, keyring
from confidentiality.crypto.sealing import forget_cached_key

from . import archive, manifest, postgres
from .sealed_file import BackupRefused

SAMPLE_PER_COLUMN = 25


@dataclass
class Verified:
    tables: int
    rows: int
    audit_entries: int
    columns: int
    values_opened: int
    pending_migrations: list[str] = field(default_factory=list)


def open_backup(source: Path, backup_key: str, dump: Path) -> dict:
    if not Path(source).is_file():
        raise BackupRefused(f"{source} is not a file.")
    return archive.open_into(source, backup_key, dump)


def missing_key_message(key_ids) -> str:
    return "; ".join(
        f"values sealed with key '{key_id}' cannot be opened: FIELD_ENCRYPTION_KEYS lacks it"
        for key_id in sorted(key_ids)
    )


def refuse_what_cannot_come_back(described: dict, alias: str) -> None:
    """Everything that can be known from the manifest alone, before the database is touched."""
    vendor = connections[alias].vendor
    if described.get("format") != manifest.FORMAT:
        raise BackupRefused(f"This backup's format ({described.get('format')}) is not known here.")
    if described["vendor"] != vendor:
        raise BackupRefused(
            f"This is a backup of a {described['vendor']} database, and DATABASE_URL names a "
            f"{vendor} one: restore it into a {described['vendor']} database."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {config.label for config in apps.get_app_configs()}
    unknown = [
        f"{app} {name}"
        for app, name in described["schema"].items()
        if app in installed and (app, name) not in known
    ]
    if unknown:
        raise BackupRefused(
            "This backup was made by a newer version of the application "
            f"({described['application_version']}; this version lacks the migrations "
            + ", ".join(unknown[:5])
            + "). Install that version, then restore."
        )
    missing = set(described["field_keys"]) - set(keyring().order)
    if missing:
        raise BackupRefused(missing_key_message(missing) + ". Nothing was restored.")


def current_contents(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return manifest.row_counts(cursor, connection.vendor)


# What ``migrate`` itself writes into a new database: its bookkeeping, the content types and
# permissions, and the application's own seed rows (the roles, the agreement's first text).
MADE_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
    }
)
SEED_ROWS = {"confidentiality_confidentialityagreement": 1, "records_sensitivetopic": 10}


def holds_school_data(counts: dict[str, int], fresh: dict[str, int] | None = None) -> bool:
    """Any row a new database would not hold, in any of the application's tables: a table
    ``migrate`` seeds counts only beyond its seed rows (``fresh``, the counts of a database
    just migrated, where known), every other table counts from its first row."""
    fresh = SEED_ROWS if fresh is None else fresh
    return any(
        rows > fresh.get(table, 0)
        for table, rows in counts.items()
        if rows and table not in MADE_BY_MIGRATE
    )


def describe_contents(counts: dict[str, int]) -> str:
    people = counts.get(get_user_model()._meta.db_table, 0)
    pupils = counts.get("records_student", 0)
    entries = counts.get("auditlog_logentry", 0)
    rows = sum(counts.values())
    return (
        f"{people} people, {pupils} pupils and {entries} audit entries "
        f"({rows:,} rows in {len(counts)} tables)"
    )


def replace_contents(dump: Path, alias: str) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        wipe = _wipe_postgresql_sql(alias)
        connection.close()
        postgres.restore(connection.settings_dict, dump, wipe_first=wipe)
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            # The online backup API, backwards: the whole file replaces the database at once,
            # in one write transaction on the destination, so a copy that fails leaves it as it
            # was; its write-ahead log is handled by SQLite rather than by copying files around.
            copy.backup(connection.connection)
        finally:
            copy.close()
    forget_cached_key()


def _wipe_postgresql_sql(alias: str) -> str:
    """SQL that drops the schema the application's tables live in, with everything in it
    (tables, the audit trail's triggers and their function), makes it again, empty, and removes
    the large objects (which live outside any schema and would make the restore fail). It runs
    in the restore's own transaction (``postgres.restore``), never on its own."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if not manifest.tables(cursor, "postgresql"):
            return ""  # a new database: nothing to wipe
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        if not schema:
            raise BackupRefused("The database has no current schema to restore into.")
    name = manifest.quote(schema)
    return (
        f"DROP SCHEMA {name} CASCADE;\n"
        f"CREATE SCHEMA {name};\n"
        "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata;\n"
    )


def verify(described: dict, alias: str) -> Verified:
    """Raises ``BackupRefused`` naming every way the restored database differs."""
    problems = []
    counts = current_contents(alias)
    expected = described["tables"]
    for table in sorted(set(expected) | set(counts)):
        if counts.get(table) != expected.get(table):
            problems.append(
                f"table {table}: {counts.get(table, 'missing')} rows, the backup had "
                f"{expected.get(table, 'none')}"
            )
    problems += _audit_problems(described["audit_seal"])
    columns, opened, value_problems = sample_encrypted_values(alias)
    problems += value_problems
    if problems:
        raise BackupRefused(
            "The restored database does not match the backup:\n  - " + "\n  - ".join(problems)
        )
    return Verified(
        tables=len(counts),
        rows=sum(counts.values()),
        audit_entries=described["audit_seal"]["entries"],
        columns=columns,
        values_opened=opened,
        pending_migrations=_pending_migrations(alias),
    )


def _audit_problems(seal: dict) -> list[str]:
    head, broken = verify_head()
    if broken is not None:
        hint = (
            " (is AUDIT_CHAIN_KEY the school's own? With another key the very first entry fails)"
            if head.entries == 0
            else ""
        )
        return [f"the audit trail does not verify: {broken}{hint}"]
    if (head.entries, head.last_entry_id, head.last_digest or "") != (
        seal["entries"],
        seal["entry_id"],
        seal["digest"] or "",
    ):
        return [
            f"the audit trail ends at entry {head.last_entry_id} ({head.entries} entries), the "
            f"backup's at entry {seal['entry_id']} ({seal['entries']} entries)"
        ]
    return []


def sample_encrypted_values(alias: str) -> tuple[int, int, list[str]]:
    """Open up to ``SAMPLE_PER_COLUMN`` values of every encrypted column, chosen at random.
    Returns (columns, values opened, problems); a key the ring lacks is named once."""
    ring = keyring()
    columns = opened = 0
    problems, missing = [], set()
    for model in apps.get_models():
        fields = encrypted_fields(model) if not model._meta.proxy else []
        has_version = any(f.name == "seal_version" for f in model._meta.concrete_fields)
        for field_ in fields:
            columns += 1
            wanted = (
                ["pk", "seal_version", field_.attname] if has_version else ["pk", field_.attname]
            )
            rows = (
                model._base_manager.using(alias)
                .filter(**{f"{field_.attname}__isnull": False})
                .order_by("?")
                .values_list(*wanted)[:SAMPLE_PER_COLUMN]
            )
            for row in rows:
                pk, sealed = row[0], row[-1]
                if not isinstance(sealed, Sealed):
                    sealed = Sealed(str(sealed))
                row_ = SimpleNamespace(pk=pk, seal_version=row[1] if has_version else 0)
                if sealed.key_id not in ring:
                    missing.add(sealed.key_id)
                    continue
                try:
                    ring.open(sealed, field_.context(row_), field_.where(row_))
                    opened += 1
                except DecryptionError as error:
                    problems.append(str(error))
    if missing:
        problems.insert(0, missing_key_message(missing))
    return columns, opened, problems[:20]


def _pending_migrations(alias: str) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label} {migration.name}" for migration, _ in plan]
