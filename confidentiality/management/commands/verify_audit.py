import os

from django.core.management.base import BaseCommand, CommandError

from confidentiality.audit import checkpoint
from confidentiality.audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit log's keyed hash chain; fail naming the first entry that was "
        "altered, removed or inserted. With --checkpoint FILE, also fail if the newest entries "
        "the last checkpoint recorded are gone, then record the new head in FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes checking a long trail side by side, each a run of it (default: "
            "up to two, one per core).",
        )
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help=(
                "Compare with the checkpoint in FILE (entry count, newest entry, its seal) and "
                "replace it with the current head when everything is intact. Keep FILE off the "
                "database server (the periodic check writes settings.AUDIT_CHECKPOINT_FILE)."
            ),
        )

    def handle(self, *args, checkpoint=None, workers=1, **options):
        if checkpoint:
            return self._against_checkpoint(checkpoint, workers)
        checked, broken = verify_chain(workers=workers)
        if broken is not None:
            raise CommandError(f"Audit trail broken after {checked} intact entries: {broken}")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} entries verified."))

    def _against_checkpoint(self, path, workers):
        try:
            new, previous = checkpoint.check_and_write(path, workers=workers)
        except checkpoint.CheckpointError as error:
            raise CommandError(str(error)) from None
        since = (
            f"it still reaches {previous.describe()}"
            if previous is not None
            else f"no earlier checkpoint in {path}, this is the first"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {new.entries} entries verified; {since}. "
                f"Checkpoint written to {path}."
            )
        )
