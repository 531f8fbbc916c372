"""Queue the training reminders (P9) for the task worker. ``make run`` starts it with
``--every 3600`` beside the worker; in production run it from cron once a day."""

from django.core.management.base import BaseCommand

from confidentiality.management.periodic import add_every_argument, run_every
from safeguarding.tasks import send_training_reminders


class Command(BaseCommand):
    help = (
        "Remind staff whose child-protection training or policy reading is due within 30 days "
        "or overdue (one reminder per stage; the email names only the course and the date)."
    )

    def add_arguments(self, parser):
        add_every_argument(parser, "queueing the reminders")

    def handle(self, *args, every=0, **options):
        def queue():
            result = send_training_reminders.enqueue()
            if options["verbosity"] > 1:
                self.stdout.write(f"Training reminders queued ({result.id}).")

        run_every(queue, every)
