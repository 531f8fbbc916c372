"""A child's main pupil record, sent on its own (P14): every part the school holds, in the
published format with its PDF, sealed in the same envelope as the child-protection file; never a
word of that file nor that there is one; imported at the other end into the child's record,
marked as received; refused like any file when it must be; and only the office and the head
teacher build, send and import it."""

import io
import json
import zipfile
from io import BytesIO

import jsonschema
import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from records.models import Grade, ParentLink, ProgressNote, RecordSection, Student
from tests.conftest import sign_in
from transfers import envelope, payload, pupil_record, receiving, sending
from transfers.models import ReceivedRecord, ReceivedTransfer, RecordTransfer, SchoolKeys

from .helpers import record_partner, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def hillside():
    identity = school("Hillside Academy", "654321")
    return identity, record_partner(identity)


def _prepared(child, by, partner, **extra):
    return sending.prepare(
        student=child,
        by=by,
        starts_on=timezone.localdate(),
        partner=partner,
        kind=envelope.PUPIL_RECORD,
        **extra,
    )


def _opened(transfer, identity) -> dict:
    sealed = envelope.read_envelope(bytes(transfer.sealed_file))
    return pupil_record.decode(envelope.open_with_key(sealed, identity))


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())


def test_the_record_holds_every_part_in_the_published_format(child_with_record, office, hillside):
    identity, partner = hillside
    transfer = _prepared(child_with_record, office, partner).transfer
    assert isinstance(transfer, RecordTransfer)
    content = _opened(transfer, identity)
    jsonschema.validate(content, pupil_record.schema())
    assert content["child"]["upn"] == "A123456789012" and content["child"]["gender"] == "Female"
    sections = {s["kind"]: s for s in content["sections"]}
    assert list(sections) == ["medical", "sen", "family", "protected"]
    values = {e["name"]: e["value"] for s in content["sections"] for e in s["entries"]}
    assert values["allergies"] == "Peanuts" and values["address"] == "1 Mill Lane, Riverton"
    assert sections["sen"]["notes"] == "Reads with a coloured overlay."
    [contact] = content["contacts"]
    assert contact["parental_responsibility"] and contact["relationship"] == "mother"
    assert contact["email"] == "parent@school.test"
    assert [g["result"] for g in content["grades"]] == ["27/30"]
    assert [n["text"] for n in content["progress_notes"]] == ["Writes longer stories now."]
    assert [w["title"] for w in content["work"]] == ["Volcano poster"]
    assert [(c["purpose"], c["given"]) for c in content["consents"]] == [("website", True)]
    # The PDF says what the JSON says.
    text = _pdf_text(bytes(transfer.readable_copy))
    for words in ("Pupil record", "Peanuts", "Dyslexia", "1 Mill Lane", "27/30", "Volcano poster"):
        assert words in text
    assert envelope.unb64(content["readable_copy"]["content_base64"]) == bytes(
        transfer.readable_copy
    )
    # The envelope says which file it is, and the deadline is the record's 15 school days.
    assert json.loads(bytes(transfer.sealed_file))["kind"] == envelope.PUPIL_RECORD
    assert transfer.due_at == RecordTransfer.deadline_for(transfer.starts_on)


def test_nothing_of_the_child_protection_file_nor_its_existence_is_in_the_record(
    child_with_record, office, dsl, hillside
):
    identity, partner = hillside
    transfer = _prepared(child_with_record, office, partner).transfer
    content = _opened(transfer, identity)
    cp = payload.build(transfer, sender=SchoolKeys.current().identity(), pdf=b"")
    assert cp["chronology"] and cp["concerns"] and cp["attachments"]  # there is a file to hide
    words = [
        "no food",
        "Lunch hall",
        "Round bruise",
        "letter.pdf",
        "MASH",
        "PC Jones",
        "Dates of the disclosures",
        "Plan agreed",
        "Weekly check-ins",
        "CP plan",
        "Social worker visits",
        *(c["reference"] for c in cp["concerns"]),
    ]
    # Nor that there is one: no word of child protection, safeguarding or social services.
    telling = ["child-protection", "child protection", "safeguard", "social", "concern"]
    sealed = bytes(transfer.sealed_file).decode()
    as_json = json.dumps(content)
    text = _pdf_text(bytes(transfer.readable_copy))
    for where in (sealed, as_json, text):
        for word in words + telling:
            assert word.lower() not in where.lower(), word


