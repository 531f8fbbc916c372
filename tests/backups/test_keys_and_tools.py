"""pg_dump is checked against the server before it is trusted; BACKUP_KEY stands apart."""

import pytest

from backups import postgres
from backups.sealed_file import BackupRefused


def test_an_older_pg_dump_than_the_server_is_refused(monkeypatch):
    monkeypatch.setattr(postgres, "tool_version", lambda name: (14, "pg_dump (PostgreSQL) 14.9"))
    with pytest.raises(BackupRefused, match="install the PostgreSQL 15 client tools"):
        postgres.check_tool_matches("pg_dump", 150020)


def test_the_same_major_version_is_used(monkeypatch):
    monkeypatch.setattr(postgres, "tool_version", lambda name: (15, "pg_dump (PostgreSQL) 15.2"))
    assert postgres.check_tool_matches("pg_dump", 150020) == "pg_dump (PostgreSQL) 15.2"


def test_the_password_goes_by_the_environment_not_the_command_line():
    env = postgres.tool_environment(
        {
            "NAME": "school",
            "USER": "app",
            "PASSWORD": "s3cret",
            "HOST": "db",
            "PORT": 5432,
            "OPTIONS": {"sslmode": "require"},
        }
    )
    assert env["PGPASSWORD"] == "s3cret" and env["PGDATABASE"] == "school"
    assert env["PGSSLMODE"] == "require" and env["PGPORT"] == "5432"


def test_the_backup_key_must_stand_apart(settings):
    from backups.checks import backup_key_stands_apart

    assert backup_key_stands_apart() == []
    settings.BACKUP_KEY = settings.AUDIT_CHAIN_KEY
    assert [error.id for error in backup_key_stands_apart()] == ["backups.E002"]
    settings.BACKUP_KEY = "short"
    assert [error.id for error in backup_key_stands_apart()] == ["backups.E001"]
