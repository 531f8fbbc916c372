"""The concern form (P1, P20, P21) and the safeguarding team's forms."""

import uuid

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.utils import timezone

from confidentiality.uploads import check_upload, too_large_message
from records.models import Student

from . import body_map
from .models import Category, Concern, ConcernSubject

MAX_ATTACHMENT_BYTES = getattr(settings, "SAFEGUARDING_MAX_ATTACHMENT_MB", 10) * 1024 * 1024
MAX_ATTACHMENTS = 5
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/gif", "application/pdf")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several photos or documents at once; each checked for size and real type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(f"Attach at most {MAX_ATTACHMENTS} files.")
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload.size > MAX_ATTACHMENT_BYTES:  # refuse before reading it into memory
                raise forms.ValidationError(
                    too_large_message(upload.size, MAX_ATTACHMENT_BYTES, upload.name)
                )
            upload.detected_type = check_upload(
                upload.read(),
                allowed=ATTACHMENT_TYPES,
                max_bytes=MAX_ATTACHMENT_BYTES,
                name=upload.name,
                what="a photo (JPEG, PNG or GIF) or a PDF",
            )
            upload.seek(0)
            cleaned.append(upload)
        return cleaned


def _row_number(prefix) -> int:
    try:
        return int((prefix or "").rsplit("-", 1)[-1]) + 1
    except ValueError:
        return 1


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.last_name}, {student.first_name} (Year {student.year_group})"


class SubjectForm(forms.Form):
    student = StudentChoiceField(
        queryset=Student.objects.order_by("last_name", "first_name"),
        required=False,
        empty_label="Choose a child",
    )
    part = forms.ChoiceField(
        choices=ConcernSubject.Part.choices, initial=ConcernSubject.Part.SUBJECT, label="Their part"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each row's labels say which row they belong to, for screen-reader users.
        n = _row_number(self.prefix)
        self.fields["student"].label = f"Child {n}"
        self.fields["part"].label = f"Child {n}: their part"


class BaseSubjectFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        chosen = [f.cleaned_data.get("student") for f in self.forms if f.cleaned_data]
        chosen = [s for s in chosen if s is not None]
        if not chosen:
            raise forms.ValidationError("Choose at least one child.")
        if len({s.pk for s in chosen}) != len(chosen):
            raise forms.ValidationError("Each child appears once; choose their main part.")

    def entries(self):
        return [
            (f.cleaned_data["student"], f.cleaned_data["part"])
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("student")
        ]


class MarkForm(forms.Form):
    region = forms.ChoiceField(
        choices=[("", "Choose where")] + body_map.REGIONS, required=False, label="Where"
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        label="What you saw",
        help_text="Size, colour, shape; what the child said caused it, if they said.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        n = _row_number(self.prefix)
        self.fields["region"].label = f"Mark {n}: where on the body"
        self.fields["note"].label = f"Mark {n}: what you saw"

    def clean(self):
        data = super().clean()
        if data.get("note") and not data.get("region"):
            self.add_error("region", "Choose where on the body this mark is.")
        return data


class BaseMarkFormSet(forms.BaseFormSet):
    def marks(self) -> list[dict]:
        return [
            {"region": f.cleaned_data["region"], "note": f.cleaned_data.get("note", "")}
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("region")
        ]


def subject_formset(data=None, initial=None):
    initial = initial or []
    cls = formset_factory(SubjectForm, formset=BaseSubjectFormSet, extra=max(1, 3 - len(initial)))
    return cls(data, initial=initial or None, prefix="students")


def mark_formset(data=None, initial=None):
    initial = initial or []
    cls = formset_factory(MarkForm, formset=BaseMarkFormSet, extra=max(1, 3 - len(initial)))
    return cls(data, initial=initial or None, prefix="marks")


class ConcernForm(forms.Form):
    """What a member of staff records. Only the child, the category and the P1 answer are
    required, and each has a true answer in every situation: everything else helps, nothing
    else blocks (P3, P20)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(choices=[("", "Choose a category")] + Category.choices)
    urgency = forms.ChoiceField(
        choices=Concern.Urgency.choices,
        initial=Concern.Urgency.ROUTINE,
        widget=forms.RadioSelect,
        label="How urgent is it?",
        help_text="If a child is in immediate danger, call 999 first, then log it here.",
    )
    account = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="What you saw, or what the child said, in their own words",
        help_text="Write their words exactly, even if they are rude or unclear. Do not ask "
        "leading questions or press the child to say more (P20).",
    )
    happened_at = forms.DateTimeField(
        label="When it was seen or said",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(required=False, max_length=200, label="Where it happened")
    bad_time_or_place = forms.BooleanField(
        required=False, label="It was said at a bad time or place (in class, in a corridor…)"
    )
    private_follow_up = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How you followed it up privately",
        help_text="P21: when and where you gave the child a private moment to talk, or plan to.",
    )
    actions_taken = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Actions you have already taken",
    )
    told_dsl_in_person = forms.BooleanField(
        required=False, label="I have already told the DSL or a deputy in person"
    )
    attachments = AttachmentsField(
        required=False,
        label="Photos or documents",
        help_text="JPEG, PNG, GIF or PDF, up to 10 MB each. Never photograph a child's body: "
        "use the body map.",
    )
    # P1: a true answer for every situation, so nobody has to tick something untrue to report
    # what they saw: an observation is sent as readily as a disclosure.
    child_told = forms.ChoiceField(
        choices=Concern.ChildTold.choices,
        widget=forms.RadioSelect,
        label="What did you tell the child about keeping it secret?",
        help_text="You cannot promise to keep a secret: tell the child it may be passed on to "
        "people who can help (P1). If you have not had the chance yet, say so and tell them when "
        "you next speak.",
        error_messages={
            "required": "Choose one answer about what the child was told (P1). If the child "
            "said nothing, choose “Nothing was disclosed”; if you have not told them "
            "yet, choose “Not yet”."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            self.initial.setdefault("happened_at", timezone.localtime().replace(second=0))

    def clean_happened_at(self):
        value = self.cleaned_data["happened_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError("This is in the future: when did it happen?")
        return value


def initial_from_draft(payload: dict) -> tuple[dict, list, list]:
    """Turn a saved draft (the form's fields as typed) back into the form's starting values."""

    def one(key):
        values = payload.get(key) or []
        return values[-1] if values else None

    form_initial = {}
    for name, field in ConcernForm.base_fields.items():
        if name == "attachments":
            continue
        value = one(name)
        if value is None:
            continue
        if isinstance(field, forms.BooleanField):
            value = value in ("on", "true", "True", "1")
        form_initial[name] = value
    students, marks = [], []
    for index in range(20):
        student, part = one(f"students-{index}-student"), one(f"students-{index}-part")
        if student:
            students.append({"student": student, "part": part or ConcernSubject.Part.SUBJECT})
        region, note = one(f"marks-{index}-region"), one(f"marks-{index}-note")
        if region or note:
            marks.append({"region": region or "", "note": note or ""})
    return form_initial, students, marks
