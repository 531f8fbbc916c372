"""Editing one section of a student's record (P6): one text box per named entry, and the notes.

Saving is ``section_editing.save_section``'s; who may edit which section is the policy's
(``policy.EDIT_PERMISSION``)."""

from django import forms

from ..models import RecordSection
from ..models.sections import SECTION_FIELDS

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
