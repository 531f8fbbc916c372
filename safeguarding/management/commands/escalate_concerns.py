"""The periodic safeguarding check. ``make run`` starts it with ``--every 60`` beside the worker;
in production run it from cron (or a systemd timer) once a minute."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from safeguarding.routing import run_checks


class Command(BaseCommand):
    help = (
        "Escalate urgent concerns nobody has acknowledged in time, alert overdue actions and "
        "referrals, and retry failed safeguarding emails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, checking every this many seconds (0: check once and stop).",
        )

    def handle(self, *args, every=0, **options):
        while True:
            result = run_checks()
            if options["verbosity"] > 1 or any(result.values()):
                self.stdout.write(
                    "Safeguarding check: {escalated} escalated, {overdue} overdue alerts, "
                    "{retried} emails retried.".format(**result)
                )
            if not every:
                return
            time.sleep(every)
            # A long-running loop must not hold on to a connection the database has dropped.
            close_old_connections()
