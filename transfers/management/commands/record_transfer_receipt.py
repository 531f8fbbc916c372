"""Record the signed receipt a school sent back after importing a child's file (as the transfer's
page does): checked against that school's key and the file this school sent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfers import envelope, sending


class Command(BaseCommand):
    help = "Record a receiving school's signed receipt for a file this school sent."

    def add_arguments(self, parser):
        parser.add_argument("receipt", help="The receipt file the other school sent back.")

    def handle(self, *args, receipt, **options):
        try:
            transfer = sending.record_receipt(Path(receipt).read_bytes())
        except envelope.Refused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Receipt recorded: {transfer.school_name} has the file.")
