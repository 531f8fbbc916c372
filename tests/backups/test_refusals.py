"""A restore that cannot be trusted or would destroy something is refused, with the reason."""

import base64
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from backups.making import backups_in

from .conftest import row_counts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def made(school, tmp_path):
    call_command("backup", str(tmp_path / "backups"))
    (path,) = backups_in(tmp_path / "backups")
    return path


def _refused(path, *args) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(path), *args)
    return str(refusal.value)


def test_a_database_holding_the_school_is_not_wiped_without_replace(made):
    before = row_counts()
    message = _refused(made)
    assert "is not empty" in message
    assert "3 people" in message and "4 pupils" in message  # what it would have wiped
    assert "--replace" in message
    assert row_counts() == before


def test_another_backup_key_is_refused_and_named(made):
    before = row_counts()
    with override_settings(BACKUP_KEY="another-backup-key-0123456789-abcdefghij"):
        message = _refused(made, "--replace", "--no-input")
    assert "sealed with a different BACKUP_KEY" in message
    assert row_counts() == before


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_a_changed_byte_is_refused(made, where):
    data = bytearray(made.read_bytes())
    at = {"header": 20, "middle": len(data) // 2, "end": len(data) - 1}[where]
    data[at] ^= 0x01
    made.write_bytes(bytes(data))
    before = row_counts()
    message = _refused(made, "--replace", "--no-input")
    assert "Refused" in message
    assert "altered" in message or "different BACKUP_KEY" in message
    assert row_counts() == before


def test_a_file_cut_short_is_refused(made):
    made.write_bytes(made.read_bytes()[:-100])
    assert "cut short" in _refused(made, "--replace", "--no-input")


def test_a_missing_field_key_is_named_and_nothing_is_restored(made):
    before = row_counts()
    other_ring = f"k9:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"
    with override_settings(FIELD_ENCRYPTION_KEYS=other_ring):
        message = _refused(made, "--replace", "--no-input")
    assert "values sealed with key 'k1' cannot be opened: FIELD_ENCRYPTION_KEYS lacks it" in message
    assert row_counts() == before


def test_a_failed_backup_exits_loudly_and_is_recorded(school, tmp_path):
    from backups import status

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    with pytest.raises(CommandError, match="Backup FAILED"):
        call_command("backup", str(not_a_folder))
    attempt = status.last_attempt()
    assert attempt is not None and not attempt.verified and "FAILED" in attempt.problem
    assert status.last_good_backup() is None


def test_keep_leaves_the_newest_n(school, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    older = [folder / f"school-backup-2020-01-0{day}T02-00-00Z.backup" for day in (1, 2, 3)]
    for path in older:
        path.write_bytes(b"an older backup")
    unrelated = folder / "notes.txt"
    unrelated.write_text("not a backup")

    call_command("backup", str(folder), "--keep", "2")

    kept = backups_in(folder)
    assert len(kept) == 2
    assert kept[0] == older[2] and kept[1].name.startswith("school-backup-20")
    assert kept[1].name > older[2].name
    assert unrelated.exists()


def test_a_backup_that_does_not_read_back_is_not_kept(school, tmp_path, monkeypatch):
    """The self-check: a file damaged as it was written fails the backup, loudly."""
    from backups import archive, making, status

    write = archive.write

    def write_and_damage(destination, *args):
        write(destination, *args)
        data = bytearray(destination.read_bytes())
        data[len(data) // 2] ^= 0x01
        destination.write_bytes(bytes(data))

    monkeypatch.setattr(making.archive, "write", write_and_damage)
    folder = tmp_path / "backups"
    with pytest.raises(CommandError, match="Backup FAILED: .*altered or damaged"):
        call_command("backup", str(folder), "--keep", "1")
    assert [p.name for p in folder.iterdir()] == [making.LOCK]
    assert not status.last_attempt().verified
