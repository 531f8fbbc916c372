"""What a child-protection file holds, as the JSON the schema publishes
(``schema/child-protection-file.v1.schema.json``, described in docs/TRANSFER_FORMAT.md).

It is the child's safeguarding chronology (every concern, note, action, referral, decision not to
refer, information share, outcome, strategy discussion, conference and meeting, status, and the
history received from earlier schools), the concerns themselves, and the files attached to them,
with the readable PDF of all of it. The main educational record is not in it: it travels on its
own, by the usual school-to-school route.
"""

import base64
import json
from datetime import datetime
from functools import cache
from pathlib import Path

from django.utils import timezone

from safeguarding import chronology
from safeguarding.models import Concern, ConcernAttachment

from . import envelope

SCHEMA_PATH = Path(__file__).parent / "schema" / "child-protection-file.v1.schema.json"
PAYLOAD_FORMAT = "child-protection-file"
PAYLOAD_VERSION = 1
# Parents' requests to meet are part of the main record, not the child-protection file.
LEFT_OUT_KINDS = {chronology.Kind.MEETING}


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def _person(text) -> str:
    return str(text or "")


def _entries(student) -> list[dict]:
    rows = []
    for entry in chronology.entries_for(student):
        if entry.kind in LEFT_OUT_KINDS:
            continue
        rows.append(
            {
                "when": entry.when.isoformat(),
                "kind": entry.kind,
                "kind_label": entry.kind_label,
                "title": str(entry.title),
                "detail": str(entry.detail or ""),
                "who": _person(entry.who),
                "reference": entry.reference,
            }
        )
    return rows


def _concerns(student) -> list[dict]:
    return [
        {
            "reference": c.reference,
            "happened_at": c.happened_at.isoformat(),
            "categories": str(c.categories_display),
            "urgent": bool(c.is_urgent),
            "closed": bool(c.is_closed),
        }
        for c in Concern.objects.about_children().about(student).order_by("happened_at")
    ]


def _attachments(student) -> list[dict]:
    concerns = Concern.objects.about_children().about(student)
    found = ConcernAttachment.objects.filter(concern__in=concerns).select_related("concern")
    rows = []
    for a in found:
        content = bytes(a.content)
        rows.append(
            {
                "concern_reference": a.concern.reference,
                "filename": str(a.filename),
                "content_type": a.content_type,
                "size": len(content),
                "sha256": envelope.sha256(content),
                "content_base64": base64.b64encode(content).decode("ascii"),
            }
        )
    return rows


def build(transfer, *, sender, pdf: bytes) -> dict:
    """The payload of ``transfer`` (its child, its receiving school), as ``sender`` sends it."""
    student = transfer.student
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
        },
        "chronology": _entries(student),
        "concerns": _concerns(student),
        "attachments": _attachments(student),
        "readable_copy": {
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(pdf).decode("ascii"),
        },
    }


def encode(payload: dict) -> bytes:
    return envelope.canonical(payload)


def decode(data: bytes) -> dict:
    """The payload of an opened envelope, checked against the published schema (``Refused``)."""
    import jsonschema

    try:
        payload = json.loads(data)
        jsonschema.validate(payload, schema(), format_checker=format_checker())
        for attachment in payload["attachments"]:
            content = base64.b64decode(attachment["content_base64"], validate=True)
            if envelope.sha256(content) != attachment["sha256"]:
                raise ValueError("an attachment does not match its hash")
    except jsonschema.ValidationError as error:
        if error.validator == "format" and error.validator_value in ("date", "date-time"):
            raise envelope.Refused(
                "The file opened, but a date in it is not a real date, or a time in it has no "
                "time zone. Nothing was imported. Ask the sending school to check their "
                "software."
            ) from error
        raise _not_the_format() from error
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise _not_the_format() from error
    return payload


def _not_the_format() -> envelope.Refused:
    return envelope.Refused(
        "The file opened, but what it holds does not follow the published format "
        f"(version {PAYLOAD_VERSION}). Nothing was imported. Ask the sending school to "
        "check their software."
    )


def format_checker():
    """The schema's formats, checked: a date must be a real date (the library's own check) and
    a date-time a real moment with its time zone (ISO 8601, e.g. RFC 3339: the library leaves
    that to an extra package). Every date the chronology reads from a file is one of these."""
    import jsonschema

    checker = jsonschema.FormatChecker()
    checker.checks("date-time", raises=ValueError)(_aware_moment)
    return checker


def _aware_moment(value) -> bool:
    if not isinstance(value, str):  # the schema's "type" says what is wrong with it
        return True
    return datetime.fromisoformat(value).tzinfo is not None
