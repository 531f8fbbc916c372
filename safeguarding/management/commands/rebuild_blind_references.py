"""After ``BLIND_INDEX_KEY`` changes: compute the safeguarding records' blind references again
from the sealed keys, so each child's and adult's concerns are found again.

It refuses to start while any value is sealed with a key this server lacks (what
``rotate_keys --check`` reports): those rows could not be re-linked, and a rebuild run then
would leave them behind under the old key. Rows it still cannot open are skipped, never blanked,
and make it exit with an error naming how many."""

from django.core.management.base import BaseCommand, CommandError

from confidentiality.crypto.keyring import keyring
from confidentiality.crypto.rotation import key_counts, totals_by_key
from safeguarding.models.links import rebuild_references


class Command(BaseCommand):
    help = (
        "Recompute the keyed references that link safeguarding records to children and adults "
        "(run once after changing BLIND_INDEX_KEY; needs FIELD_ENCRYPTION_KEYS)."
    )

    def handle(self, *args, **options):
        ring = keyring()
        missing = {
            key: count for key, count in totals_by_key(key_counts()).items() if key not in ring
        }
        if missing:
            listed = ", ".join(f"{count} on ‘{key}’" for key, count in sorted(missing.items()))
            raise CommandError(
                f"Nothing was changed: values are sealed with keys FIELD_ENCRYPTION_KEYS lacks "
                f"({listed}). Put those keys back (see rotate_keys --check), then run this again."
            )
        counts = rebuild_references()
        self.stdout.write(
            "Blind references rewritten: {children} concerns about children, {adults} concerns "
            "about adults, {shares} information shares, {advice} requests for advice.".format(
                **counts
            )
        )
        if counts["skipped"]:
            raise CommandError(
                f"{counts['skipped']} records could not be opened on this server and keep their "
                "old references (nothing of theirs was removed): fix their keys (rotate_keys "
                "--check) and run this again."
            )
