import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from confidentiality.audit.chain import verify_chain
from retention.schedule import apply


class Command(BaseCommand):
    help = (
        "Delete every record whose retention period has passed and which no legal hold covers, "
        "writing a deletion certificate for each (names and content never appear). Records "
        "whose rule says review are listed, not deleted. With --dry-run nothing is deleted: "
        "the run says what it would delete. The audit trail is verified afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Delete nothing; list only.")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="The head teacher or DSL on whose instruction the run is made (named on the "
            "certificates).",
        )

    def handle(self, *args, dry_run=False, by=None, **options):
        person = None
        if by:
            person = get_user_model().objects.filter(username=by, is_active=True).first()
            if person is None:
                raise CommandError(f"No active account named {by}.")
        description = f"apply_retention run by {getpass.getuser()}" + (
            f" on the instruction of {person.get_full_name() or person.username}" if person else ""
        )
        result = apply(dry_run=dry_run, by=person, description=description)
        done = "Would delete" if dry_run else "Deleted"
        for certificate in result.deleted:
            self.stdout.write(
                f"{done}: {certificate.kind_label} {certificate.reference} "
                f"(due {certificate.due_on}, {certificate.rows_removed} rows)"
            )
        for record, why in result.blocked:
            self.stdout.write(f"Not deleted: {record.kind.label} {record.reference}: {why}")
        for record in result.held:
            self.stdout.write(
                f"Kept: {record.kind.label} {record.reference}: {record.held_because}"
            )
        for record in result.for_review:
            self.stdout.write(
                f"Due for review: {record.kind.label} {record.reference} (due {record.due_on})"
            )
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"Audit trail broken after {checked} intact entries: {broken}")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            self.style.SUCCESS(
                f"Retention run {result.run}: {verb} {len(result.deleted)}, kept "
                f"{len(result.held)}, due for review {len(result.for_review)}, still needed by "
                f"other records {len(result.blocked)}. "
                f"Audit trail intact: {checked} entries verified."
            )
        )
