"""After ``BLIND_INDEX_KEY`` changes: compute the safeguarding records' blind references again
from the sealed keys, so each child's and adult's concerns are found again."""

from django.core.management.base import BaseCommand

from safeguarding.models.links import rebuild_references


class Command(BaseCommand):
    help = (
        "Recompute the keyed references that link safeguarding records to children and adults "
        "(run once after changing BLIND_INDEX_KEY; needs FIELD_ENCRYPTION_KEYS)."
    )

    def handle(self, *args, **options):
        counts = rebuild_references()
        self.stdout.write(
            "Blind references rewritten: {children} concerns about children, {adults} concerns "
            "about adults, {shares} information shares, {advice} requests for advice.".format(
                **counts
            )
        )
