"""One loop for the periodic commands (escalation checks, training reminders, ...).

``make run`` starts them with ``--every N`` beside the server; in production they run from a
timer once (no ``--every``) or as long-running services.
"""

import logging
import time

from django.db import close_old_connections

log = logging.getLogger(__name__)


def add_every_argument(parser, what: str) -> None:
    parser.add_argument(
        "--every",
        type=int,
        default=0,
        help=f"Keep running, {what} every this many seconds (0: once, then stop).",
    )


def run_every(step, every: int) -> None:
    """Run ``step()`` once, or for ever every ``every`` seconds. A failing step is logged (by
    its type only: a message may carry personal details) and the loop goes on: one bad run must
    not stop the checks that alert the DSL."""
    while True:
        if not every:
            step()
            return
        try:
            step()
        except Exception as error:
            log.error("Periodic step %s failed: %s", step.__qualname__, type(error).__name__)
        time.sleep(every)
        # A long-running loop must not hold on to a connection the database has dropped.
        close_old_connections()
