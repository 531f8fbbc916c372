"""Forms for calling a meeting, its agenda, who attended and its papers."""

from django import forms
from django.contrib.auth import get_user_model

from confidentiality import uploads
from confidentiality.forms.messages import says_what_is_missing
from confidentiality.forms.people import person_label

from ..models import Attendance, Committee
from ..policy import READERS

PAPER_TYPES = ("application/pdf", "image/png", "image/jpeg")
PAPER_MAX_BYTES = 20 * uploads.MEGABYTE
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


@says_what_is_missing(
    committee="Choose which body is meeting",
)
class MeetingForm(forms.Form):
    committee = forms.ChoiceField(
        choices=Committee.choices, initial=Committee.FULL, label="Which body is meeting"
    )
    held_at = forms.DateTimeField(
        label="Date and time",
        widget=DATETIME,
        error_messages={"required": "Enter the date and time of the meeting."},
    )
    place = forms.CharField(
        max_length=200,
        label="Place",
        help_text="For example “School library” or “Online (Teams)”.",
        error_messages={"required": "Enter where the meeting is held."},
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Agenda item",
        help_text="For example “Minutes of the last meeting” or “Head teacher's report”.",
        error_messages={"required": "Enter the agenda item."},
    )


def people_who_attend():
    """Governors, the chair, the clerk and the head teacher: who a meeting's attendance lists."""
    people = get_user_model().objects.with_roles(*READERS)
    return people.prefetch_related("groups").order_by("last_name", "first_name")


NOT_EXPECTED = ""


class AttendanceForm(forms.Form):
    """One answer per person who may attend: attended, apologies sent (accepted), absent, or
    not recorded."""

    def __init__(self, *args, meeting=None, recorder=None, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = dict(meeting.attendances.values_list("person_id", "status")) if meeting else {}
        self.people = list(people_who_attend())
        # The recorder's own answer, which someone else records (``Meeting.record_attendance``).
        self.own_field = f"person_{recorder.pk}" if recorder is not None else None
        for person in self.people:
            name = f"person_{person.pk}"
            self.fields[name] = forms.ChoiceField(
                choices=[(NOT_EXPECTED, "Not recorded"), *Attendance.Status.choices],
                required=False,
                label=person_label(person, with_role=True),
                initial=recorded.get(person.pk, NOT_EXPECTED),
                help_text="Your own attendance: someone else records it."
                if name == self.own_field
                else "",
            )
        if self.own_field not in self.fields:
            self.own_field = None

    def answers(self) -> dict:
        """{person: status or ""} as chosen."""
        return {p: self.cleaned_data.get(f"person_{p.pk}") or NOT_EXPECTED for p in self.people}


class PaperForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text="For example “Budget monitoring, autumn term”.",
        error_messages={"required": "Enter the paper's title."},
    )
    file = forms.FileField(
        label="The paper",
        help_text="A PDF, or a PNG or JPEG image, up to 20 MB.",
        error_messages={"required": "Choose the file of the paper."},
    )
    confidential = forms.BooleanField(
        required=False,
        label="This paper is confidential",
        help_text="Only the governors who attend the meeting, the clerk and the head teacher "
        "will be able to open it. It is never published.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = upload.read()
        upload.detected_type = uploads.check_upload(
            data,
            allowed=PAPER_TYPES,
            max_bytes=PAPER_MAX_BYTES,
            name="The paper",
            hint="Save it as a PDF and choose it again.",
        )
        upload.data = data
        return upload


class ReplacePaperForm(PaperForm):
    """A new version of a paper. Whether it is confidential stays as it was: a confidential
    paper made public would publish what governors were told in confidence."""

    confidential = None
    file = forms.FileField(
        label="The new version",
        help_text="A PDF, or a PNG or JPEG image, up to 20 MB. It takes the place of the old one.",
        error_messages={"required": "Choose the file of the new version."},
    )
