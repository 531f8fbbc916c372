"""``manage.py restore SRC``: put a backup back into the configured database, then prove it
came back whole (see ``backups.restoring``)."""

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from backups import restoring
from backups.sealed_file import BackupRefused

WORK_PREFIX = "school-restore-"


def remove_leftovers() -> list[Path]:
    """The work folders (each may hold a decrypted dump) of restores killed part-way: restores
    are run one at a time, with the services stopped, so any left is stale."""
    left = [
        path
        for path in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*")
        if path.is_dir() and not path.is_symlink() and path.stat().st_uid == os.getuid()
    ]
    for path in left:
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
    return left


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database (stop the "
        "web server and the periodic commands first). Refuses a database that already holds "
        "the school's data unless --replace is given; checks row counts, the audit trail and "
        "the encrypted values before saying it is done."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SRC", help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Wipe what the database holds now and put the backup in its place.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation before --replace wipes the database.",
        )
        parser.add_argument("--database", default="default", help=argparse.SUPPRESS)

    def handle(self, *args, source, replace=False, interactive=True, database="default", **options):
        started = time.monotonic()
        remove_leftovers()
        old_umask = os.umask(0o077)
        try:
            with tempfile.TemporaryDirectory(prefix=WORK_PREFIX) as work:
                dump = Path(work) / "dump"
                described = restoring.open_backup(Path(source), settings.BACKUP_KEY, dump)
                self.stdout.write(
                    f"{Path(source).name}: authenticated; made {described['created']} by version "
                    f"{described['application_version']} on {described['vendor']}."
                )
                restoring.refuse_what_cannot_come_back(described, database)
                self._make_room(database, replace, interactive)
                restoring.replace_contents(dump, database)
            self.stdout.write("Restored; checking it against the backup's manifest...")
            verified = restoring.verify(described, database)
        except (BackupRefused, DatabaseError, OSError) as error:
            raise CommandError(f"Restore FAILED: {error}") from None
        finally:
            os.umask(old_umask)
        seal = described["audit_seal"]
        # The seal's first characters are those of the DSL's daily receipt, to compare.
        trail = (
            f"{seal['entries']} entries, ending at entry {seal['entry_id']} with the seal "
            f"{seal['digest'][:12]}…"
            if seal["entries"]
            else "no entries"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore done and verified in {time.monotonic() - started:.1f} s: "
                f"{verified.rows:,} rows in {verified.tables} tables as in the backup; the audit "
                f"trail verifies ({trail}, as in the backup); {verified.values_opened} sampled "
                f"values of {verified.columns} encrypted columns open with FIELD_ENCRYPTION_KEYS."
            )
        )
        if verified.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    "This version of the application is newer than the backup: run "
                    "`python manage.py migrate` before starting the services."
                )
            )

    def _make_room(self, database: str, replace: bool, interactive: bool) -> None:
        counts = restoring.current_contents(database)
        name = connections[database].settings_dict["NAME"]
        if not restoring.holds_school_data(counts):
            return
        there = restoring.describe_contents(counts)
        if not replace:
            raise BackupRefused(
                f"The database {name} is not empty: it holds {there}. Nothing was changed. To "
                "wipe it and put the backup in its place, run restore again with --replace."
            )
        self.stdout.write(
            self.style.WARNING(f"--replace: this WIPES everything in the database {name}: {there}.")
        )
        if interactive:
            answer = input("Type 'wipe' to wipe it and restore the backup: ")
            if answer.strip().lower() != "wipe":
                raise BackupRefused("Not confirmed. Nothing was changed.")
