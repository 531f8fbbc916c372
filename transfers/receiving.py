"""Importing a file sent by another school on this software (the receiving side): a
child-protection file (the DSL's import page) or a pupil record (the office's), used by
``manage.py import_transfer`` and the import pages alike.

Every check comes before anything is written, and the import is one transaction, so a refused
file imports nothing: a file that is not one, or of an unknown version; one addressed to another
school; one from a school whose keys were not recorded here; one changed after signing (the
signature, then the AEAD); one already imported (a replay of its transfer id); and one whose
content does not follow the published schema. Then the child is matched (same UPN, date of birth
and surname) or added, the history is kept read-only and encrypted, and a signed receipt is made
for the sending school to record.

A pupil record lands in the child's record as the records app keeps it (``land_record``), each
piece marked as received from the sending school; the parents and carers it names are listed
for the office to check, never linked from the file.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from records.models import Student

from . import envelope
from .models import PartnerSchool, ReceivedRecord, ReceivedTransfer, SchoolKeys


@dataclass(frozen=True)
class Imported:
    received: ReceivedTransfer | ReceivedRecord
    created_child: bool
    receipt: bytes
    # For a pupil record: what was landed in the child's record, in words, and the parents and
    # carers the file names, for the office to check with the family (never added from it).
    landed: tuple[str, ...] = ()
    contacts_to_check: tuple[dict, ...] = ()


RECEIVED = {
    envelope.CHILD_PROTECTION_FILE: ReceivedTransfer,
    envelope.PUPIL_RECORD: ReceivedRecord,
}
WRONG_DESK = {
    envelope.CHILD_PROTECTION_FILE: (
        "This file is a child-protection file: only the designated safeguarding lead or a "
        "deputy imports it. Nothing was imported. Give the file to them, and delete your copy."
    ),
    envelope.PUPIL_RECORD: (
        "This file is a pupil record: the school office or the head teacher imports it, on "
        "the pupil records transfer page. Nothing was imported."
    ),
}


def import_file(data: bytes, by=None, kinds=envelope.KINDS) -> Imported:
    """Check, open and import one sealed file of one of ``kinds``. Raises ``envelope.Refused``
    with the reason."""
    from .sending import FILES

    sealed = envelope.read_envelope(data)
    kind = sealed["kind"]
    if kind not in kinds:
        raise envelope.Refused(WRONG_DESK[kind])
    received_model = RECEIVED[kind]
    own = SchoolKeys.current().identity()
    recipient = sealed["recipient"].get("fingerprint")
    if recipient != own.fingerprint:
        named = str(sealed["recipient"].get("name", ""))[:200]
        raise envelope.Refused(
            f"This file is addressed to another school ({named}), not to this one. Nothing was "
            "imported. Tell the sending school it reached the "
            "wrong school, and delete it."
        )
    sender = PartnerSchool.objects.filter(fingerprint=sealed["sender"].get("fingerprint")).first()
    if sender is None:
        raise envelope.Refused(
            f"This file comes from a school whose keys are not recorded here "
            f"({sealed['sender'].get('name', '')!s:.200}). Nothing was imported. Record the "
            "school's public keys on the partner schools page, after comparing the fingerprint "
            "with them by phone, then import it again."
        )
    envelope.check_signature(sealed, sender.signing_public)
    if received_model.objects.filter(transfer_id=sealed["transfer_id"]).exists():
        raise envelope.Refused(_ALREADY)
    content = FILES[kind].decode(envelope.open_with_key(sealed, own))
    if content["transfer_id"] != sealed["transfer_id"]:
        raise envelope.Refused(envelope.TAMPERED)
    landed, contacts = (), ()
    try:
        with transaction.atomic():
            # A child-protection file joins a child already on roll: a child added by the DSL
            # as a file arrives would be marked, in the log a copy of the database holds, as a
            # child who came with one.
            student, created = _match_or_add(
                content["child"], may_add=kind != envelope.CHILD_PROTECTION_FILE
            )
            received = received_model(
                transfer_id=sealed["transfer_id"],
                student=student,
                from_school=sender.name,
                from_urn=sender.urn,
                sender_fingerprint=sender.fingerprint,
                format_version=sealed["version"],
                content=content,
                imported_by=by,
            )
            received.receipt = envelope.make_receipt(
                transfer_id=received.transfer_id,
                received_at=timezone.now().isoformat(),
                receiver=own,
                sender_fingerprint=sender.fingerprint,
                digest=envelope.sha256(data),
                kind=kind,
            ).decode()
            received.save()
            if kind == envelope.PUPIL_RECORD:
                landed, contacts = land_record(student, content, sender.name, by)
    except IntegrityError as error:  # the same file imported at the same moment elsewhere
        raise envelope.Refused(_ALREADY) from error
    return Imported(received, created, received.receipt.encode(), landed, contacts)


_ALREADY = (
    "This file has already been imported (the same transfer cannot be imported twice). Nothing "
    "more was imported: the child's record already holds it."
)


def _match_or_add(child: dict, may_add: bool = True) -> tuple[Student, bool]:
    """The child on roll with this UPN, if their date of birth and surname agree; a new child
    when nobody has the UPN (with ``may_add``; else refused until the office adds them). A UPN
    that belongs to someone else is refused: a DSL must look."""
    try:  # the schema's format check refuses these first; never a crash if one gets through
        born = date.fromisoformat(child["date_of_birth"])
    except ValueError as error:
        raise envelope.Refused(
            "The child's date of birth in this file is not a real date. Nothing was imported. "
            "Ask the sending school to check it."
        ) from error
    found = Student.objects.filter(upn=child["upn"]).first()
    if found is None and not may_add:
        raise envelope.Refused(
            "The child this file is about is not on roll here yet. Nothing was imported. Ask "
            "the office to add them (from the school's MIS, or with the pupil record their "
            "earlier school sends), then import this file again."
        )
    if found is None:
        student = Student(
            first_name=child["first_name"],
            last_name=child["last_name"],
            preferred_name=child["preferred_name"],
            year_group=child["year_group"],
            upn=child["upn"],
            date_of_birth=born,
            nhs_number="",
        )
        student.save()
        return student, True
    if found.date_of_birth != born or found.last_name.casefold() != child["last_name"].casefold():
        raise envelope.Refused(
            "A child with this unique pupil number is on roll here, but their date of birth or "
            "surname is different from the file's. Nothing was imported. Check the child's "
            "details with the sending school before importing it."
        )
    if found.first_name.strip().casefold() != child["first_name"].strip().casefold():
        # Never attached on a near match: a sibling or a typing slip would put one child's
        # history in another's file.
        raise envelope.Refused(
            "A child with this unique pupil number, date of birth and surname is on roll here, "
            "but their first name is different from the file's. Nothing was imported. Check "
            "with the sending school that this is the same child, correct the name on whichever "
            "record is wrong, then import the file again."
        )
    return found, False


def _received_text(school: str, text: str) -> str:
    return f"Received from {school}: {text}"


def land_record(student, content: dict, school: str, by) -> tuple[tuple[str, ...], tuple]:
    """Put a received pupil record into ``student``'s record as the records app keeps it, each
    piece marked as received from ``school``; encrypted like every value there.

    - **Sections**: an entry empty here takes the received value; one this school already
      filled in keeps its value, and the received one is added to the section's notes, as are
      the received notes. Nothing this school recorded is overwritten.
    - **Grades and progress notes**: added, each saying it was received.
    - **Contacts** are never added from the file: they are listed for the office to check with
      the family and add as for any child (the MIS contact import). A link opens the child's
      record in the parents' portal, and a file, even from a school we exchange with, must not
      give that to an address it names, nor take parental responsibility from a parent here
      (the chain: a file links an address, a password reset sets its first password).
    - **Work summaries and consents** stay in the received file only: the work is with the
      sending school, and consent is given to a school, so this one asks the family again.

    Returns what was landed, in words, and the contacts to check."""
    from records.models import Grade, ProgressNote, RecordSection

    landed = []
    sections = {s.kind: s for s in RecordSection.objects.filter(student=student)}
    filled = 0
    for received in content["sections"]:
        section = sections.get(received["kind"]) or RecordSection(
            student=student, kind=received["kind"], details={}, notes=""
        )
        details = dict(section.details or {})
        notes = [section.notes] if (section.notes or "").strip() else []
        changed = False
        for entry in received["entries"]:
            value = entry["value"].strip()
            if not value:
                continue
            here = str(details.get(entry["name"]) or "").strip()
            if not here:
                details[entry["name"]] = value
                changed = True
            elif here != value:
                notes.append(_received_text(school, f"{entry['label']}: {value}"))
                changed = True
        if received["notes"].strip():
            notes.append(_received_text(school, received["notes"].strip()))
            changed = True
        if changed:
            section.details = details
            section.notes = "\n\n".join(notes)
            section.updated_by = by
            section.save()
            filled += 1
    if filled:
        landed.append(f"{filled} section{'s' if filled != 1 else ''} of the record")
    for grade in content["grades"]:
        Grade.objects.create(
            student=student,
            subject=grade["subject"],
            assessment=f"{grade['assessment']} (received from {school})"[:200],
            result=grade["result"],
            comment=grade["comment"],
            term=grade["term"],
            assessed_on=date.fromisoformat(grade["assessed_on"]),
            recorded_by=by,
        )
    if content["grades"]:
        landed.append(f"{len(content['grades'])} grade{'s' if len(content['grades']) != 1 else ''}")
    for note in content["progress_notes"]:
        ProgressNote.objects.create(
            student=student,
            subject=note["subject"],
            text=_received_text(school, note["text"]),
            written_on=date.fromisoformat(note["written_on"]),
            author=by,
        )
    if content["progress_notes"]:
        count = len(content["progress_notes"])
        landed.append(f"{count} progress note{'s' if count != 1 else ''}")
    return tuple(landed), tuple(content["contacts"])


def received_entries(student) -> list[dict]:
    """The chronology entries received for ``student`` from earlier schools (one query), each with
    the school it came from: ``{school, received_at, entry}``."""
    rows = []
    for received in ReceivedTransfer.objects.about(student):
        content = received.content
        if not isinstance(content, dict):  # a value this server cannot open
            continue
        for entry in content.get("chronology", []):
            rows.append(
                {"school": received.from_school, "received_at": received.created_at, **entry}
            )
    return rows