def test_a_changed_record_is_refused_and_imports_nothing(child_with_record, office, dsl):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office)
    sealed = json.loads(data)
    ciphertext = bytearray(envelope.unb64(sealed["ciphertext"]))
    ciphertext[5] ^= 1
    sealed["ciphertext"] = envelope.b64(bytes(ciphertext))
    grades = Grade.objects.count()
    with pytest.raises(envelope.Refused, match="changed since the sending school signed it"):
        receiving.import_file(json.dumps(sealed).encode(), kinds=(envelope.PUPIL_RECORD,))
    # The header's kind is signed: a record cannot be passed off as the other file, or back.
    relabelled = json.loads(data)
    relabelled["kind"] = envelope.CHILD_PROTECTION_FILE
    with pytest.raises(envelope.Refused, match="changed since the sending school signed it"):
        receiving.import_file(json.dumps(relabelled).encode())
    assert not ReceivedRecord.objects.exists() and Grade.objects.count() == grades


def test_each_file_is_imported_only_at_its_own_desk(child_with_file, child_with_record, office):
    from .helpers import content_for, sealed_file

    northgate = school()
    record_partner(northgate)
    record = _sealed_record_from(northgate, child_with_record, office)
    with pytest.raises(envelope.Refused, match="This file is a pupil record"):
        receiving.import_file(record, kinds=(envelope.CHILD_PROTECTION_FILE,))
    cp_file = sealed_file(content_for(child_with_file, office, northgate), northgate)
    with pytest.raises(envelope.Refused, match="only the designated safeguarding lead"):
        receiving.import_file(cp_file, kinds=(envelope.PUPIL_RECORD,))
    assert not ReceivedRecord.objects.exists() and not ReceivedTransfer.objects.exists()


def _sealed_record_from(sender, child, by, contacts=None, change=None, **child_changes) -> bytes:
    """A pupil record of ``child`` as another school (``sender``) would send it here; with
    ``contacts``, naming those parents and carers instead of the child's own; ``change(content)``
    alters anything else before it is sealed."""
    transfer = RecordTransfer(
        student=child, school_name="Riverside", starts_on=timezone.localdate(), prepared_by=by
    )
    transfer.pk = __import__("uuid").uuid4()
    content = pupil_record.build(transfer, sender=sender, pdf=b"%PDF-1.4 readable")
    content["child"].update(child_changes)
    if contacts is not None:
        content["contacts"] = contacts
    if change is not None:
        change(content)
    return envelope.seal_to_school(
        payload.encode(content),
        transfer_id=content["transfer_id"],
        created_at=content["created_at"],
        sender=sender,
        recipient=SchoolKeys.current().identity(),
        kind=envelope.PUPIL_RECORD,
    )


def test_a_joiner_s_record_lands_in_their_record_marked_as_received(
    child_with_record, office, head
):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office, upn="J000000000001")
    ParentLink.objects.all().delete()  # the parent is known here only through the file
    imported = receiving.import_file(data, by=head, kinds=(envelope.PUPIL_RECORD,))
    child = Student.objects.get(upn="J000000000001")
    assert imported.created_child and imported.received.student == child
    sections = {s.kind: s for s in RecordSection.objects.filter(student=child)}
    assert sections["medical"].details["allergies"] == "Peanuts"
    assert "Received from Northgate School: Reads with a coloured overlay." in sections["sen"].notes
    assert sections["protected"].details["gender"] == "Female"
    assert not sections["social_services"].has_content  # never sent, never landed
    grade = Grade.objects.get(student=child)
    assert grade.assessment == "Autumn test (received from Northgate School)"
    assert grade.result == "27/30"
    note = ProgressNote.objects.get(student=child)
    assert note.text == "Received from Northgate School: Writes longer stories now."
    # The parents the file names are listed to check with the family, never linked from it.
    assert not ParentLink.objects.filter(student=child).exists()
    [contact] = imported.contacts_to_check
    assert contact["email"] == "parent@school.test" and contact["parental_responsibility"]
    assert "1 section" not in " ".join(imported.landed)  # four sections
    assert imported.landed[0] == "4 sections of the record"
    receipt = json.loads(imported.receipt)
    assert receipt["kind"] == envelope.PUPIL_RECORD
    # Encrypted at rest: the received file and what landed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM transfers_receivedrecord")
        [(stored,)] = cursor.fetchall()
        cursor.execute(
            "SELECT details FROM records_recordsection WHERE student_id = %s AND kind = 'medical'",
            [child.pk.hex if connection.vendor == "sqlite" else child.pk],
        )
        [(details,)] = cursor.fetchall()
    assert "Peanuts" not in str(stored) and "Moss" not in str(stored)
    assert "Peanuts" not in str(details)
    # A replay imports nothing more.
    with pytest.raises(envelope.Refused, match="already been imported"):
        receiving.import_file(data, kinds=(envelope.PUPIL_RECORD,))
    assert Grade.objects.filter(student=child).count() == 1


