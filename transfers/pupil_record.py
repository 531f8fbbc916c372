"""What a child's main pupil record holds when it goes to their next school, as the JSON the
schema publishes (``schema/pupil-record.v1.schema.json``, described in docs/TRANSFER_FORMAT.md):
what the DfE's Common Transfer File carries, as far as this application holds it.

- **Who the child is**: name, date of birth, unique pupil number, gender, year group.
- **The record's sections**: medical, SEN support, personal and family circumstances (with the
  home address) and protected characteristics, each with its entries and notes.
- **The family**: each parent or carer linked to the child, with parental responsibility and the
  order to call them in.
- **Learning**: grades, progress notes and a summary of the work kept (its title, subject and
  when it was handed in; the work itself stays with this school until its own retention ends).
- **Consents**: the photograph consents decided by the family (for the new school's information:
  consent is given to a school, so the new school asks again).

Attendance is not held by this application, so the file has none (the MIS sends it).

Never in it: anything of the child-protection file, nor whether there is one. The
social-services section stays out too: its status can say that a child is on a child-protection
plan, which the DSL sends in the child-protection file.
"""

import json
from functools import cache
from pathlib import Path

from django.utils import timezone

from records.models import Grade, ParentLink, PhotoConsent, ProgressNote, RecordSection, WorkItem
from records.models.sections import SECTION_FIELDS

from . import envelope

SCHEMA_PATH = Path(__file__).parent / "schema" / "pupil-record.v1.schema.json"
PAYLOAD_FORMAT = "pupil-record"
PAYLOAD_VERSION = 1
Kind = RecordSection.Kind
# The sections of the record that travel, in this order.
SECTIONS = (Kind.MEDICAL, Kind.SEN, Kind.FAMILY, Kind.PROTECTED)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def _sections(student) -> list[dict]:
    found = {s.kind: s for s in RecordSection.objects.filter(student=student, kind__in=SECTIONS)}
    rows = []
    for kind in SECTIONS:
        section = found.get(kind)
        details = (section.details or {}) if section is not None else {}
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "entries": [
                    {"name": name, "label": label, "value": str(details.get(name) or "")}
                    for name, label in SECTION_FIELDS[kind]
                ],
                "notes": str(section.notes or "") if section is not None else "",
            }
        )
    return rows


def _gender(sections) -> str:
    for section in sections:
        if section["kind"] == Kind.PROTECTED:
            return next(e["value"] for e in section["entries"] if e["name"] == "gender")
    return ""


def _contacts(student) -> list[dict]:
    links = ParentLink.objects.filter(student=student).select_related("parent")
    return [
        {
            "first_name": link.parent.first_name,
            "last_name": link.parent.last_name,
            "email": link.parent.email,
            "phone": link.parent.phone,
            "relationship": link.relationship,
            "relationship_label": str(link.get_relationship_display()),
            "parental_responsibility": bool(link.parental_responsibility),
            "contact_priority": link.contact_priority,
        }
        for link in sorted(links, key=lambda link: (link.contact_priority, link.parent.last_name))
    ]


def _grades(student) -> list[dict]:
    return [
        {
            "subject": g.subject,
            "subject_label": str(g.get_subject_display()),
            "assessment": g.assessment,
            "result": str(g.result or ""),
            "comment": str(g.comment or ""),
            "term": g.term,
            "assessed_on": g.assessed_on.isoformat(),
        }
        for g in Grade.objects.filter(student=student).order_by("assessed_on", "subject")
    ]


def _progress_notes(student) -> list[dict]:
    return [
        {
            "subject": n.subject,
            "subject_label": str(n.get_subject_display()),
            "written_on": n.written_on.isoformat(),
            "text": str(n.text or ""),
        }
        for n in ProgressNote.objects.filter(student=student).order_by("written_on", "subject")
    ]


def _work(student) -> list[dict]:
    # A summary only: the work's content is never read for the file.
    items = WorkItem.objects.filter(student=student).defer("content").order_by("created_at")
    return [
        {
            "title": w.title,
            "subject": w.subject,
            "subject_label": str(w.get_subject_display()),
            "handed_in": timezone.localdate(w.created_at).isoformat(),
            "content_type": w.content_type,
            "size": w.size,
        }
        for w in items
    ]


def _consents(student) -> list[dict]:
    return [
        {
            "purpose": c.purpose,
            "purpose_label": str(c.get_purpose_display()),
            "given": bool(c.given),
            "decided_at": c.decided_at.isoformat(),
        }
        for c in PhotoConsent.objects.filter(student=student).order_by("purpose")
    ]


def build(transfer, *, sender, pdf: bytes) -> dict:
    """The payload of ``transfer`` (a ``RecordTransfer``), as ``sender`` sends it."""
    student = transfer.student
    sections = _sections(student)
    return {
        "format": PAYLOAD_FORMAT,
        "version": PAYLOAD_VERSION,
        "transfer_id": str(transfer.pk),
        "created_at": timezone.now().isoformat(),
        "from_school": {"name": sender.name, "urn": sender.urn},
        "to_school": {"name": transfer.school_name, "urn": transfer.school_urn},
        "prepared_by": transfer.prepared_by.get_full_name() or transfer.prepared_by.username,
        "child": {
            "upn": student.upn,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "preferred_name": student.preferred_name,
            "date_of_birth": student.date_of_birth.isoformat(),
            "year_group": student.year_group,
            "gender": _gender(sections),
        },
        "left_on": transfer.starts_on.isoformat(),
        "sections": sections,
        "contacts": _contacts(student),
        "grades": _grades(student),
        "progress_notes": _progress_notes(student),
        "work": _work(student),
        "consents": _consents(student),
        "readable_copy": {
            "content_type": "application/pdf",
            "content_base64": envelope.b64(pdf),
        },
    }


def decode(data: bytes) -> dict:
    """The payload of an opened envelope, checked against the published schema (``Refused``)."""
    import jsonschema

    from .payload import format_checker

    try:
        payload = json.loads(data)
        # Dates checked as dates (a grade of 30 February must be refused here, not fail later).
        jsonschema.validate(payload, schema(), format_checker=format_checker())
    except (ValueError, UnicodeDecodeError, RecursionError, jsonschema.ValidationError) as error:
        raise envelope.Refused(
            "The file opened, but what it holds does not follow the published format of a pupil "
            f"record (version {PAYLOAD_VERSION}). Nothing was imported. Ask the sending school "
            "to check their software."
        ) from error
    return payload
