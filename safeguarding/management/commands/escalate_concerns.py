"""The periodic safeguarding check. ``make run`` starts it with ``--every 60`` beside the worker;
in production run it from cron (or a systemd timer) once a minute."""

import logging

from django.core.management.base import BaseCommand

from confidentiality import extensions, pipeline_health
from confidentiality.audit import checkpoint
from confidentiality.management.periodic import add_every_argument, run_every
from confidentiality.task_recovery import requeue_stale_tasks
from safeguarding.routing import run_checks

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Escalate urgent concerns nobody has acknowledged in time, alert overdue actions and "
        "referrals, and retry failed safeguarding emails. Hourly, check the audit trail against "
        "its checkpoint (settings.AUDIT_CHECKPOINT_FILE); daily, email the DSL a receipt."
    )

    def add_arguments(self, parser):
        add_every_argument(parser, "checking")

    def handle(self, *args, every=0, **options):
        verbose = options["verbosity"] > 1

        def check():
            # A worker killed while sending an alert left its task "running": send it again.
            requeue_stale_tasks()
            result = run_checks()
            if verbose or any(result.values()):
                self.stdout.write(
                    "Safeguarding check: {escalated} escalated, {overdue} overdue alerts, "
                    "{retried} emails retried.".format(**result)
                )
            audit = self._audit_checkpoint()
            if verbose or audit == "failed":
                self.stdout.write(f"Audit checkpoint: {audit}.")
            self._apps_steps()
            # Only a pass that got this far counts: /healthz says when they stop.
            pipeline_health.record_periodic_check()

        run_every(check, every)

    @staticmethod
    def _apps_steps() -> None:
        """The apps' own periodic work (``extensions.periodic_step``), after the safeguarding
        checks and each on its own: one that fails is logged, never stops the others."""
        for step in extensions.periodic_steps:
            try:
                step()
            except Exception as error:
                log.error("Periodic step %s failed: %s", step.__qualname__, type(error).__name__)

    @staticmethod
    def _audit_checkpoint() -> str:
        """Never lets a problem with the audit check stop the safeguarding checks next time."""
        try:
            return checkpoint.periodic()
        except Exception as error:  # the file system or the database
            log.error("Audit checkpoint step failed: %s", type(error).__name__)
            return "failed"
