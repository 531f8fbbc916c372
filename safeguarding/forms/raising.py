"""The concern form (P1, P20, P21): the child rows, the body-map marks, the attachments, and
the form's starting values from a saved draft."""

import uuid

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.utils import timezone

from confidentiality.uploads import check_upload, too_large_message
from records.models import Student

from .. import body_map
from ..models import Category, Concern, ConcernSubject
from ..models.concerns import category_codes
from .fields import (
    ACCOUNT_MAX,
    SHORT_MAX,
    TEXT_MAX,
    StudentChoiceField,
    bounded,
    check_when,
    may_choose_children,
)

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


class SubjectForm(forms.Form):
    """One child and their part. Without a list to choose from (``may_choose`` false), nothing
    can be chosen: the concern form's "child's name" box is used instead."""

    student = StudentChoiceField(
        queryset=Student.objects.order_by("last_name", "first_name"),
        required=False,
        empty_label="Choose a child",
    )
    part = forms.ChoiceField(
        choices=ConcernSubject.Part.choices, initial=ConcernSubject.Part.SUBJECT, label="Their part"
    )

    def __init__(self, *args, may_choose=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_choose:
            # Nothing to choose, so nothing to answer: a part is never asked of them (P3: the
            # report must go whatever the rows hold).
            self.fields["student"].queryset = Student.objects.none()
            self.fields["part"].required = False
        # Each row's labels say which row they belong to, for screen-reader users.
        n = _row_number(self.prefix)
        self.fields["student"].label = f"Child {n}"
        self.fields["part"].label = f"Child {n}: their part"


class BaseSubjectFormSet(forms.BaseFormSet):
    may_choose = True

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "may_choose": self.may_choose}

    def clean(self):
        if any(self.errors):
            return
        if not self.may_choose:
            return  # the child is named in the concern form's own box
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


def subject_formset(data=None, initial=None, user=None):
    """The child rows. For someone who may not see the list of children, no rows are offered."""
    may_choose = may_choose_children(user)
    initial = (initial or []) if may_choose else []
    cls = formset_factory(SubjectForm, formset=BaseSubjectFormSet, extra=max(1, 3 - len(initial)))
    formset = cls(data, initial=initial or None, prefix="students")
    formset.may_choose = may_choose
    return formset


def mark_formset(data=None, initial=None):
    initial = initial or []
    cls = formset_factory(MarkForm, formset=BaseMarkFormSet, extra=max(1, 3 - len(initial)))
    return cls(data, initial=initial or None, prefix="marks")


class ConcernForm(forms.Form):
    """What a member of staff records. Only the child, the category and the P1 answer are
    required, and each has a true answer in every situation: everything else helps, nothing
    else blocks (P3, P20)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        choices=[("", "Choose a category")] + Category.choices,
        label="Main category",
        help_text="The one that fits best. Tick any others below.",
    )
    # Never required, never an error: the main category ticked again here is simply dropped
    # (it is already recorded as the main one, so nothing is lost), as the help says.
    other_categories = forms.MultipleChoiceField(
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Any other categories",
        help_text="If the concern also falls under other categories, tick them. Ticking the "
        "main category here too changes nothing: it stays the main one.",
    )
    urgency = forms.ChoiceField(
        choices=Concern.Urgency.choices,
        initial=Concern.Urgency.ROUTINE,
        widget=forms.RadioSelect,
        label="How urgent is it?",
        help_text="If a child is in immediate danger, call 999 first, then log it here.",
    )
    child_named = bounded(
        SHORT_MAX,
        required=False,
        label="The child's name and class",
        help_text="As far as you know them, e.g. “Sam, Year 4, Mrs Patel's class”. The "
        "safeguarding team will find the child's record.",
    )
    account = bounded(
        ACCOUNT_MAX,
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
    private_follow_up = bounded(
        TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How you followed it up privately",
        help_text="P21: when and where you gave the child a private moment to talk, or plan to.",
    )
    actions_taken = bounded(
        TEXT_MAX,
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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone who may not see the list of children names the child in words instead.
        self.may_choose_child = may_choose_children(user)
        if self.may_choose_child:
            del self.fields["child_named"]
        else:
            self.fields["child_named"].required = True
            self.fields["child_named"].error_messages["required"] = (
                "Write the child's name and class, or describe them if you do not know their "
                "name (e.g. “a girl in Year 2”)."
            )
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            self.initial.setdefault("happened_at", timezone.localtime().replace(second=0))

    def clean_happened_at(self):
        return check_when(self.cleaned_data["happened_at"])

    def clean(self):
        data = super().clean()
        if "other_categories" in data:
            data["other_categories"] = category_codes(
                data["other_categories"], leaving_out=data.get("category") or ""
            )
        named = (data.get("child_named") or "").strip()
        if named and "account" in data:
            # No field of the concern holds a child who is not linked: the name goes at the top
            # of the account, encrypted with it, for the team to link the right record.
            prefix = f"Child named by the person raising this concern: {named}"
            data["account"] = f"{prefix}\n\n{data['account']}".strip()
        return data

    def fits(self, subjects) -> bool:
        """Checks across the form and the child rows: an event before a child was born is a
        slip of the keyboard. Adds the error and answers False; call after both are valid."""
        when = self.cleaned_data.get("happened_at")
        born = [
            student.date_of_birth
            for student, _part in subjects.entries()
            if getattr(student, "date_of_birth", None)
        ]
        if when and born and timezone.localdate(when) < min(born):
            self.add_error(
                "happened_at",
                "This is before the child was born: please check the date.",
            )
            return False
        return True


def initial_from_draft(payload: dict) -> tuple[dict, list, list]:
    """Turn a saved draft (the form's fields as typed) back into the form's starting values."""

    def one(key):
        values = payload.get(key) or []
        return values[-1] if values else None

    form_initial = {}
    for name, field in ConcernForm.base_fields.items():
        if name == "attachments":
            continue
        if isinstance(field, forms.MultipleChoiceField):
            if payload.get(name):
                form_initial[name] = list(payload[name])
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
