"""Changing a student's confidential record, section by section, and each section's history.

Who may read and edit which section is the access policy's (``policy.SECTION_PERMISSION``,
``policy.EDIT_PERMISSION``) and the form is ``forms.sections``; this module saves a change as one
audited edit, and reads a section's change history from the audit log: who changed it, when and
which entries — never what they said (P6).
"""

from auditlog.models import LogEntry
from django.db import transaction

from .models import RecordSection
from .models.sections import SECTION_FIELDS


@transaction.atomic
def save_section(student, kind, entries: dict, notes: str, by) -> list[str]:
    """Change one section of a student's record; returns the labels of what changed.

    Every child has every section from the start (``sections.start_sections``), so this writes
    into the section that is there. An unchanged form writes nothing. A change is one save, so
    auditlog writes one entry, with who made it and the names of the entries that changed
    (their contents are masked, P6). Entries the form does not show (kept from older records)
    are left as they are.
    """
    kind = RecordSection.Kind(kind)
    section = RecordSection.objects.select_for_update().filter(
        student=student, kind=kind
    ).first() or RecordSection(student=student, kind=kind)
    before = dict(section.details or {})
    labels = dict(SECTION_FIELDS[kind])
    changed = [labels[k] for k, v in entries.items() if (before.get(k) or "") != v]
    notes = notes.strip()
    if (section.notes or "") != notes:
        changed.append("Notes")
    if not changed:
        return []
    details = {**before, **{k: v for k, v in entries.items() if v or k in before}}
    section.details = {k: v for k, v in details.items() if v}
    section.notes = notes
    section.updated_by = by
    section._audit_note = {"entries": changed}
    section.save()
    return changed


ACTION_WORDS = {
    LogEntry.Action.CREATE: "Started the section",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Removed the section",
}
FIELD_LABELS = {"details": "Entries", "notes": "Notes"}


def section_history(student, kind) -> list[dict]:
    """Every change of this section, newest first: who, when and which entries — no content."""
    section = RecordSection.objects.filter(student=student, kind=kind).first()
    if section is None:
        return []
    rows = []
    entries = (
        LogEntry.objects.get_for_object(section)
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
    for entry in entries:
        what = (entry.additional_data or {}).get("entries")
        if not what and entry.action == LogEntry.Action.CREATE:
            what = []  # every section starts empty with the child's record (``start_sections``)
        elif not what:
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            what = [FIELD_LABELS[f] for f in FIELD_LABELS if f in changes]
        rows.append(
            {
                "when": entry.timestamp,
                "who": entry.actor or "The system (an import or a data fix)",
                "did": ACTION_WORDS.get(entry.action, "Changed"),
                "what": what,
            }
        )
    return rows
