"""The end of the audit trail is provable: the newest seal is kept outside the database, so cutting
the newest entries (or emptying both tables) no longer verifies as intact. The periodic check
writes the checkpoint hourly and emails the DSL a content-free receipt once a day."""

import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from confidentiality.audit import chain, checkpoint, triggers
from confidentiality.models import AuditSeal
from tests.conftest import sign_in


@pytest.fixture
def trail(client, teacher, pupil):
    """A few entries: the pupil's records were created, and the teacher looked twice."""
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    client.get(f"/records/students/{pupil.pk}/", {"again": 1})
    return LogEntry.objects.order_by("id")


@pytest.fixture
def ckpt(tmp_path):
    return tmp_path / "checkpoint" / "audit.json"


def _behind_the_applications_back(sql, params=()):
    """As someone with the database's password would: with the append-only triggers off."""
    triggers.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def cut_newest(count: int):
    newest = list(LogEntry.objects.order_by("-id").values_list("id", flat=True)[:count])
    marks = ", ".join("%s" for _ in newest)
    _behind_the_applications_back(
        f"DELETE FROM confidentiality_auditseal WHERE entry_id IN ({marks})", newest
    )
    _behind_the_applications_back(f"DELETE FROM auditlog_logentry WHERE id IN ({marks})", newest)
    return newest


def test_cutting_the_newest_entries_still_verifies_without_a_checkpoint(trail):
    """Why the checkpoint exists: the chain alone cannot see its end cut off."""
    cut_newest(2)
    call_command("verify_audit")


def test_an_intact_trail_passes_and_the_checkpoint_records_its_head(trail, ckpt, capsys):
    call_command("verify_audit", checkpoint=str(ckpt))
    assert "this is the first" in capsys.readouterr().out
    saved = json.loads(ckpt.read_text())
    newest = trail.last()
    assert saved["entries"] == trail.count() and saved["last_entry_id"] == newest.pk
    assert saved["last_digest"] == AuditSeal.objects.get(entry_id=newest.pk).digest
    call_command("verify_audit", checkpoint=str(ckpt))
    assert "it still reaches" in capsys.readouterr().out


def test_new_entries_since_the_checkpoint_pass(client, trail, ckpt, teacher, pupil):
    call_command("verify_audit", checkpoint=str(ckpt))
    client.get(f"/records/students/{pupil.pk}/", {"later": 1})
    call_command("verify_audit", checkpoint=str(ckpt))
    assert json.loads(ckpt.read_text())["last_entry_id"] == trail.last().pk


def test_cutting_the_newest_entries_fails_naming_what_is_missing(trail, ckpt):
    count = trail.count()
    call_command("verify_audit", checkpoint=str(ckpt))
    before = ckpt.read_text()
    newest = cut_newest(2)
    with pytest.raises(
        CommandError,
        match=rf"now has {count - 2} entries.*{count} entries up to audit entry {newest[0]}",
    ):
        call_command("verify_audit", checkpoint=str(ckpt))
    assert ckpt.read_text() == before  # the evidence is kept: every later check fails too
    with pytest.raises(CommandError, match="cut short"):
        call_command("verify_audit", checkpoint=str(ckpt))


# Each request its own transaction, as in production: the cut is made between them, as by someone
# with the database's password (within one transaction the chain's head is the seal it just made).
@pytest.mark.django_db(transaction=True)
def test_cutting_and_adding_as_many_new_entries_fails(client, trail, ckpt, pupil):
    call_command("verify_audit", checkpoint=str(ckpt))
    newest = cut_newest(1)
    client.get(f"/records/students/{pupil.pk}/", {"cover": 1})  # the count is made up again
    with pytest.raises(CommandError, match=f"audit entry {newest[0]}, the newest .* is missing"):
        call_command("verify_audit", checkpoint=str(ckpt))