def _contact(**changes) -> dict:
    return {
        "first_name": "Eve",
        "last_name": "Stranger",
        "email": "eve@elsewhere.example",
        "phone": "07999 666666",
        "relationship": "father",
        "relationship_label": "Father",
        "parental_responsibility": True,
        "contact_priority": 1,
        **changes,
    }


def test_a_file_gives_no_one_the_portal_nor_takes_it_from_a_parent_here(
    child_with_record, office, parent
):
    """The chain an attacker tried: a file from a school we exchange with names the mother
    first without parental responsibility (so nobody with it is left to be told), then a
    stranger's address with it; a password reset would then set that address's first password
    and open the child in the portal. A file links nobody and changes no one here."""
    northgate = school()
    record_partner(northgate)
    parent.phone = "01632 960 000"
    parent.save()
    before = ParentLink.objects.get(student=child_with_record)
    mother = _contact(
        first_name=parent.first_name,
        last_name=parent.last_name,
        email=parent.email,
        relationship="other",
        parental_responsibility=False,
        contact_priority=20,
    )
    data = _sealed_record_from(northgate, child_with_record, office, contacts=[mother, _contact()])
    people = get_user_model().objects.count()
    imported = receiving.import_file(data, by=office, kinds=(envelope.PUPIL_RECORD,))
    assert not imported.created_child
    assert get_user_model().objects.count() == people  # no account made for the address
    [link] = ParentLink.objects.filter(student=child_with_record)
    assert (link.pk, link.parental_responsibility, link.relationship) == (
        before.pk,
        True,
        before.relationship,
    )
    assert link.contact_priority == before.contact_priority
    parent.refresh_from_db()
    assert parent.phone == "01632 960 000"
    assert [c["email"] for c in imported.contacts_to_check] == [
        parent.email,
        "eve@elsewhere.example",
    ]


def test_the_contacts_a_file_names_are_listed_to_check_and_stay_on_its_page(
    client, office, child_with_record
):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office, contacts=[_contact()])
    sign_in(client, office, verified=True)
    imported = client.post(
        reverse("transfers:records_import"), {"file": SimpleUploadedFile("record.json", data)}
    ).content.decode()
    said = "Eve Stranger – Father, with parental responsibility, 07999 666666"
    assert said in imported and "None of them was added" in imported
    received = ReceivedRecord.objects.get()
    home = client.get(reverse("transfers:records_home")).content.decode()
    page_url = reverse("transfers:received_record", kwargs={"pk": received.pk})
    assert page_url in home
    looks = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    page = client.get(page_url).content.decode()
    assert said in page and "None of them was added" in page
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == looks + 1


@pytest.mark.parametrize("who", ["dsl", "teacher", "parent", "governor"])
def test_nobody_else_opens_a_received_record(client, request, who, office, child_with_record):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office, contacts=[_contact()])
    receiving.import_file(data, by=office, kinds=(envelope.PUPIL_RECORD,))
    received = ReceivedRecord.objects.get()
    sign_in(client, request.getfixturevalue(who), verified=True)
    url = reverse("transfers:received_record", kwargs={"pk": received.pk})
    assert client.get(url).status_code == 404


