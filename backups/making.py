"""Making a backup: snapshot, seal, read it all back, and only then call it good.

The file is written as ``<name>.partial`` and renamed when its check has passed, so a file named
``school-backup-*.backup`` is always one that was verified. Plaintext (the dump before sealing,
and again while checking) only ever lies in a work folder inside DEST that only the server's
account may open (0700, its files 0600), removed afterwards; a backup killed part-way leaves it
behind, and the next backup removes it (and the killed run's ``.partial`` file) first. A lock on
DEST keeps two backups from removing each other's work.
"""

import contextlib
import datetime
import fcntl
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from . import archive, manifest, postgres, snapshot
from .models import Backup
from .sealed_file import BackupRefused

log = logging.getLogger(__name__)

PREFIX = "school-backup-"
SUFFIX = ".backup"
WORK_PREFIX = f"{PREFIX}work-"
LOCK = ".school-backup.lock"


class BackupFailed(Exception):
    """The backup was not made (or not good); ``str()`` says why, for the technician."""


@dataclass
class Made:
    path: Path
    size: int
    seconds: float
    manifest: dict
    removed: list[Path]


def file_name(when) -> str:
    return f"{PREFIX}{when:%Y-%m-%dT%H-%M-%SZ}{SUFFIX}"


def backups_in(folder: Path) -> list[Path]:
    """The verified backup files in ``folder``, oldest first (their names sort by time)."""
    return sorted(p for p in Path(folder).glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def make(folder: Path, keep: int = 0, alias: str = "default") -> Made:
    started = time.monotonic()
    now = timezone.now()
    folder = Path(folder)
    final = folder / file_name(now.astimezone(datetime.UTC))
    partial = final.with_name(final.name + ".partial")
    old_umask = os.umask(0o077)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _only_backup_in(folder):
            remove_leftovers(folder)
            if final.exists():
                raise BackupRefused(f"{final} already exists: one backup a second at most.")
            with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=folder) as work:
                described, dump = snapshot.take(alias, Path(work))
                archive.write(partial, described, dump, settings.BACKUP_KEY)
                os.unlink(dump)
                check(partial, described, alias, Path(work))
            os.replace(partial, final)
    except (BackupRefused, OSError, DatabaseError, sqlite3.Error, subprocess.SubprocessError) as e:
        _remove(partial)
        problem = f"Backup FAILED: {e}"
        log.error("%s", problem)
        _record(now, "", None, time.monotonic() - started, problem)
        raise BackupFailed(problem) from None
    finally:
        os.umask(old_umask)
    seconds = time.monotonic() - started
    size = final.stat().st_size
    _record(now, final.name, size, seconds, "")
    removed = prune(folder, keep) if keep else []
    return Made(final, size, seconds, described, removed)


@contextlib.contextmanager
def _only_backup_in(folder: Path):
    with open(folder / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupRefused(f"Another backup is being written into {folder}.") from None
        yield


def remove_leftovers(folder: Path) -> list[Path]:
    """What a backup killed part-way left in ``folder``: its work folder (which may hold the
    database unencrypted) and its unverified ``.partial`` file. Only called under the lock."""
    left = [p for p in folder.glob(f"{PREFIX}*") if p.is_dir() or p.name.endswith(".partial")]
    for path in left:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        log.warning("Removed %s, left behind by a backup that was stopped part-way.", path.name)
    return left


def check(path: Path, described: dict, alias: str, work_folder: Path | None = None) -> None:
    """Open the sealed file as a restore would and check what is inside against ``described``:
    every chunk authenticates, the manifest is the one written, the dump's digest matches, and
    the dump itself reads whole (pg_restore) or passes SQLite's integrity check with the
    manifest's row counts."""
    with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=work_folder or path.parent) as work:
        dump = Path(work) / "dump"
        found = archive.open_into(path, settings.BACKUP_KEY, dump)
        if found != described:
            raise BackupRefused(
                f"{path.name}: the manifest read back differs from the one written."
            )
        if found["vendor"] == "postgresql":
            with_rows = [table for table, rows in found["tables"].items() if rows]
            postgres.check_dump(connections[alias].settings_dict, dump, with_rows)
        else:
            check_sqlite_copy(dump, found)


def check_sqlite_copy(dump: Path, described: dict) -> None:
    copy = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupRefused(f"the SQLite copy fails its integrity check: {result}")
        counts = manifest.row_counts(copy.cursor(), "sqlite")
    finally:
        copy.close()
    if counts != described["tables"]:
        raise BackupRefused("the SQLite copy's row counts differ from its manifest")


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups beyond the newest ``keep``."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def _remove(path: Path) -> None:
    # When the folder itself is the problem there is no file to remove.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _record(when, name: str, size, seconds: float, problem: str) -> None:
    """Remember the attempt for the dashboard; a database that cannot take the row (the very
    reason a backup failed, perhaps) must not hide the failure, which is raised anyway."""
    try:
        Backup.objects.create(
            made_at=when,
            file_name=name,
            size_bytes=size,
            seconds=round(seconds, 3),
            verified=not problem,
            problem=problem,
        )
    except DatabaseError as error:
        log.error("The backup attempt could not be recorded: %s", type(error).__name__)
