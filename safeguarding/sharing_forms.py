"""Forms for breaking confidentiality (P2), asking for advice (P22), concerns about adults and
training (P9). Rules live on the models; the forms show their errors beside the fields."""

from django import forms
from django.contrib.auth import get_user_model

from confidentiality.roles import MAY_LOG_CONCERN
from records.models import Student

from .casework_forms import PersonChoiceField
from .forms import (
    ACCOUNT_MAX,
    SHORT_MAX,
    TEXT_MAX,
    bounded,
    check_when,
    earliest_adult_concern,
    limit_length,
    may_choose_children,
)
from .models import (
    AdviceRequest,
    Category,
    Concern,
    ConcernAboutAdult,
    Course,
    InformationShare,
    Policy,
    TrainingRecord,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def working_with_children():
    names = [role.group_name for role in MAY_LOG_CONCERN]
    return get_user_model().objects.filter(groups__name__in=names, is_active=True).distinct()


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.last_name}, {student.first_name} (Year {student.year_group})"


class InformationShareForm(forms.ModelForm):
    """P2: what, with whom, on what basis, and whether the student and parents were told."""

    student = StudentChoiceField(queryset=Student.objects.none(), label="Child")

    class Meta:
        model = InformationShare
        fields = [
            "student",
            "shared_on",
            "agency",
            "recipient",
            "what_was_shared",
            "lawful_basis",
            "special_category",
            "student_told",
            "parents_told",
            "reason_not_told",
        ]
        widgets = {"shared_on": DATE}
        help_texts = {
            "parents_told": "Parents who were told get a notice in their portal (not what "
            "was shared).",
        }

    def __init__(self, *args, concern, **kwargs):
        super().__init__(*args, **kwargs)
        # Encrypted fields build their own form fields: adjust them here.
        self.fields["agency"].label = "Agency (e.g. Children's social care, Police)"
        self.fields["what_was_shared"].widget.attrs["rows"] = 3
        self.fields["reason_not_told"].widget.attrs["rows"] = 3
        self.fields["reason_not_told"].help_text = (
            "Only if the student or the parents were not told first: why telling them would "
            "put the child at risk."
        )
        self.instance.concern = concern
        self.fields["student"].queryset = concern.students()
        for name in ("agency", "recipient"):
            limit_length(self.fields[name], SHORT_MAX)
        for name in ("what_was_shared", "reason_not_told"):
            limit_length(self.fields[name], TEXT_MAX)

    def clean(self):
        cleaned = super().clean()
        # Not a model field (a blind link): hand it to the share before the model's own checks.
        if cleaned.get("student") is not None:
            self.instance.student = cleaned["student"]
        return cleaned


class AdviceRequestForm(forms.ModelForm):
    student = StudentChoiceField(
        queryset=Student.objects.all(),
        required=False,
        label="Child (optional)",
        help_text="Leave empty for a general question.",
    )

    class Meta:
        model = AdviceRequest
        fields = ["student", "question"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].widget.attrs["rows"] = 5
        self.fields["question"].help_text = (
            "A short question for the DSL and deputies. If a child may be at risk now, log a "
            "concern instead."
        )
        limit_length(self.fields["question"], TEXT_MAX)
        if not may_choose_children(user):
            # Until they sign the agreement, no list of the school's children: they name the
            # child in the question, if it is about one.
            del self.fields["student"]
            question = self.fields["question"]
            question.help_text += " If it is about a child, say who (their name and class)."


class AdviceAnswerForm(forms.Form):
    answer = bounded(TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), label="Your answer")


class AdultConcernForm(forms.Form):
    """A low-level concern or an allegation about a member of staff or a volunteer."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    person = PersonChoiceField(
        queryset=get_user_model().objects.none(), label="Who the concern is about"
    )
    role_in_school = forms.CharField(max_length=200, required=False, label="Their role in school")
    nature = forms.ChoiceField(
        choices=ConcernAboutAdult.Nature.choices, widget=forms.RadioSelect, label="Kind of concern"
    )
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER)
    account = bounded(
        ACCOUNT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What you saw or heard",
        help_text="Facts, in the words used. Do not investigate or speak to the person.",
    )
    happened_at = forms.DateTimeField(widget=DATETIME, label="When it happened")
    location = forms.CharField(max_length=200, required=False, label="Where")
    # Worded for an adult: the people it goes to are not "the DSL" when the DSL is named.
    urgency = forms.ChoiceField(
        choices=[
            (Concern.Urgency.ROUTINE, "Routine – it will be picked up today"),
            (Concern.Urgency.URGENT, "Urgent – a child may be at risk now"),
        ],
        initial=Concern.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, author, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = working_with_children().exclude(pk=author.pk)

    def clean_happened_at(self):
        # Something long past may be reported (a non-recent allegation); never the future.
        return check_when(self.cleaned_data["happened_at"], earliest=earliest_adult_concern())


class TrainingRecordForm(forms.ModelForm):
    person = PersonChoiceField(queryset=get_user_model().objects.none(), label="Who")

    class Meta:
        model = TrainingRecord
        fields = ["person", "course", "title", "completed_on"]
        widgets = {"completed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = working_with_children()
        self.fields["course"].choices = Course.choices


class PolicyReadingForm(forms.Form):
    policy = forms.ChoiceField(choices=Policy.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read this policy and understand what it asks of me", required=True
    )


class ConvertAdviceForm(forms.Form):
    """The concern a request for advice becomes, prefilled from the question (P22)."""

    student = StudentChoiceField(queryset=Student.objects.all(), label="Child")
    category = forms.ChoiceField(choices=Category.choices)
    urgency = forms.ChoiceField(
        choices=Concern.Urgency.choices, initial=Concern.Urgency.ROUTINE, widget=forms.RadioSelect
    )
    account = bounded(
        ACCOUNT_MAX, widget=forms.Textarea(attrs={"rows": 5}), label="What was seen or said"
    )
    happened_at = forms.DateTimeField(widget=DATETIME, label="When")
    location = forms.CharField(max_length=200, required=False, label="Where")

    def clean_happened_at(self):
        return check_when(self.cleaned_data["happened_at"])
