"""What an attacker found in the transfers, each closed:

- a copy of the database named the children who have a child-protection file (a plain key from
  a transfer to the child), and an audit entry about a transfer joined through it to the child;
- one partner school's file with an unreadable date broke the child's chronology for good; an
  impossible date of birth or a deeply nested file crashed the import;
- wrong passphrases guessed in parallel could pass the one-time link's limit;
- the link was built from the request's Host header; a child matched on UPN, date of birth and
  surname but another first name was attached without a word.
"""

import uuid
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from records.models import Student
from tests.conftest import sign_in
from transfers import envelope, receiving, sending
from transfers.models import ReceivedTransfer, Transfer

from .helpers import content_for, record_partner, school, sealed_file

pytestmark = pytest.mark.django_db

TRANSFER_TABLES = (Transfer._meta.db_table, ReceivedTransfer._meta.db_table)


@pytest.fixture
def northgate():
    sender = school()
    record_partner(sender)
    return sender


def _prepare(child, dsl):
    return sending.prepare(
        student=child,
        by=dsl,
        starts_on=timezone.localdate(),
        school_name="Oldtown Primary",
        school_urn="123123",
    )


def _rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _marks(student) -> set[str]:
    return {
        str(student.pk),
        student.pk.hex,
        student.upn,
        f"{student.first_name} {student.last_name}",
    }


# --- 1. a copy of the database does not say which children have a child-protection file -------


@pytest.fixture
def sent_and_received(client, child_with_file, dsl, northgate):
    """A file sent for the child and one received for her, and the team having looked at both."""
    prepared = _prepare(child_with_file, dsl)
    imported = receiving.import_file(
        sealed_file(content_for(child_with_file, dsl, northgate), northgate)
    )
    sign_in(client, dsl, verified=True)
    page = client.get(reverse("transfers:transfer", kwargs={"pk": prepared.transfer.pk}))
    assert page.status_code == 200
    receipt = client.get(reverse("transfers:receipt", kwargs={"pk": imported.received.pk}))
    assert receipt.status_code == 200
    return prepared.transfer, imported.received


def test_no_transfer_table_has_a_key_to_a_child(sent_and_received):
    for table in TRANSFER_TABLES:
        with connection.cursor() as cursor:
            relations = connection.introspection.get_relations(cursor, table)
        targets = {relation[1] for relation in relations.values()}
        assert Student._meta.db_table not in targets, f"{table} has a key to a child"


def test_no_plain_column_of_the_transfer_tables_names_the_child(sent_and_received):
    rows = [row for table in TRANSFER_TABLES for row in _rows(table)]
    assert len(rows) == 2
    dump = "\n".join(" | ".join(_text(v) for v in row.values()) for row in rows)
    child = Student.objects.get(upn="A123456789012")
    for mark in _marks(child):
        assert mark not in dump, f"a transfer row shows the child's {mark!r}"


def test_an_audit_entry_about_a_transfer_joins_to_no_child(sent_and_received):
    """The entry's plain ``object_pk`` finds the transfer's row; nothing in that row (nor in the
    entry's own plain columns) is the child's key, so the blind subject key beside it stays
    blind."""
    child = Student.objects.get(upn="A123456789012")
    kinds = ContentType.objects.get_for_models(Transfer, ReceivedTransfer).values()
    entries = LogEntry.objects.filter(content_type__in=kinds)
    looks = entries.filter(action=LogEntry.Action.ACCESS)
    assert looks.count() >= 2
    by_pk = {
        _text(row["id"]).replace("-", ""): row for table in TRANSFER_TABLES for row in _rows(table)
    }
    child_keys = {str(child.pk), child.pk.hex}
    for entry in entries:
        row = by_pk[str(entry.object_pk).replace("-", "")]
        assert child_keys.isdisjoint(_text(v) for v in row.values())
        plain = [entry.object_pk, entry.object_repr, entry.serialized_data, entry.changes]
        assert not any(key in _text(v) for v in plain for key in child_keys)
        assert child.upn not in _text(entry.changes) and child.last_name not in entry.object_repr


def test_the_application_still_finds_a_childs_transfers(sent_and_received, client):
    transfer, received = sent_and_received
    child = Student.objects.get(upn="A123456789012")
    assert list(Transfer.objects.about(child)) == [transfer]
    assert list(ReceivedTransfer.objects.about(child)) == [received]
    assert Transfer.objects.get(pk=transfer.pk).student == child
    assert received.student == child
    home = client.get(reverse("transfers:home")).content.decode()
    assert str(child) in home and "Oldtown Primary" in home
    chronology = client.get(reverse("safeguarding:chronology", kwargs={"pk": child.pk}))
    assert chronology.status_code == 200
    assert "Received from Northgate School" in chronology.content.decode()


