"""The audit trail: append-only in the database, tamper-evident by its keyed chain, and
readable ("who has seen this") by the DSL and head teacher only."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from confidentiality.audit import triggers
from confidentiality.audit.chain import verify_chain
from tests.conftest import sign_in

REFUSED = (DatabaseError, IntegrityError)


def _execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_updates_and_deletes_of_the_log_are_refused(pupil):
    entry = LogEntry.objects.first()
    with pytest.raises(REFUSED), transaction.atomic():
        _execute("UPDATE auditlog_logentry SET object_repr = 'forged' WHERE id = %s", [entry.pk])
    with pytest.raises(REFUSED), transaction.atomic():
        _execute("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    with pytest.raises(REFUSED), transaction.atomic():
        _execute("UPDATE confidentiality_auditseal SET digest = 'x'")
    with pytest.raises(REFUSED), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(actor_id=None, object_repr="forged")


def test_deleting_a_user_may_blank_their_actor_and_the_chain_still_verifies(
    client, make_user, pupil, oak
):
    leaver = make_user("leaver", "teacher")
    oak.staff.add(leaver)
    sign_in(client, leaver).get(f"/records/students/{pupil.pk}/")
    assert LogEntry.objects.filter(actor=leaver).exists()
    leaver.delete()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor__isnull=True).exists()
    checked, broken = verify_chain()
    assert broken is None and checked == LogEntry.objects.count()


def test_verify_audit_passes_on_an_intact_chain(pupil, capsys):
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out


def _behind_the_applications_back(sql, params=()):
    triggers.uninstall(connection)
    try:
        _execute(sql, params)
    finally:
        triggers.install(connection)


def test_verify_audit_names_an_altered_entry(pupil):
    entry = LogEntry.objects.order_by("id")[2]
    _behind_the_applications_back(
        "UPDATE auditlog_logentry SET object_repr = 'nothing to see' WHERE id = %s", [entry.pk]
    )
    with pytest.raises(CommandError, match=f"audit entry {entry.pk}: altered"):
        call_command("verify_audit")


def test_verify_audit_names_a_removed_entry(pupil):
    entry = LogEntry.objects.order_by("id")[1]
    _behind_the_applications_back("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError, match=f"audit entry {entry.pk}: removed"):
        call_command("verify_audit")


def test_verify_audit_names_an_inserted_entry(pupil):
    entry = LogEntry.objects.order_by("id").first()
    forged_id = LogEntry.objects.order_by("-id").first().pk + 100
    _execute(
        "INSERT INTO auditlog_logentry (id, content_type_id, object_pk, object_repr, action, "
        "changes_text, timestamp) VALUES (%s, %s, %s, 'forged', 3, '', %s)",
        [forged_id, entry.content_type_id, entry.object_pk, entry.timestamp],
    )
    with pytest.raises(CommandError, match=f"audit entry {forged_id}: inserted"):
        call_command("verify_audit")


@pytest.mark.parametrize("persona", ["teacher", "office", "nurse", "parent", "governor"])
def test_only_the_safeguarding_team_and_head_read_the_trail(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == 404


@pytest.mark.parametrize("persona", ["dsl", "deputy", "head"])
def test_who_has_seen_this_record(client, request, persona, teacher, pupil):
    sign_in(client, teacher).get(f"/records/students/{pupil.pk}/")
    reader = request.getfixturevalue(persona)
    sign_in(client, reader, verified=True)
    response = client.get(
        "/audit/", {"subject": f"records.student:{pupil.pk}", "person": teacher.pk}
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1 and rows[0]["how"] == "view"
    assert rows[0]["entry"].actor == teacher


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_write_audit_entries(pupil):
    assert LogEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_and_the_next_one_starts_from_an_empty_log():
    assert not LogEntry.objects.exists()


def test_a_bad_filter_shows_its_error_not_the_whole_trail(client, dsl, pupil):
    sign_in(client, dsl, verified=True)
    response = client.get("/audit/", {"person": "abc", "since": "not a date"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Enter a valid date" in response.content.decode()


# --- whom an entry is about -------------------------------------------------------------------


def _parts_of_another_record():
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    from confidentiality.models import ConfidentialModel

    def by_a_field(model):
        # A part that links its record blind (a child's file sent to another school) has no
        # field to follow: its entries are tested with it (tests/transfers/test_attack_fixes.py).
        try:
            model._meta.get_field(model.permissions_from)
        except FieldDoesNotExist:
            return False
        return True

    return [
        model
        for model in apps.get_models()
        if issubclass(model, ConfidentialModel) and model.permissions_from and by_a_field(model)
    ]


def test_there_are_parts_of_another_record_to_check():
    assert len(_parts_of_another_record()) >= 5


@pytest.mark.parametrize("model", _parts_of_another_record(), ids=lambda m: m._meta.label)
def test_a_part_of_another_record_is_audited_as_about_what_that_record_is_about(model, monkeypatch):
    """``permissions_from`` names the record a grade, a consent or a family link is part of:
    it is opened when that record may be, and its entries are about that record's person (in
    the blind form where the part's very existence says something about them: a child's file
    sent to another school)."""
    from django.core.exceptions import ObjectDoesNotExist

    from confidentiality.audit import entry_subject_key, subject_key
    from confidentiality.models import User

    relation = model._meta.get_field(model.permissions_from)
    holder = relation.related_model()
    try:
        holder.audit_subject()
    except ObjectDoesNotExist:
        # A record about someone by a relation of its own (a performance file is about its
        # member of staff): stand that person in, so the part must ask the record.
        someone = User(pk=1234, username="someone")
        monkeypatch.setattr(type(holder), "audit_subject", lambda self: someone)
    part = model(**{relation.name: holder})
    assert part.audit_subject() == holder.audit_subject()
    blind = getattr(model, "audit_subject_blind", False)
    assert entry_subject_key(part) == subject_key(holder.audit_subject(), blind=blind)


def test_an_object_that_is_no_part_of_another_is_about_itself(pupil):
    assert pupil.audit_subject() == pupil
