from django.core.management.base import BaseCommand

from confidentiality.crypto.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the newest key in FIELD_ENCRYPTION_KEYS, in "
        "batches, while the site runs. Safe to stop and run again: it resumes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        totals = rotate_all(batch_size=batch_size, report=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {totals['scanned']} values checked, {totals['rotated']} re-encrypted, "
                f"{totals['current']} already on the newest key, {totals['retry']} changed while "
                "running (run again to finish them)."
            )
        )
