"""A backup, a lost database, a restore: nothing is lost, on SQLite and on PostgreSQL."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from backups import archive
from backups.making import backups_in
from backups.models import Backup

from .conftest import audit_head, every_encrypted_value, row_counts

pytestmark = pytest.mark.django_db(transaction=True)


def _back_up(folder: Path) -> Path:
    call_command("backup", str(folder))
    (made,) = backups_in(folder)
    return made


def _manifest(path: Path, tmp_path: Path) -> dict:
    from django.conf import settings

    return archive.open_into(path, settings.BACKUP_KEY, tmp_path / "dump-for-test")


def test_the_manifest_describes_the_snapshot(school, tmp_path):
    made = _back_up(tmp_path / "backups")
    described = _manifest(made, tmp_path)
    counts = row_counts()
    head = audit_head()
    assert described["vendor"] == connection.vendor
    assert described["application_version"]
    assert described["schema"]["confidentiality"].startswith("0")
    assert described["audit_seal"] == {
        "entries": head.entries,
        "entry_id": head.last_entry_id,
        "digest": head.last_digest,
    }
    # The backup's own record is written after the snapshot, so the manifest counts one less.
    assert described["tables"] == counts | {"backups_backup": counts["backups_backup"] - 1}
    assert described["field_keys"] == ["k1"] or set(described["field_keys"]) <= {"k1", "k2"}
    assert "$" not in json.dumps(described["field_keys"])  # ids only, never a key
    record = Backup.objects.get()
    assert record.verified and record.file_name == made.name and record.size_bytes > 0


def _restore_and_compare(made, counts, values, head, *args):
    call_command("restore", str(made), *args)
    after = row_counts()
    assert after == counts | {"backups_backup": counts["backups_backup"] - 1}
    assert every_encrypted_value() == values
    assert audit_head() == head


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_round_trip_loses_nothing(school, student_factory, tmp_path):
    made = _back_up(tmp_path / "backups")
    counts, values, head = row_counts(), every_encrypted_value(), audit_head()
    assert values, "the school should have encrypted values to bring back"

    # The server is lost: what it held after the backup is gone with it.
    student_factory(first_name="Written", last_name="Afterwards")

    _restore_and_compare(made, counts, values, head, "--replace", "--no-input")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_round_trip_into_a_new_database_loses_nothing(school, tmp_path):
    made = _back_up(tmp_path / "backups")
    counts, values, head = row_counts(), every_encrypted_value(), audit_head()
    assert values

    original = connection.settings_dict["NAME"]
    restored = f"{original}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    connection.close()
    connection.settings_dict["NAME"] = restored
    try:
        # A new, empty database: nothing to wipe.
        _restore_and_compare(made, counts, values, head)
        # Restored again over itself: --replace wipes the schema first.
        _restore_and_compare(made, counts, values, head, "--replace", "--no-input")
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
