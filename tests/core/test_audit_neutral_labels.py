"""A neutralised label is exactly the one recorded: the entry that neutralised it keeps the
digest of the original label and of the neutral label put in its place, the database refuses a
second rewrite, and a rewrite behind its back (to any "(named by reference)" form) is a break."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from confidentiality.audit import triggers
from confidentiality.audit.chain import NEUTRAL_SUFFIX, neutralise_labels, verify_chain

REFUSED = (DatabaseError, IntegrityError)


def _execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def neutralised(pupil, dsl):
    """The entries about ``pupil`` neutralised as the retention run does; the first of them."""
    about = LogEntry.objects.filter(object_pk=str(pupil.pk), object_repr=str(pupil))
    entry = about.order_by("id").first()
    assert entry is not None
    count = neutralise_labels(about, lambda row: f"A student {NEUTRAL_SUFFIX}", about=dsl)
    assert count >= 1
    entry.refresh_from_db()
    assert entry.object_repr == f"A student {NEUTRAL_SUFFIX}"
    return entry


def test_a_fresh_neutralisation_verifies_and_records_both_digests(neutralised):
    checked, broken = verify_chain()
    assert broken is None and checked == LogEntry.objects.count()
    record = LogEntry.objects.get(additional_data__how="labels neutralised")
    digests = record.additional_data["labels"][str(neutralised.pk)]
    assert set(digests) == {"original", "neutral"}
    call_command("verify_audit")


def test_the_database_refuses_to_rewrite_a_neutral_label(neutralised):
    with pytest.raises(REFUSED), transaction.atomic():
        _execute(
            "UPDATE auditlog_logentry SET object_repr = %s WHERE id = %s",
            [f"Maya Quinn {NEUTRAL_SUFFIX}", neutralised.pk],
        )


@pytest.mark.parametrize(
    "label", ["Maya Quinn (named by reference)", "A pupil (named by reference)"]
)
def test_a_neutral_label_rewritten_behind_the_applications_back_is_a_break(neutralised, label):
    triggers.uninstall(connection)
    try:
        _execute(
            "UPDATE auditlog_logentry SET object_repr = %s WHERE id = %s", [label, neutralised.pk]
        )
    finally:
        triggers.install(connection)
    assert verify_chain()[1].entry_id == neutralised.pk
    with pytest.raises(CommandError, match=f"audit entry {neutralised.pk}: altered"):
        call_command("verify_audit")
