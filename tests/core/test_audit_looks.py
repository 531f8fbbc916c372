"""A look's entry and its seal in one statement (``confidentiality.audit.looks``): the entry is
the one auditlog writes, field by field; the chain verifies whichever way an entry was written;
an entry the database may store differently is read back and sealed as before."""

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test import RequestFactory

from confidentiality.audit import chain, record_access
from confidentiality.audit.looks import log_look
from confidentiality.models import AuditSeal

COMPARED = [
    f.attname for f in LogEntry._meta.concrete_fields if f.attname not in ("id", "timestamp")
]


def _values(entry) -> dict:
    entry = LogEntry.objects.get(pk=entry.pk)  # as the database gives it back
    return {name: getattr(entry, name) for name in COMPARED}


def _fields(user, **more):
    return {
        "action": LogEntry.Action.ACCESS,
        "actor": user,
        "remote_addr": "10.1.2.3",
        "additional_data": {"how": "view", "subject": "records.student:1", "n": 3},
        "changes_text": "",
        "changes": None,
        **more,
    }


@pytest.mark.parametrize(
    "more",
    [
        {},
        {"object_pk": "#abc", "object_id": None, "object_repr": "A pupil (named by reference)"},
        {"remote_addr": None, "additional_data": {"how": "view", "path": "/records/é/"}},
    ],
)
def test_the_entry_is_the_one_auditlog_writes(teacher, pupil, more):
    ours = log_look(pupil, **_fields(teacher, **more))
    auditlogs = LogEntry.objects.log_create(pupil, force_log=True, **_fields(teacher, **more))
    assert _values(ours) == _values(auditlogs)
    assert ours.actor_email == teacher.email  # the pre_save receiver ran
    assert AuditSeal.objects.filter(entry_id=ours.pk).count() == 1
    assert chain.verify_chain()[1] is None


def test_an_address_the_database_may_rewrite_is_read_back_and_sealed(teacher, pupil):
    sent = []
    receiver = lambda sender, instance, **kwargs: sent.append(instance)  # noqa: E731
    pre_save.connect(receiver, sender=LogEntry, dispatch_uid="test-count-pre-save")
    try:
        entry = log_look(pupil, **_fields(teacher, remote_addr="::ffff:10.0.0.1"))
    finally:
        pre_save.disconnect(dispatch_uid="test-count-pre-save", sender=LogEntry)
    assert sent == [entry]  # its receivers ran once, as for any entry
    assert AuditSeal.objects.filter(entry_id=entry.pk).count() == 1
    assert chain.verify_chain()[1] is None


def test_looks_and_changes_interleaved_in_one_transaction_verify(teacher, pupil, oak):
    request = RequestFactory().get("/records/")
    request.user = teacher
    with transaction.atomic():
        record_access(request, pupil)
        oak.name = "Oak class"
        oak.save()  # a change entry, sealed by post_save, after the look's seal
        record_access(request, oak)
        record_access(request, pupil, how="print")
    record_access(request, oak, how="print")
    assert AuditSeal.objects.count() == LogEntry.objects.count()
    assert chain.verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)  # the look's own transaction is the outermost
def test_a_look_that_fails_leaves_neither_entry_nor_seal(teacher, pupil, monkeypatch):
    before = (LogEntry.objects.count(), AuditSeal.objects.count())
    monkeypatch.setattr("confidentiality.audit.looks.seal_digest", _refuse)  # PostgreSQL
    monkeypatch.setattr("confidentiality.audit.chain.seal_digest", _refuse)  # elsewhere
    with pytest.raises(RuntimeError):
        log_look(pupil, **_fields(teacher))
    assert (LogEntry.objects.count(), AuditSeal.objects.count()) == before
    monkeypatch.undo()
    log_look(pupil, **_fields(teacher))
    assert chain.verify_chain()[1] is None


def _refuse(*args):
    raise RuntimeError("the key is not at hand")


def test_the_seal_is_the_only_thing_listening_for_new_entries():
    """``log_look`` writes the entry without ``post_save`` (it seals it itself): a receiver
    added later would never hear of a look, so it must be added there too."""
    receivers = [r for r in post_save._live_receivers(LogEntry)[0]]
    assert receivers == [chain.seal_entry], receivers
    assert connection.vendor in ("postgresql", "sqlite")