def test_what_this_school_recorded_is_never_overwritten(child_with_record, office):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office)
    medical = RecordSection.objects.get(student=child_with_record, kind="medical")
    medical.details = {**medical.details, "allergies": "Sesame"}
    medical.save()
    imported = receiving.import_file(data, kinds=(envelope.PUPIL_RECORD,))
    assert not imported.created_child
    medical.refresh_from_db()
    assert medical.details["allergies"] == "Sesame"
    assert "Received from Northgate School: Allergies: Peanuts" in medical.notes


# --- the pages ----------------------------------------------------------------------------------

PAGES = ["records_home", "records_prepare", "records_import"]


@pytest.mark.parametrize("who", ["office", "head"])
def test_the_office_and_the_head_open_each_page(client, request, who):
    sign_in(client, request.getfixturevalue(who), verified=True)
    for name in PAGES:
        before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        assert client.get(reverse(f"transfers:{name}")).status_code == 200
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


@pytest.mark.parametrize("who", ["dsl", "deputy", "teacher", "ta", "governor", "parent"])
def test_nobody_else_finds_them(client, request, who, child_with_record, office, hillside):
    transfer = _prepared(child_with_record, office, hillside[1]).transfer
    sign_in(client, request.getfixturevalue(who), verified=True)
    for name in PAGES:
        assert client.get(reverse(f"transfers:{name}")).status_code == 404
    for name in ("record", "record_sealed_file", "record_readable_copy"):
        assert (
            client.get(reverse(f"transfers:{name}", kwargs={"pk": transfer.pk})).status_code == 404
        )
    for name in ("record_mark_sent", "record_confirm_by_phone"):
        assert (
            client.post(reverse(f"transfers:{name}", kwargs={"pk": transfer.pk})).status_code == 404
        )
    transfer.refresh_from_db()
    assert transfer.status == RecordTransfer.Status.PREPARED


def test_the_office_confirms_a_second_factor_first(client, office):
    sign_in(client, office)
    response = client.get(reverse("transfers:records_home"))
    assert response.status_code == 302 and "verify" in response["Location"]


def test_the_office_cannot_reach_the_child_protection_file_pages(client, office):
    sign_in(client, office, verified=True)
    assert client.get(reverse("transfers:home")).status_code == 404
    assert client.get(reverse("transfers:import")).status_code == 404


def test_the_office_sends_a_record_to_a_partner_school(client, office, child_with_record, hillside):
    sign_in(client, office, verified=True)
    response = client.post(
        reverse("transfers:records_prepare"),
        {"child": child_with_record.pk, "partner": hillside[1].pk, "starts_on": "2027-01-08"},
    )
    transfer = RecordTransfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:record", kwargs={"pk": transfer.pk})
    assert LogEntry.objects.filter(additional_data__how="record-export").exists()
    page = client.get(response["Location"]).content.decode()
    main = page[page.index("<main") : page.index("</main>")].lower()
    assert "29 January 2027" in page  # fifteen school days after Friday 8 January
    assert "child-protection" not in main and "safeguard" not in main
    sealed = client.get(reverse("transfers:record_sealed_file", kwargs={"pk": transfer.pk}))
    assert json.loads(b"".join(sealed.streaming_content))["kind"] == "pupil-record"
    client.post(reverse("transfers:record_mark_sent", kwargs={"pk": transfer.pk}))
    transfer.refresh_from_db()
    assert transfer.status == RecordTransfer.Status.SENT
    # Only one file was made: no child-protection file goes with it.
    from transfers.models import Transfer

    assert not Transfer.objects.exists()