def test_the_transfers_list_loads_its_children_at_once(client, child_with_file, dsl):
    from django.test.utils import CaptureQueriesContext

    sign_in(client, dsl, verified=True)
    _prepare(child_with_file, dsl)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("transfers:home"))
    _prepare(child_with_file, dsl)
    _prepare(child_with_file, dsl)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("transfers:home"))
    assert len(three.captured_queries) == len(one.captured_queries)


# --- 2. a partner school's file cannot break a chronology, nor crash the import ---------------


def _refused(data: bytes, words: str) -> str:
    students = Student.objects.count()
    with pytest.raises(envelope.Refused) as refused:
        receiving.import_file(data)
    assert words in str(refused.value), str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert not ReceivedTransfer.objects.exists()
    assert Student.objects.count() == students
    return str(refused.value)


@pytest.mark.parametrize(
    "when",
    ["yesterday", "2026-01-05T10:00:00", "2026-01-05", "2026-02-30T10:00:00+00:00"],
)
def test_an_entry_with_an_unreadable_time_is_refused(child_with_file, dsl, northgate, when):
    content = content_for(child_with_file, dsl, northgate)
    assert content["chronology"]
    content["chronology"][0]["when"] = when
    _refused(sealed_file(content, northgate), "a time in it has no time zone")


