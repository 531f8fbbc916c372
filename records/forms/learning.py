"""Adding to a child's learning: a grade, a progress note, a piece of work (P12, P13)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from confidentiality.forms.messages import says_what_is_missing
from confidentiality.uploads import too_large_message

from ..models import Grade, ProgressNote, Subject, WorkItem
from ..models.academic import MAX_WORK_FILE_BYTES
from .lessons import topic_choice


@says_what_is_missing(
    subject="Choose the subject",
    assessment="Enter the assessment",
    term="Choose the term",
    assessed_on="Enter the date of the assessment",
)
class GradeForm(forms.ModelForm):
    class Meta:
        model = Grade
        fields = ["subject", "assessment", "result", "term", "assessed_on", "comment"]
        widgets = {"assessed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].required = True
        self.fields["result"].error_messages["required"] = "Enter the result"
        self.fields["comment"].required = False
        self.fields["comment"].widget.attrs["rows"] = 3
        self.fields["assessed_on"].initial = timezone.localdate


@says_what_is_missing(
    subject="Choose the subject",
    written_on="Enter the date of the note",
)
class ProgressNoteForm(forms.ModelForm):
    class Meta:
        model = ProgressNote
        fields = ["subject", "written_on", "text"]
        widgets = {"written_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = True
        self.fields["text"].error_messages["required"] = "Write the progress note"
        self.fields["text"].help_text = "The child's parents read this in the parent portal."


@says_what_is_missing(
    title="Enter a title for the work",
    subject="Choose the subject",
    file="Choose the file of the work",
)
class WorkUploadForm(forms.Form):
    """A page of a child's book or a piece of work. Checked by content, not by name (P13)."""

    title = forms.CharField(max_length=200, help_text="For example: “Volcano diagram”.")
    subject = forms.ChoiceField(choices=Subject.choices)
    file = forms.FileField(
        help_text=f"A PDF, JPEG or PNG, at most {MAX_WORK_FILE_BYTES // (1024 * 1024)} MB. "
        "If there is an error, choose the file again.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    # P19: for the guidance only. Not kept with the work: a child's work filed under "self-harm"
    # would say more about the child than the class's lesson does.
    topic = topic_choice()

    student = None  # set by the view: the child the work belongs to
    by = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None or "title" not in cleaned or "subject" not in cleaned:
            return cleaned
        if upload.size > MAX_WORK_FILE_BYTES:  # refuse before reading it all into memory
            self.add_error("file", too_large_message(upload.size, MAX_WORK_FILE_BYTES))
            return cleaned
        try:
            self.work_item = WorkItem.from_upload(
                student=self.student,
                title=cleaned["title"],
                subject=cleaned["subject"],
                data=upload.read(),
                name=upload.name,
                by=self.by,
            )
        except ValidationError as error:
            self.add_error("file", error)
        return cleaned