def test_emptying_both_tables_fails(trail, ckpt):
    call_command("verify_audit", checkpoint=str(ckpt))
    _behind_the_applications_back("DELETE FROM confidentiality_auditseal")
    _behind_the_applications_back("DELETE FROM auditlog_logentry")
    call_command("verify_audit")  # the chain alone: an empty trail is "intact"
    with pytest.raises(CommandError, match="now has 0 entries"):
        call_command("verify_audit", checkpoint=str(ckpt))


def test_a_broken_chain_fails_and_writes_no_checkpoint(trail, ckpt):
    entry = trail[1]
    _behind_the_applications_back(
        "UPDATE auditlog_logentry SET object_repr = 'nothing to see' WHERE id = %s", [entry.pk]
    )
    with pytest.raises(CommandError, match=f"audit entry {entry.pk}: altered"):
        call_command("verify_audit", checkpoint=str(ckpt))
    assert not ckpt.exists()


def test_an_unreadable_checkpoint_fails_loudly(trail, ckpt):
    ckpt.parent.mkdir(parents=True)
    ckpt.write_text("{not json")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("verify_audit", checkpoint=str(ckpt))


# The periodic check


def test_the_periodic_check_writes_hourly_and_sends_one_receipt_a_day(settings, trail, dsl):
    path = settings.AUDIT_CHECKPOINT_FILE
    now = timezone.now()
    call_command("escalate_concerns", verbosity=0)
    assert json.loads(path.read_text())["entries"] == LogEntry.objects.count()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [dsl.email]
    receipt = mail.outbox[0].body
    digest = AuditSeal.objects.order_by("-id").first().digest
    assert f"Entries: {LogEntry.objects.count()}" in receipt and digest[:12] in receipt
    assert digest[:13] not in receipt  # a prefix, not the seal
    assert "Maya" not in receipt and "Quinn" not in receipt

    assert checkpoint.periodic(now + timedelta(minutes=10)) == "not due"
    assert checkpoint.periodic(now + timedelta(minutes=70)) == "written"
    assert len(mail.outbox) == 1  # one receipt a day
    later = now + timedelta(days=1, minutes=5)
    assert checkpoint.periodic(later) == "written, receipt sent"
    assert len(mail.outbox) == 2


def test_the_periodic_check_alerts_the_dsl_when_the_end_was_cut(settings, trail, dsl):
    now = timezone.now()
    assert checkpoint.periodic(now).startswith("written")
    before = settings.AUDIT_CHECKPOINT_FILE.read_text()
    cut_newest(2)
    mail.outbox.clear()
    assert checkpoint.periodic(now + timedelta(hours=2)) == "failed"
    assert [m.subject for m in mail.outbox] == ["Urgent: the audit trail failed its check"]
    assert "audit entry" not in mail.outbox[0].body  # what is missing stays on the server
    assert settings.AUDIT_CHECKPOINT_FILE.read_text() == before
    assert checkpoint.periodic(now + timedelta(hours=2, minutes=1)) == "not due"  # hourly alerts


def test_a_failing_audit_step_does_not_stop_the_safeguarding_checks(monkeypatch, db, capsys):
    def broken(now=None):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint, "periodic", broken)
    call_command("escalate_concerns", verbosity=0)
    assert "Audit checkpoint: failed." in capsys.readouterr().out


def test_an_entry_sealed_a_moment_after_it_was_written_is_not_a_break(trail, monkeypatch):
    """The check may run between an entry's commit and its seal's (same request, a moment
    apart): that alone must not alarm the DSL; an entry that stays unsealed still does."""
    entry = trail.first()
    forged_id = trail.last().pk + 100
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auditlog_logentry (id, content_type_id, object_pk, object_repr, action, "
            "changes_text, timestamp) VALUES (%s, %s, %s, 'arriving', 3, '', %s)",
            [forged_id, entry.content_type_id, entry.object_pk, entry.timestamp],
        )
    arriving = LogEntry.objects.get(pk=forged_id)
    monkeypatch.setattr(
        chain.time, "sleep", lambda s: chain.seal_entry(LogEntry, arriving, created=True)
    )
    assert chain.verify_chain()[1] is None
    assert chain.verify_chain()[0] == LogEntry.objects.count()  # and it verifies next time
