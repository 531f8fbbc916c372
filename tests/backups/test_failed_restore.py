"""A restore that fails part-way leaves the live database exactly as it was: the wipe and the
restore are one transaction, so nothing is committed unless all of it ran."""

import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from backups import postgres, restoring
from backups.making import backups_in

from .conftest import row_counts

pytestmark = pytest.mark.django_db(transaction=True)


def _back_up(folder: Path) -> Path:
    call_command("backup", str(folder))
    (made,) = backups_in(folder)
    return made


@pytest.fixture
def large_object():
    """A large object, as the application's role could make one; removed afterwards (a flush
    between tests leaves large objects alone)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lo_from_bytea(0, 'left behind')")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT lo_unlink(oid) FROM pg_largeobject_metadata")


def _restore(made: Path) -> None:
    with pytest.raises(CommandError, match="Restore FAILED"):
        call_command("restore", str(made), "--replace", "--no-input")
    connection.close()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_restore_cut_short_leaves_every_row_in_place(school, tmp_path, monkeypatch):
    made = _back_up(tmp_path / "backups")
    before = row_counts()
    # pg_restore dies part-way through: half its script has gone to psql, then it fails.
    real = postgres.tool("pg_restore")
    broken = tmp_path / "pg_restore"
    broken.write_text(f'#!/bin/sh\n"{real}" "$@" | head -c 20000\nexit 1\n')
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    real_tool = postgres.tool
    monkeypatch.setattr(
        postgres, "tool", lambda name: str(broken) if name == "pg_restore" else real_tool(name)
    )

    _restore(made)

    assert row_counts() == before
    assert sum(before.values()) > 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_restore_the_database_refuses_leaves_every_row_in_place(
    school, large_object, tmp_path, monkeypatch
):
    """The attack: a large object survives DROP SCHEMA, the dump holds it too, and the restore
    fails on it ("Key (oid)=... already exists") after the schema was dropped."""
    made = _back_up(tmp_path / "backups")
    before = row_counts()
    # The wipe without its removal of large objects: the restore's lo_create then conflicts.
    wipe = restoring._wipe_postgresql_sql
    monkeypatch.setattr(
        restoring,
        "_wipe_postgresql_sql",
        lambda alias: "\n".join(
            line for line in wipe(alias).splitlines() if "lo_unlink" not in line
        ),
    )

    _restore(made)

    assert row_counts() == before


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_wipe_removes_large_objects_so_a_second_restore_succeeds(
    school, large_object, tmp_path
):
    made = _back_up(tmp_path / "backups")
    # The record of the backup itself is written after its snapshot.
    before = {**row_counts(), "backups_backup": 0}
    call_command("restore", str(made), "--replace", "--no-input")
    call_command("restore", str(made), "--replace", "--no-input")
    connection.close()
    assert row_counts() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_largeobject_metadata")
        assert cursor.fetchone()[0] == 1


def test_a_database_holding_any_of_the_schools_rows_is_not_taken_for_new():
    fresh = {"django_migrations": 121, "auth_group": 12, "records_sensitivetopic": 10}
    assert not restoring.holds_school_data(fresh)
    assert restoring.holds_school_data({**fresh, "records_student": 1})
    assert restoring.holds_school_data({**fresh, "safeguarding_concern": 1})
    assert restoring.holds_school_data({**fresh, "records_sensitivetopic": 11})
