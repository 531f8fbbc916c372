"""Queue the training reminders (P9) for the task worker. ``make run`` starts it with
``--every 3600`` beside the worker; in production run it from cron once a day."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from safeguarding.tasks import send_training_reminders


class Command(BaseCommand):
    help = (
        "Remind staff whose child-protection training or policy reading is due within 30 days "
        "or overdue (one reminder per stage; the email names only the course and the date)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, queueing the reminders every this many seconds (0: once).",
        )

    def handle(self, *args, every=0, **options):
        while True:
            result = send_training_reminders.enqueue()
            if options["verbosity"] > 1:
                self.stdout.write(f"Training reminders queued ({result.id}).")
            if not every:
                return
            time.sleep(every)
            close_old_connections()
