"""``manage.py backup DEST``: one encrypted, verified backup file in DEST. ``make run`` runs it
daily beside the server; in production run it from cron or a systemd timer (or with --every as
a service), with DEST on a disk that is copied off the server."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.making import BackupFailed, make
from confidentiality.management.periodic import add_every_argument, run_every


class Command(BaseCommand):
    help = (
        "Back up the whole database into one file in DEST, encrypted with BACKUP_KEY, with a "
        "manifest (version, schema, row counts, the newest audit seal, the field keys in use). "
        "The file is read back and checked before it counts; a failure exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", metavar="DEST", help="The folder to write into.")
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            metavar="N",
            help="After a good backup, delete the oldest backups in DEST beyond the newest N.",
        )
        add_every_argument(parser, "backing up")

    def handle(self, *args, destination, keep=0, every=0, **options):
        if keep < 0:
            raise CommandError("--keep must be 0 (keep all) or more.")

        def back_up():
            try:
                made = make(Path(destination), keep=keep)
            except BackupFailed as error:
                if not every:
                    raise CommandError(str(error)) from None
                # The loop goes on (tomorrow's backup may work); the failure is loud and is on
                # the DSL's and head teacher's dashboards.
                self.stderr.write(self.style.ERROR(str(error)))
                sys.stderr.flush()
                return
            seal = made.manifest["audit_seal"]
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backup written and verified: {made.path} ({made.size:,} bytes, "
                    f"{sum(made.manifest['tables'].values()):,} rows in "
                    f"{len(made.manifest['tables'])} tables, {seal['entries']} audit entries, "
                    f"{made.seconds:.1f} s)."
                )
            )
            for path in made.removed:
                self.stdout.write(f"Removed the older backup {path.name} (--keep {keep}).")

        run_every(back_up, every)
