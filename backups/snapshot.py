"""A consistent copy of the database, with the manifest read from that same copy.

PostgreSQL: one REPEATABLE READ, READ ONLY transaction exports its snapshot; the manifest is read
in it and ``pg_dump --format=custom --snapshot`` dumps exactly it, while the school goes on
working. SQLite: the online backup API copies the database in one step under a read lock, and
the manifest is read from the copy.
"""

import sqlite3
from pathlib import Path

from django.db import connections, transaction

from . import manifest, postgres
from .sealed_file import BackupRefused


def take(alias: str, folder: Path) -> tuple[dict, Path]:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return _postgresql(alias, folder)
    if connection.vendor == "sqlite":
        return _sqlite(alias, folder)
    raise BackupRefused(f"Backups of a {connection.vendor} database are not supported.")


def _postgresql(alias: str, folder: Path) -> tuple[dict, Path]:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupRefused("A backup must start outside any transaction.")
    dump = folder / "database.pgdump"
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')")
        snapshot, version_num = cursor.fetchone()
        tool = postgres.check_tool_matches("pg_dump", int(version_num))
        cursor.execute("SHOW server_version")
        described = manifest.describe(cursor, "postgresql", cursor.fetchone()[0])
        # The transaction stays open until pg_dump has read the snapshot it exported.
        postgres.dump(connection.settings_dict, snapshot, dump)
    described["dump"] = {"format": "pg_dump custom", "tool": tool}
    return described, dump


def _sqlite(alias: str, folder: Path) -> tuple[dict, Path]:
    connection = connections[alias]
    connection.ensure_connection()
    dump = folder / "database.sqlite3"
    copy = sqlite3.connect(dump)
    try:
        connection.connection.backup(copy)
        # A self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        described = manifest.describe(copy.cursor(), "sqlite", sqlite3.sqlite_version)
    finally:
        copy.close()
    described["dump"] = {"format": "sqlite online backup"}
    return described, dump
