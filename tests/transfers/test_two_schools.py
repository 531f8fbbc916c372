"""A child's file goes from this school (Riverside, the test database) to another school on this
software (Hillside: its own SQLite database, its own secrets and its own transfer keys, run as
``manage.py`` in a subprocess), and Hillside's signed receipt comes back (P14)."""

import json
from datetime import datetime

import pytest
from django.conf import settings

from transfers import envelope, payload, sending
from transfers.forms import PartnerForm
from transfers.models import PartnerSchool, SchoolKeys, Transfer

from .conftest import ATTACHMENT

pytestmark = pytest.mark.django_db

HILLSIDE_ADDS_THE_CHILD = """
import datetime, json
Student.objects.create(first_name="Ada", last_name="Moss", year_group=3, upn="A123456789012",
                       date_of_birth=datetime.date.fromisoformat("{born}"))
print(json.dumps(True))
"""

HILLSIDE_CHRONOLOGY = """
import json
from safeguarding import chronology
from transfers.models import ReceivedTransfer
child = Student.objects.get(upn="A123456789012")
entries = [e for e in chronology.entries_for(child) if e.kind == "received"]
received = ReceivedTransfer.objects.get()
print(json.dumps({
    "child": [child.first_name, child.last_name, child.date_of_birth.isoformat(), child.year_group],
    "entries": [[e.when.isoformat(), e.title, e.detail, e.who] for e in entries],
    "attachments": received.content["attachments"],
    "from": received.from_school,
    "imported": ReceivedTransfer.objects.count(),
}))
"""


def _partner(keys_text: str, fingerprint: str) -> PartnerSchool:
    form = PartnerForm({"keys": keys_text, "fingerprint": fingerprint})
    assert form.is_valid(), form.errors
    return form.save()


def test_a_file_goes_to_another_school_whole_and_its_receipt_comes_back(
    other_school, child_with_file, dsl, tmp_path
):
    # Each school records the other's public keys, compared by fingerprint.
    hillside_keys, hillside_fingerprint = other_school.public_keys()
    hillside = _partner(hillside_keys, hillside_fingerprint)
    assert hillside.fingerprint == hillside_fingerprint
    ours = tmp_path / "riverside-keys.json"
    ours.write_text(json.dumps(SchoolKeys.current().identity().public_keys()))
    fingerprint = SchoolKeys.current().fingerprint
    other_school.manage("add_partner_school", str(ours), "--fingerprint", fingerprint.lower())
    assert hillside.fingerprint != fingerprint  # two schools, two sets of keys

    prepared = sending.prepare(
        student=child_with_file,
        by=dsl,
        starts_on=child_with_file.created_at.date(),
        partner=hillside,
    )
    transfer = prepared.transfer
    assert not prepared.passphrase and transfer.status == Transfer.Status.PREPARED
    sealed = tmp_path / "file.json"
    sealed.write_bytes(bytes(transfer.sealed_file))
    # Nothing of the child is readable in what travels.
    assert b"Moss" not in sealed.read_bytes() and b"no food" not in sealed.read_bytes()
    sending.mark_sent(transfer)

    # The office at Hillside has the child on roll (a child-protection file joins a child on
    # roll; it never adds one).
    other_school.python(
        HILLSIDE_ADDS_THE_CHILD.replace("{born}", child_with_file.date_of_birth.isoformat())
    )
    receipt = tmp_path / "receipt.json"
    result = other_school.manage("import_transfer", str(sealed), "--receipt", str(receipt))
    assert "Imported the child-protection file from" in result.stdout

    # Nothing lost: every entry of this school's file is in Hillside's chronology, as received.
    sent = _sent_payload(transfer)
    there = other_school.python(HILLSIDE_CHRONOLOGY)
    assert there["child"] == ["Ada", "Moss", child_with_file.date_of_birth.isoformat(), 3]
    assert there["from"] == settings.SCHOOL_NAME
    assert len(there["entries"]) == len(sent["chronology"]) >= 5
    for (when, title, detail, who), entry in zip(there["entries"], sent["chronology"], strict=True):
        assert datetime.fromisoformat(when) == datetime.fromisoformat(entry["when"])
        assert title.endswith(f"{entry['kind_label']}: {entry['title']}")
        assert (detail, who) == (entry["detail"], entry["who"])
    kinds = {e["kind"] for e in sent["chronology"]}
    assert {"concern", "referral", "share", "case_meeting"} <= kinds
    assert "no food at home <b>at all</b>" in " ".join(d for _, _, d, _ in there["entries"])
    [attachment] = there["attachments"]
    assert envelope.unb64(attachment["content_base64"]) == ATTACHMENT

    # Importing the same file again is a replay: refused, nothing more imported.
    again = other_school.manage("import_transfer", str(sealed), check=False)
    assert again.returncode != 0 and "already been imported" in again.stderr
    assert other_school.python(HILLSIDE_CHRONOLOGY)["imported"] == 1

    # The receipt, recorded here, confirms the transfer.
    recorded = sending.record_receipt(receipt.read_bytes(), by=dsl)
    transfer.refresh_from_db()
    assert recorded.pk == transfer.pk
    assert transfer.status == Transfer.Status.CONFIRMED
    assert transfer.received_at and transfer.confirmed_at and not transfer.is_overdue()


