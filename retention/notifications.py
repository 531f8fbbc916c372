"""Telling the other person responsible for the schedule of a change to a rule (P4).

The head teacher and the DSL share the schedule: a rule changed by one is told to the other by
email, so a rule cannot be quietly changed by one person before a run. The email says which
kind of record, the rule before and after, who and when: no record nor anyone it is about.
"""

import logging

from django.db import transaction
from django.utils import timezone

from confidentiality import notifications, roles

from .policy import MANAGERS

log = logging.getLogger(__name__)


def _name(user) -> str:
    return user.get_full_name() or user.username


def others_responsible(changed_by) -> list:
    """The active head teacher and DSL with an address, but not whoever made the change."""
    found = {}
    for role in MANAGERS:
        for person in roles.holders(role):
            if person.pk != changed_by.pk and person.is_active and person.email:
                found[person.pk] = person
    return sorted(found.values(), key=lambda person: person.pk)


def tell_of_rule_change(kind, before, after, changed_by) -> None:
    """Email the others responsible once the change is committed (nothing is said of a change
    rolled back). A failing mail server is logged by type only and never undoes the change:
    the change itself is in the audit trail."""
    facts = {
        "kind": kind.label,
        "before": before.describe(kind),
        "after": after.describe(kind),
        "by": _name(changed_by),
        "when": f"{timezone.localtime():%d %B %Y %H:%M}",
    }
    for person in others_responsible(changed_by):

        def send(person=person):
            try:
                notifications.send_templated(
                    "retention_rule_changed", [person.email], {**facts, "recipient": _name(person)}
                )
            except Exception as error:  # any failure of the mail system
                log.error("Retention rule change email failed: %s", type(error).__name__)

        transaction.on_commit(send)
