"""Making a backup: snapshot, seal, read it all back, and only then call it good.

The file is written as ``<name>.partial`` and renamed when its check has passed, so a file named
``school-backup-*.backup`` is always one that was verified. Plaintext (the dump before sealing,
and again while checking) only ever lies in a private temporary folder, removed afterwards.
"""

import contextlib
import datetime
import logging
import os
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
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if final.exists():
            raise BackupRefused(f"{final} already exists: one backup a second at most.")
        with tempfile.TemporaryDirectory(prefix="school-backup-") as work:
            described, dump = snapshot.take(alias, Path(work))
            archive.write(partial, described, dump, settings.BACKUP_KEY)
        check(partial, described, alias)
        os.replace(partial, final)
    except (BackupRefused, OSError, DatabaseError, sqlite3.Error, subprocess.SubprocessError) as e:
        _remove(partial)
        problem = f"Backup FAILED: {e}"
        log.error("%s", problem)
        _record(now, "", None, time.monotonic() - started, problem)
        raise BackupFailed(problem) from None
    seconds = time.monotonic() - started
    size = final.stat().st_size
    _record(now, final.name, size, seconds, "")
    removed = prune(folder, keep) if keep else []
    return Made(final, size, seconds, described, removed)


def check(path: Path, described: dict, alias: str) -> None:
    """Open the sealed file as a restore would and check what is inside against ``described``:
    every chunk authenticates, the manifest is the one written, the dump's digest matches, and
    the dump itself reads whole (pg_restore) or passes SQLite's integrity check with the
    manifest's row counts."""
    with tempfile.TemporaryDirectory(prefix="school-backup-check-") as work:
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
