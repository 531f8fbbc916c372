"""Show this school's public transfer keys and their fingerprint (made the first time), or write
them to a file to give another school (``--out``)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from transfers.models import SchoolKeys


class Command(BaseCommand):
    help = "Show or write this school's public keys for child-protection file transfers."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="Write the public-keys file here.")

    def handle(self, *args, out=None, **options):
        keys = SchoolKeys.current().identity().public_keys()
        text = json.dumps(keys, indent=1)
        if out:
            Path(out).write_text(text)
            self.stdout.write(f"Public keys written to {out}.")
        else:
            self.stdout.write(text)
        self.stdout.write(
            f"Fingerprint (read it to the other school by phone): {keys['fingerprint']}"
        )