def _sent_payload(transfer) -> dict:
    """What this school holds for the child, as it went into the file (built again from the
    database: only the receiving school can open the sealed file)."""
    return payload.build(transfer, sender=SchoolKeys.current().identity(), pdf=b"")


HILLSIDE_RECORD = """
import json
from records.models import Grade, ParentLink, ProgressNote, RecordSection
from transfers.models import ReceivedRecord
child = Student.objects.get(upn="A123456789012")
received = ReceivedRecord.objects.get()
print(json.dumps({
    "content": received.content,
    "sections": {s.kind: [s.details, s.notes] for s in RecordSection.objects.filter(student=child)},
    "grades": [[g.subject, g.assessment, g.result, g.comment, g.term, g.assessed_on.isoformat()]
               for g in Grade.objects.filter(student=child)],
    "notes": [[n.subject, n.text, n.written_on.isoformat()]
              for n in ProgressNote.objects.filter(student=child)],
    "contacts": [[l.parent.first_name, l.parent.last_name, l.parent.email, l.relationship,
                  l.parental_responsibility, l.contact_priority]
                 for l in ParentLink.objects.filter(student=child).select_related("parent")],
    "imported": ReceivedRecord.objects.count(),
}))
"""


def test_a_pupil_record_goes_to_another_school_whole_and_its_receipt_comes_back(
    other_school, child_with_record, office, tmp_path
):
    from transfers.models import RecordTransfer

    hillside_keys, hillside_fingerprint = other_school.public_keys()
    hillside = PartnerSchool.objects.filter(fingerprint=hillside_fingerprint).first()
    hillside = hillside or _partner(hillside_keys, hillside_fingerprint)
    ours = tmp_path / "riverside-keys.json"
    ours.write_text(json.dumps(SchoolKeys.current().identity().public_keys()))
    fingerprint = SchoolKeys.current().fingerprint
    # Recorded once at Hillside (the other test of this module may have done it already).
    other_school.manage("add_partner_school", str(ours), "--fingerprint", fingerprint, check=False)

    transfer = sending.prepare(
        student=child_with_record,
        by=office,
        starts_on=child_with_record.created_at.date(),
        partner=hillside,
        kind=envelope.PUPIL_RECORD,
    ).transfer
    assert isinstance(transfer, RecordTransfer)
    sealed = tmp_path / "record.json"
    sealed.write_bytes(bytes(transfer.sealed_file))
    assert b"Peanuts" not in sealed.read_bytes() and b"Moss" not in sealed.read_bytes()

    receipt = tmp_path / "record-receipt.json"
    result = other_school.manage("import_transfer", str(sealed), "--receipt", str(receipt))
    assert "Imported the pupil record from" in result.stdout

    # Nothing lost: the file as Hillside holds it is the file as sent, whole; and it landed.
    there = other_school.python(HILLSIDE_RECORD)
    sent = _sent_record(transfer)
    for part in ("child", "sections", "contacts", "grades", "progress_notes", "work", "consents"):
        assert there["content"][part] == sent[part], part
    assert there["content"]["readable_copy"]["content_base64"] == envelope.b64(
        bytes(transfer.readable_copy)
    )
    for section in sent["sections"]:
        details, _ = there["sections"][section["kind"]]
        for entry in section["entries"]:
            assert (details.get(entry["name"]) or "") == entry["value"]
    assert there["sections"]["sen"][1].endswith("Reads with a coloured overlay.")
    assert there["sections"]["social_services"] == [{}, ""]  # never sent
    [grade] = there["grades"]
    assert grade[2:] == [
        "27/30",
        "Strong on fractions.",
        "autumn",
        sent["grades"][0]["assessed_on"],
    ]
    assert grade[1] == f"Autumn test (received from {settings.SCHOOL_NAME})"
    [note] = there["notes"]
    assert note[1] == f"Received from {settings.SCHOOL_NAME}: Writes longer stories now."
    assert there["contacts"] == []  # named in the file for the office to check, never linked

    again = other_school.manage("import_transfer", str(sealed), check=False)
    assert again.returncode != 0 and "already been imported" in again.stderr
    assert other_school.python(HILLSIDE_RECORD)["imported"] == 1

    recorded = sending.record_receipt(receipt.read_bytes(), by=office)
    transfer.refresh_from_db()
    assert recorded.pk == transfer.pk and transfer.status == Transfer.Status.CONFIRMED


def _sent_record(transfer) -> dict:
    from transfers import pupil_record

    return pupil_record.build(transfer, sender=SchoolKeys.current().identity(), pdf=b"")
