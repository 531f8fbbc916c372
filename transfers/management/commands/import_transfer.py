"""Import a file another school sent, a child-protection file or a pupil record (the same checks
as the import pages): the signature, the address, the version, a replay, the content; then the
child is matched or added and the history lands in their chronology, or the record in their
record, as received. ``--by`` names who imports it: the safeguarding team imports a
child-protection file, the office or the head teacher a pupil record. The signed receipt is
written beside the file (or to ``--receipt``) for the sending school to record."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from confidentiality.audit import acting_as
from transfers import envelope, receiving
from transfers.policy import may_move_records, may_transfer


class Command(BaseCommand):
    help = "Import a child's file from another school and write its signed receipt."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .json file the other school sent.")
        parser.add_argument("--receipt", help="Where to write the receipt (default: beside it).")
        parser.add_argument(
            "--by", help="The username of the person importing it (for the audit trail)."
        )

    def handle(self, *args, file, receipt=None, by=None, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        person, kinds = None, envelope.KINDS
        if by:
            person = get_user_model().objects.filter(username=by, is_active=True).first()
            kinds = tuple(
                kind
                for kind, may in (
                    (envelope.CHILD_PROTECTION_FILE, may_transfer),
                    (envelope.PUPIL_RECORD, may_move_records),
                )
                if person is not None and may(person)
            )
            if not kinds:
                raise CommandError(
                    f"{by} is not an active member of the safeguarding team, the office or the "
                    "head teacher."
                )
        try:
            with acting_as(person):
                imported = receiving.import_file(data, by=person, kinds=kinds)
        except envelope.Refused as refused:
            raise CommandError(str(refused)) from refused
        out = Path(receipt) if receipt else path.with_name(f"receipt-{path.stem}.json")
        out.write_bytes(imported.receipt)
        received = imported.received
        cp = isinstance(received, receiving.RECEIVED[envelope.CHILD_PROTECTION_FILE])
        what = "child-protection file" if cp else "pupil record"
        self.stdout.write(
            f"Imported the {what} from {received.from_school} for "
            f"{received.student}"
            + (" (added: not on roll before)" if imported.created_child else "")
            + f". Send the receipt {out} back to {received.from_school}."
        )
        if imported.landed:
            self.stdout.write(f"Added to the child's record: {', '.join(imported.landed)}.")
        if imported.contacts_to_check:
            self.stdout.write(
                "Parents and carers named in the file (none was added: check each one with the "
                "family, then add them as for any child):"
            )
            for contact in imported.contacts_to_check:
                responsibility = (
                    ", parental responsibility" if contact["parental_responsibility"] else ""
                )
                self.stdout.write(
                    f"  {contact['first_name']} {contact['last_name']} "
                    f"({contact['relationship']}{responsibility}) {contact['email']}".rstrip()
                )