def test_a_concern_with_a_naive_time_is_refused(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["concerns"][0]["happened_at"] = "2026-01-05 10:00"
    _refused(sealed_file(content, northgate), "a date in it is not a real date")


def test_an_impossible_date_of_birth_is_refused(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["child"]["date_of_birth"] = "2016-02-30"
    _refused(sealed_file(content, northgate), "not a real date")


def test_an_impossible_date_of_birth_past_the_schema_is_refused_too(child_with_file):
    """The match itself never crashes, should a date ever get past the format check."""
    child = {"upn": child_with_file.upn, "date_of_birth": "2016-02-30"}
    with pytest.raises(envelope.Refused, match="date of birth in this file is not a real date"):
        receiving._match_or_add(child)


def test_a_deeply_nested_file_is_refused():
    _refused(b"[" * 200_000 + b"]" * 200_000, "not a child-protection file")


def test_a_file_larger_than_any_transfer_is_refused():
    with mock.patch.object(envelope, "MAX_FILE_BYTES", 1000):
        _refused(b" " * 1001, "larger than any file")


@pytest.mark.parametrize(
    "data",
    [b"[" * 200_000 + b"]" * 200_000, b"{}", b"\xff\xfe not json"],
    ids=["nested", "empty", "not-text"],
)
def test_the_command_turns_every_refusal_into_a_message(tmp_path, data):
    path = tmp_path / "file.json"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_transfer", str(path))


def test_the_command_refuses_an_impossible_date(tmp_path, child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["chronology"][0]["when"] = "yesterday"
    path = tmp_path / "file.json"
    path.write_bytes(sealed_file(content, northgate))
    with pytest.raises(CommandError, match="has no time zone"):
        call_command("import_transfer", str(path))
    assert not ReceivedTransfer.objects.exists()


@pytest.mark.parametrize("when", ["yesterday", "2026-01-05T10:00:00", None, 5])
def test_a_stored_entry_with_an_unreadable_time_never_breaks_the_chronology(
    client, child_with_file, dsl, when
):
    """A file imported before its dates were checked: the chronology, its print and the file to
    the next school still open, the entry shown on the day the file came."""
    ReceivedTransfer(
        transfer_id=uuid.uuid4(),
        student=child_with_file,
        from_school="Northgate School",
        sender_fingerprint="0000",
        format_version=1,
        content={
            "chronology": [
                {
                    "when": when,
                    "kind": "concern",
                    "kind_label": "Concern",
                    "title": "Worried about lunches",
                    "detail": "",
                    "who": "",
                    "reference": "C-1",
                }
            ]
        },
        receipt="{}",
    ).save()
    sign_in(client, dsl, verified=True)
    url = reverse("safeguarding:chronology", kwargs={"pk": child_with_file.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "its date is not readable" in page.content.decode()
    from safeguarding import chronology

    entries = chronology.entries_for(child_with_file)
    assert any("its date is not readable" in e.title for e in entries)
    assert client.get(reverse("transfers:prepare")).status_code == 200
    # The file to the next school is built from the same entries.
    assert _prepare(child_with_file, dsl).transfer.pk


# --- 3. the one-time link's limit holds against guesses in parallel ---------------------------


def test_a_guess_that_waited_on_the_lock_finds_the_limit_reached(child_with_file, dsl):
    """A guess read the link as still working (four wrong so far) while others were being
    checked; by the time it holds the row, the fifth is counted: it is refused without trying the
    passphrase, and the count never passes the limit, even for the right passphrase."""
    prepared = _prepare(child_with_file, dsl)
    stale = Transfer.objects.get(pk=prepared.transfer.pk)
    stale.link_wrong_passphrases = sending.LINK_WRONG_PASSPHRASES - 1
    Transfer.objects.filter(pk=stale.pk).update(
        link_wrong_passphrases=sending.LINK_WRONG_PASSPHRASES
    )
    with (
        mock.patch.object(sending, "transfer_for_link", return_value=stale),
        mock.patch.object(envelope, "open_with_passphrase") as tried,
    ):
        for passphrase in ("wrong-wrong", prepared.passphrase):
            assert sending.collect(prepared.link_token, passphrase) == (None, None)
    tried.assert_not_called()
    transfer = Transfer.objects.get(pk=stale.pk)
    assert transfer.link_wrong_passphrases == sending.LINK_WRONG_PASSPHRASES
    assert transfer.link_used_at is None


def test_a_guess_that_waited_finds_the_link_expired(child_with_file, dsl):
    prepared = _prepare(child_with_file, dsl)
    stale = Transfer.objects.get(pk=prepared.transfer.pk)
    Transfer.objects.filter(pk=stale.pk).update(link_expires_at=timezone.now())
    with mock.patch.object(sending, "transfer_for_link", return_value=stale):
        assert sending.collect(prepared.link_token, prepared.passphrase) == (None, None)
    assert Transfer.objects.get(pk=stale.pk).link_used_at is None


def test_the_guess_is_counted_before_the_passphrase_is_tried(child_with_file, dsl):
    """Should trying the passphrase fail half-way, the guess is already counted on the row."""
    prepared = _prepare(child_with_file, dsl)

    def counted_first(sealed, passphrase):
        row = Transfer.objects.get(pk=prepared.transfer.pk)
        assert row.link_wrong_passphrases == 1
        raise envelope.Refused("wrong")

    with mock.patch.object(envelope, "open_with_passphrase", side_effect=counted_first):
        transfer, content = sending.collect(prepared.link_token, "wrong-wrong")
    assert content is None and transfer.link_wrong_passphrases == 1
    # The right passphrase does not count as a wrong one.
    transfer, content = sending.collect(prepared.link_token, prepared.passphrase)
    assert content is not None
    assert Transfer.objects.get(pk=prepared.transfer.pk).link_wrong_passphrases == 1


# --- 4. the link's address, and a child matched on all but the first name ---------------------


def test_the_link_is_built_from_the_schools_address_not_the_host_asked_for(
    client, dsl, child_with_file, settings
):
    settings.SITE_URL = "https://records.school.example/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "attacker.example"]
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("transfers:prepare"),
        {
            "child": child_with_file.pk,
            "school_name": "Oldtown Primary",
            "school_urn": "123",
            "starts_on": "2027-03-05",
        },
        HTTP_HOST="attacker.example",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "https://records.school.example/transfers/collect/" in text
    assert "attacker.example" not in text


def test_a_child_with_another_first_name_is_not_attached(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["child"]["first_name"] = "Adele"
    message = _refused(sealed_file(content, northgate), "first name is different")
    assert "same child" in message


def test_a_first_name_differing_only_in_capitals_still_matches(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["child"]["first_name"] = " ADA "
    imported = receiving.import_file(sealed_file(content, northgate))
    assert imported.received.student == child_with_file and not imported.created_child


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_existing_transfers_to_their_child_blind():
    """A school that sent and received files before the blind links keeps each one's child."""
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    old = migrate([("transfers", "0002_receivedrecord_recordtransfer")])
    user = old.get_model("confidentiality", "User").objects.create(username="dsl-before")
    child = old.get_model("records", "Student").objects.create(
        first_name="Ada", last_name="Moss", year_group=3, upn="B1"
    )
    sent = old.get_model("transfers", "Transfer").objects.create(
        student=child,
        school_name="Oldtown Primary",
        starts_on=timezone.localdate(),
        due_at=timezone.now(),
        prepared_by=user,
        sealed_file=b"sealed",
        readable_copy=b"%PDF",
    )
    received = old.get_model("transfers", "ReceivedTransfer").objects.create(
        transfer_id=uuid.uuid4(),
        student=child,
        from_school="Northgate School",
        sender_fingerprint="0000",
        format_version=1,
        content={"chronology": []},
        receipt="{}",
    )
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    now = Student.objects.get(upn="B1")
    assert [t.pk for t in Transfer.objects.about(now)] == [sent.pk]
    assert [r.pk for r in ReceivedTransfer.objects.about(now)] == [received.pk]
    assert Transfer.objects.get(pk=sent.pk).student == now
    assert ReceivedTransfer.objects.get(pk=received.pk).student == now
    dump = "\n".join(
        " | ".join(_text(v) for v in row.values()) for t in TRANSFER_TABLES for row in _rows(t)
    )
    assert str(now.pk) not in dump and now.pk.hex not in dump
    # And back, with the same keys: the plain keys return.
    back = migrate([("transfers", "0002_receivedrecord_recordtransfer")])
    assert back.get_model("transfers", "Transfer").objects.get(pk=sent.pk).student_id == child.pk
    again = back.get_model("transfers", "ReceivedTransfer").objects.get(pk=received.pk)
    assert again.student_id == child.pk
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