def test_a_form_with_a_mistake_says_so_and_keeps_what_was_typed(client, office, child_with_record):
    sign_in(client, office, verified=True)
    response = client.post(
        reverse("transfers:records_prepare"),
        {"child": child_with_record.pk, "school_urn": "999888", "starts_on": "2027-03-05"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose the new school from the list, or type its name" in text
    assert 'value="999888"' in text and 'value="2027-03-05"' in text
    assert not RecordTransfer.objects.exists()


def test_the_office_imports_a_record_and_gets_the_receipt(client, office, child_with_record):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office)
    sign_in(client, office, verified=True)
    response = client.post(
        reverse("transfers:records_import"), {"file": SimpleUploadedFile("record.json", data)}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Download the signed receipt" in text and "Parents and carers" in text
    received = ReceivedRecord.objects.get()
    receipt = client.get(reverse("transfers:received_record_receipt", kwargs={"pk": received.pk}))
    assert json.loads(b"".join(receipt.streaming_content))["transfer_id"] == str(
        received.transfer_id
    )
    again = client.post(
        reverse("transfers:records_import"), {"file": SimpleUploadedFile("record.json", data)}
    )
    assert again.status_code == 400 and b"already been imported" in again.content


def test_the_dsl_s_import_page_refuses_a_pupil_record(client, dsl, office, child_with_record):
    northgate = school()
    record_partner(northgate)
    data = _sealed_record_from(northgate, child_with_record, office)
    sign_in(client, dsl, verified=True)
    response = client.post(
        reverse("transfers:import"), {"file": SimpleUploadedFile("record.json", data)}
    )
    assert response.status_code == 400 and b"This file is a pupil record" in response.content
    assert not ReceivedRecord.objects.exists()


def test_a_receipt_for_the_record_confirms_it(child_with_record, office, hillside):
    identity, partner = hillside
    transfer = _prepared(child_with_record, office, partner).transfer
    receipt = envelope.make_receipt(
        transfer_id=transfer.pk,
        received_at=timezone.now().isoformat(),
        receiver=identity,
        sender_fingerprint=SchoolKeys.current().fingerprint,
        digest=envelope.sha256(bytes(transfer.sealed_file)),
        kind=envelope.PUPIL_RECORD,
    )
    assert sending.record_receipt(receipt, by=office, expected=transfer).is_done


def test_a_school_without_the_software_collects_the_record_by_link(client, child_with_record, head):
    prepared = _prepared(child_with_record, head, None, school_name="Oldtown Primary")
    url = reverse("transfers:collect", kwargs={"token": prepared.link_token})
    page = client.get(url).content.decode()
    assert "child-protection" not in page.lower() and "Ada" not in page
    response = client.post(url, {"passphrase": prepared.passphrase})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["pupil-record.json", "pupil-record.pdf"]
    content = json.loads(archive.read("pupil-record.json"))
    assert content["child"]["last_name"] == "Moss" and "chronology" not in content
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert entry.additional_data["how"] == "record-collected"
    # The link's token is one of its two secrets: never written to the trail.
    assert entry.additional_data["path"] == "/transfers/collect/hidden/"
    assert prepared.link_token not in str(entry.additional_data)


@pytest.mark.parametrize(
    "body",
    [
        b'{"format": "school-transfer-receipt", "version": 1, "kind": []}',
        b'{"format": "school-transfer-receipt", "version": 1, "transfer_id": {"a": 1}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_malformed_receipt_is_refused_with_a_message(client, child_with_record, office, body):
    partner = record_partner(school("Hillside", "1"))
    transfer = _prepared(child_with_record, office, partner).transfer
    sign_in(client, office, verified=True)
    response = client.post(
        reverse("transfers:record_enter_receipt", kwargs={"pk": transfer.pk}),
        {"receipt": SimpleUploadedFile("receipt.json", body)},
    )
    assert response.status_code == 400
    assert "This is not a receipt for a file this school sent." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == RecordTransfer.Status.PREPARED


def test_a_record_with_a_date_that_is_not_real_is_refused_and_imports_nothing(
    client, office, child_with_record
):
    northgate = school()
    record_partner(northgate)

    def impossible_date(content):
        content["grades"][0]["assessed_on"] = "2024-02-30"

    data = _sealed_record_from(northgate, child_with_record, office, change=impossible_date)
    grades = Grade.objects.count()
    sign_in(client, office, verified=True)
    response = client.post(
        reverse("transfers:records_import"), {"file": SimpleUploadedFile("record.json", data)}
    )
    assert response.status_code == 400
    assert "does not follow the published format" in response.content.decode()
    assert Grade.objects.count() == grades and not ReceivedRecord.objects.exists()
