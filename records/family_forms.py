"""Forms for a child's learning, the family's requests and consents. Each form keeps what the
person typed when it is shown again with errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from confidentiality.uploads import too_large_message

from .models import (
    FamilyNotice,
    Grade,
    MeetingRequest,
    PhotoPurpose,
    ProgressNote,
    Subject,
    WorkItem,
)
from .models.academic import MAX_WORK_FILE_BYTES


class GradeForm(forms.ModelForm):
    class Meta:
        model = Grade
        fields = ["subject", "assessment", "result", "term", "assessed_on", "comment"]
        widgets = {"assessed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].required = True
        self.fields["comment"].required = False
        self.fields["comment"].widget.attrs["rows"] = 3
        self.fields["assessed_on"].initial = timezone.localdate


class ProgressNoteForm(forms.ModelForm):
    class Meta:
        model = ProgressNote
        fields = ["subject", "written_on", "text"]
        widgets = {"written_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = True
        self.fields["text"].help_text = "The child's parents read this in the parent portal."


class WorkUploadForm(forms.Form):
    """A page of a child's book or a piece of work. Checked by content, not by name (P13)."""

    title = forms.CharField(max_length=200, help_text="For example: “Volcano diagram”.")
    subject = forms.ChoiceField(choices=Subject.choices)
    file = forms.FileField(
        help_text=f"A PDF, JPEG or PNG, at most {MAX_WORK_FILE_BYTES // (1024 * 1024)} MB. "
        "If there is an error, choose the file again.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

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


class FamilyNoticeForm(forms.ModelForm):
    class Meta:
        model = FamilyNotice
        fields = ["title", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["body"].required = True
        self.fields["body"].help_text = (
            "The parents and carers read this in the portal; their email only says there is a "
            "new message."
        )


class MeetingRequestForm(forms.ModelForm):
    class Meta:
        model = MeetingRequest
        fields = ["topic", "preferred_times", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].required = True
        self.fields["preferred_times"].required = True
        self.fields["details"].required = False


class MeetingAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="Answer",
        choices=[
            (MeetingRequest.Status.ARRANGED, "Arrange the meeting"),
            (MeetingRequest.Status.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label="Reply to the parent",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When and where you will meet, or why not and what else you suggest.",
    )


class DiscussionRequestForm(forms.Form):
    teaching_group = forms.ModelChoiceField(queryset=None, label="Class", empty_label=None)
    topic = forms.CharField(
        label="What would be discussed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The parents read this in the portal. Say what the class would be told, and why.",
    )

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teaching_group"].queryset = student.teaching_groups.all()


class DiscussionAnswerForm(forms.Form):
    granted = forms.TypedChoiceField(
        label="May the school discuss this with the class?",
        choices=[("yes", "Yes, you may"), ("no", "No, please do not")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class PhotoDecisionForm(forms.Form):
    purpose = forms.ChoiceField(choices=PhotoPurpose.choices)
    given = forms.TypedChoiceField(
        choices=[("yes", "Give consent"), ("no", "Withdraw consent")],
        coerce=lambda value: value == "yes",
    )


class PhotoUseForm(forms.Form):
    """Record a photograph used for a purpose; refused unless every pupil in it has consent."""

    description = forms.CharField(max_length=200, help_text="For example: “Sports day relay”.")
    purpose = forms.ChoiceField(choices=PhotoPurpose.choices)
    used_on = forms.DateField(
        label="Date used", widget=forms.DateInput(attrs={"type": "date"}), initial=None
    )
    students = forms.ModelMultipleChoiceField(
        queryset=None, label="Pupils in the photograph", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["used_on"].initial = timezone.localdate


class EndParentLinkForm(forms.Form):
    """The office or the safeguarding team ends a parent or carer's link to a child."""

    reason = forms.CharField(
        label="Why is this link being ended?",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept encrypted with the record of the link. For example: “Not a carer of "
        "this child: entered in the MIS by mistake.” The DSL is told that a link was ended.",
        error_messages={
            "required": "Say why the link is ended.",
            "min_length": "Say why the link is ended (at least a sentence).",
        },
    )


class RestoreParentLinkForm(forms.Form):
    """The DSL gives back a parent or carer's link that the school ended."""

    reason = forms.CharField(
        label="Why is this link being restored?",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept encrypted with the record of the link. For example: “The court order "
        "was discharged on 3 March.”",
        error_messages={
            "required": "Say why the link is restored.",
            "min_length": "Say why the link is restored (at least a sentence).",
        },
    )
