"""Queue the daily check of performance-file delegations about to end or ended, for the task
worker. Run it from cron once a day (or with ``--every`` beside the worker)."""

from django.core.management.base import BaseCommand

from confidentiality.management.periodic import add_every_argument, run_every
from performance.tasks import tell_of_ending_delegations


class Command(BaseCommand):
    help = (
        "Tell reviewers a week before their delegated performance file closes to them, and "
        "tell them and the holder when it has (the email names no one's file content)."
    )

    def add_arguments(self, parser):
        add_every_argument(parser, "queueing the check")

    def handle(self, *args, every=0, **options):
        def queue():
            result = tell_of_ending_delegations.enqueue()
            if options["verbosity"] > 1:
                self.stdout.write(f"Delegation check queued ({result.id}).")

        run_every(queue, every)
