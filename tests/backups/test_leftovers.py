"""A backup or restore killed part-way (kill -9) leaves its plaintext work behind; the next run
removes it, and everything written is for the server's own account alone."""

import stat
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from backups.making import LOCK, WORK_PREFIX, backups_in, make
from backups.management.commands import restore

pytestmark = pytest.mark.django_db(transaction=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_next_backup_removes_what_a_killed_one_left(school, tmp_path):
    dest = tmp_path / "backups"
    dest.mkdir()
    good = dest / "school-backup-2026-01-01T00-00-00Z.backup"  # an earlier, verified backup
    good.write_bytes(b"sealed")
    # What kill -9 leaves: the work folder with the unencrypted dump, and the unsealed file.
    work = dest / f"{WORK_PREFIX}abc123"
    work.mkdir()
    (work / "database.pgdump").write_bytes(b"the whole database, unencrypted")
    partial = dest / "school-backup-2026-01-02T00-00-00Z.backup.partial"
    partial.write_bytes(b"half a backup")

    made = make(dest)

    assert not work.exists() and not partial.exists()
    assert set(backups_in(dest)) == {good, made.path}
    assert {p.name for p in dest.iterdir()} == {good.name, made.path.name, LOCK}


def test_what_a_backup_writes_is_for_the_servers_account_alone(school, tmp_path, monkeypatch):
    dest = tmp_path / "new" / "backups"
    seen = {}
    from backups import archive

    real_write = archive.write

    def write(destination, described, dump, key):
        seen["work"] = mode(Path(dump).parent)
        seen["dump"] = mode(Path(dump))
        seen["inside_dest"] = Path(dump).parent.parent == dest
        return real_write(destination, described, dump, key)

    monkeypatch.setattr(archive, "write", write)
    made = make(dest)
    assert mode(dest) == 0o700
    assert mode(made.path) == 0o600
    assert seen == {"work": 0o700, "dump": 0o600, "inside_dest": True}


def test_the_next_restore_removes_what_a_killed_one_left(school, tmp_path):
    left = Path(tempfile.mkdtemp(prefix=restore.WORK_PREFIX))
    (left / "dump").write_bytes(b"the whole database, decrypted")
    dest = tmp_path / "backups"
    make(dest)
    (made,) = backups_in(dest)
    call_command("restore", str(made), "--replace", "--no-input")
    assert not left.exists()
