"""``python manage.py import_mis <kind> <file> [--dry-run] [--all-or-nothing] [--by USERNAME]``

The same import as the browser's: a report line per row, nothing changed for a bad file, and the
audit trail names the person given with ``--by`` as the one who made the changes. The person
named must be one who may import in the application, and is held to the same rules there (no
rows about themselves; nobody named in an open concern about an adult imports anything).
"""

import contextlib
from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from records.importing import IMPORTERS, BadFile
from records.policy import may_import


class Command(BaseCommand):
    help = (
        "Import students, contacts, classes, staff or assignments from the school's MIS CSV export."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but save nothing."
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="Import nothing if any row is rejected.",
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help="Who is importing (named in the audit trail)."
        )

    def handle(self, kind, file, dry_run, all_or_nothing, by=None, **options):
        actor = None
        if by:
            actor = get_user_model().objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"There is no account with the username {by!r}.")
            if not may_import(actor):
                raise CommandError(f"{by} may not import from the MIS in the application.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        context = set_actor(actor) if actor else contextlib.nullcontext()
        try:
            with context:
                report = IMPORTERS[kind].run(
                    data,
                    filename=file.name,
                    dry_run=dry_run,
                    all_or_nothing=all_or_nothing,
                    by=actor,
                )
        except BadFile as problem:
            raise CommandError(f"{file.name}: nothing was imported. {problem}") from None
        if report.ignored_columns:
            self.stdout.write(f"Columns ignored: {', '.join(report.ignored_columns)}")
        for row in report.rows:
            self.stdout.write(str(row))
        given = "gave" if report.applied else "would have given"
        for grant in report.grants:
            self.stdout.write(f"access {given}: {grant}")
        if all_or_nothing and not dry_run and not report.applied:
            raise CommandError(report.summary)
        self.stdout.write(report.summary)
