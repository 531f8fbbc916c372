"""A file that must not be imported is refused with a clear message and imports nothing: one
changed after signing, one addressed to another school, a replay, an unknown version, one from a
school not recorded, content that breaks the schema, and a child whose details do not agree."""

import json

import pytest
from django.core.management import CommandError, call_command

from records.models import Student
from transfers import envelope, payload, receiving
from transfers.models import ReceivedTransfer

from .helpers import content_for, record_partner, resigned, school, sealed_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def northgate():
    sender = school()
    record_partner(sender)
    return sender


@pytest.fixture
def good_file(child_with_file, dsl, northgate):
    return sealed_file(content_for(child_with_file, dsl, northgate), northgate)


def _refused(data: bytes, words: str):
    students = Student.objects.count()
    with pytest.raises(envelope.Refused) as refused:
        receiving.import_file(data)
    assert words in str(refused.value)
    assert "Nothing" in str(refused.value) or "not recorded" in str(refused.value)
    assert not ReceivedTransfer.objects.exists()
    assert Student.objects.count() == students
    return str(refused.value)


def test_a_good_file_imports(good_file, child_with_file):
    imported = receiving.import_file(good_file)
    assert imported.received.student == child_with_file and not imported.created_child
    receipt = json.loads(imported.receipt)
    assert receipt["transfer_id"] == str(imported.received.transfer_id)


def test_a_changed_ciphertext_is_refused(good_file):
    sealed = json.loads(good_file)
    data = bytearray(envelope.unb64(sealed["ciphertext"]))
    data[10] ^= 1
    sealed["ciphertext"] = envelope.b64(bytes(data))
    _refused(json.dumps(sealed).encode(), "changed since the sending school signed it")


def test_a_changed_header_is_refused(good_file):
    sealed = json.loads(good_file)
    sealed["created_at"] = "2020-01-01T00:00:00+00:00"
    _refused(json.dumps(sealed).encode(), "changed since the sending school signed it")


def test_a_header_re_signed_onto_the_ciphertext_still_fails_to_open(good_file, northgate):
    # Even the real sender cannot move the ciphertext under another header: it is bound in.
    changed = resigned(good_file, northgate, transfer_id="00000000-0000-0000-0000-000000000000")
    _refused(changed, "changed since the sending school signed it")


def test_a_file_for_another_school_is_refused(child_with_file, dsl, northgate):
    elsewhere = school("Eastfield School", "333444")
    data = sealed_file(content_for(child_with_file, dsl, northgate), northgate, elsewhere)
    message = _refused(data, "addressed to another school (Eastfield School)")
    assert "not to this one" in message


def test_a_replay_is_refused(good_file):
    receiving.import_file(good_file)
    with pytest.raises(envelope.Refused, match="already been imported"):
        receiving.import_file(good_file)
    assert ReceivedTransfer.objects.count() == 1


def test_an_unknown_version_is_refused(good_file, northgate):
    _refused(resigned(good_file, northgate, version=2), "version 2 of the transfer format")


def test_a_file_from_an_unrecorded_school_is_refused(child_with_file, dsl):
    stranger = school("Unknown School")
    data = sealed_file(content_for(child_with_file, dsl, stranger), stranger)
    _refused(data, "keys are not recorded here")


def test_content_outside_the_schema_is_refused(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["child"]["shoe_size"] = 3
    _refused(sealed_file(content, northgate), "does not follow the published format")


def test_an_attachment_that_does_not_match_its_hash_is_refused(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["attachments"][0]["content_base64"] = envelope.b64(b"something else")
    _refused(sealed_file(content, northgate), "does not follow the published format")


def test_a_child_whose_details_differ_is_refused(child_with_file, dsl, northgate):
    content = content_for(child_with_file, dsl, northgate)
    content["child"]["date_of_birth"] = "2011-11-11"
    _refused(sealed_file(content, northgate), "date of birth or surname is different")


def test_a_child_not_on_roll_waits_for_the_office_to_add_them(child_with_file, dsl, northgate):
    """A child-protection file joins a child already on roll: were the DSL's import to add the
    child, the log a copy of the database holds would mark them as one who came with a file."""
    content = content_for(child_with_file, dsl, northgate)
    content["child"]["upn"] = "Z999999999999"
    data = sealed_file(content, northgate)
    _refused(data, "not on roll here yet")
    assert not Student.objects.filter(upn="Z999999999999").exists()
    Student.objects.create(  # the office adds the child
        first_name="Ada",
        last_name=child_with_file.last_name,
        year_group=child_with_file.year_group,
        upn="Z999999999999",
        date_of_birth=child_with_file.date_of_birth,
    )
    imported = receiving.import_file(data)
    assert not imported.created_child
    assert imported.received.student.upn == "Z999999999999"


def test_not_a_transfer_file_at_all_is_refused():
    _refused(b"%PDF-1.4 a letter", "not a child-protection file")


def test_the_command_refuses_with_the_message_and_imports_nothing(good_file, tmp_path):
    changed = json.loads(good_file)
    changed["sender"]["name"] = "Somebody else"
    path = tmp_path / "file.json"
    path.write_text(json.dumps(changed))
    with pytest.raises(CommandError, match="changed since the sending school signed it"):
        call_command("import_transfer", str(path))
    assert not ReceivedTransfer.objects.exists()


def test_the_received_history_is_read_only_and_encrypted(good_file, child_with_file):
    from django.db import connection

    from safeguarding import chronology

    received = receiving.import_file(good_file).received
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM transfers_receivedtransfer")
        [(stored,)] = cursor.fetchall()
    assert "no food" not in str(stored) and "Moss" not in str(stored)
    entries = [e for e in chronology.entries_for(child_with_file) if e.kind == "received"]
    assert entries and all(e.title.startswith("Received from Northgate School: ") for e in entries)
    assert all(e.link == "" for e in entries)  # no page edits them
    assert len(entries) == len(received.content["chronology"])
    assert received.format_version == payload.PAYLOAD_VERSION
