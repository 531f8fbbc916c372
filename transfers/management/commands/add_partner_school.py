"""Record another school's public keys, as the partner schools page does: only when the
fingerprint its DSL read out by phone matches the keys."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfers.forms import PartnerForm


class Command(BaseCommand):
    help = "Record a partner school's public keys after comparing the fingerprint."

    def add_arguments(self, parser):
        parser.add_argument("keys_file", help="The public-keys file the other school sent.")
        parser.add_argument("--fingerprint", required=True, help="As read out by their DSL.")

    def handle(self, *args, keys_file, fingerprint, **options):
        form = PartnerForm({"keys": Path(keys_file).read_text(), "fingerprint": fingerprint})
        if not form.is_valid():
            raise CommandError(" ".join(e for errors in form.errors.values() for e in errors))
        partner = form.save()
        self.stdout.write(f"Recorded {partner}.")
