"""Editing a student's confidential record, section by section, and each section's history.

Who may edit which section is the access policy's (``policy.EDIT_PERMISSION``); this module
builds the form for a section, saves a change as one audited edit, and reads a section's change
history from the audit log: who changed it, when and which entries — never what they said (P6).
"""

from auditlog.models import LogEntry
from django import forms
from django.db import transaction

from .models import RecordSection
from .models.sections import SECTION_FIELDS

ENTRY_MAX_LENGTH = 4000
NOTES_MAX_LENGTH = 20000


class SectionForm(forms.Form):
    """One text box per named entry of the section, the notes, and the moment the editor opened
    it — so two people editing at once cannot silently overwrite each other."""

    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kind, section=None, **kwargs):
        self.kind = RecordSection.Kind(kind)
        self.section = section
        details = section.details if section else {}
        kwargs.setdefault(
            "initial",
            {
                **{key: details.get(key, "") for key, _ in SECTION_FIELDS[self.kind]},
                "notes": (section.notes or "") if section else "",
                "seen_version": _version(section),
            },
        )
        super().__init__(*args, **kwargs)
        for key, label in SECTION_FIELDS[self.kind]:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=ENTRY_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["notes"] = forms.CharField(
            label="Notes",
            required=False,
            max_length=NOTES_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6}),
        )
        # Keep the hidden field first and the notes last, in the section's own order.
        self.order_fields(["seen_version", *(k for k, _ in SECTION_FIELDS[self.kind]), "notes"])

    def clean(self):
        data = super().clean()
        if data.get("seen_version", "") != _version(self.section):
            who = self.section.updated_by if self.section else None
            when = self.section.updated_at if self.section else None
            raise forms.ValidationError(
                "Someone else saved this section while you were editing it"
                + (f" ({who}, {when:%H:%M})" if who and when else "")
                + ". What you typed is kept below: compare it with the record, then save again.",
                code="stale",
            )
        return data

    def entries(self) -> dict[str, str]:
        return {key: self.cleaned_data[key].strip() for key, _ in SECTION_FIELDS[self.kind]}


def _version(section) -> str:
    return section.updated_at.isoformat() if section and section.updated_at else ""


@transaction.atomic
def save_section(student, kind, entries: dict, notes: str, by) -> list[str]:
    """Change one section of a student's record; returns the labels of what changed.

    An unchanged form writes nothing. A change is one save, so auditlog writes one entry, with
    who made it and the names of the entries that changed (their contents are masked, P6).
    Entries the form does not show (kept from older records) are left as they are.
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
        if not what:
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
