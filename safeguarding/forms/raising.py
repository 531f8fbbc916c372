"""The concern form (P1, P20, P21): the child rows, the body-map marks, the attachments, and
the form's starting values from a saved draft."""

import uuid

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import lazy

from confidentiality.forms.messages import NOT_SENT_IN_FULL, says_what_is_missing
from confidentiality.forms.widgets import PlainSelect
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
    child_label,
    findable_children,
    offers_child_search,
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


@says_what_is_missing(
    part="Choose the child's part in it",
)
class SubjectForm(forms.Form):
    """One child chosen from the list, and their part: the safeguarding team's rows linking a
    child to a concern (``casework.link_children_formset``). The concern form itself finds
    children with a search instead (``ChosenChildForm``). Without a list to choose from
    (``may_choose`` false), nothing can be chosen."""

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
    default_error_messages = {"missing_management_form": NOT_SENT_IN_FULL}

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


@says_what_is_missing(
    part="Choose the child's part in it",
)
class ChosenChildForm(forms.Form):
    """One child chosen with the concern form's search, and their part. The child comes as a
    hidden id and is accepted only among the children this person's search may find
    (``findable_children``)."""

    student = StudentChoiceField(
        queryset=Student.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "One of the children chosen could not be found: search for them "
            "again, or write who they are in the box below."
        },
    )
    part = forms.ChoiceField(
        choices=ConcernSubject.Part.choices, initial=ConcernSubject.Part.SUBJECT, label="Their part"
    )

    def __init__(self, *args, findable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if findable is not None:
            self.fields["student"].queryset = findable
        # Each row's label names its child, for screen-reader users: looked up only when the
        # row is shown (a form sent as it should be is never shown again).
        self.fields["part"].label = lazy(self._part_label, str)()

    def _part_label(self) -> str:
        if "_part_label_text" not in self.__dict__:  # read once, however often it is shown
            child = self.chosen_child()
            self._part_label_text = f"{child_label(child)}: their part" if child else "Their part"
        return self._part_label_text

    def chosen_child(self):
        """The child this row holds, if it is one this person may choose."""
        value = (
            self.data.get(self.add_prefix("student")) if self.is_bound else None
        ) or self.initial.get("student")
        if not value:
            return None
        if isinstance(value, Student):
            return value
        try:
            return self.fields["student"].queryset.filter(pk=uuid.UUID(str(value))).first()
        except ValueError:
            return None


class BaseChosenChildrenFormSet(forms.BaseFormSet):
    default_error_messages = {"missing_management_form": NOT_SENT_IN_FULL}

    may_choose = True
    findable = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "findable": self.findable}

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["student"].queryset = self.findable
        return form

    def clean(self):
        if any(self.errors):
            return
        chosen = [f.cleaned_data.get("student") for f in self.forms if f.cleaned_data]
        chosen = [s for s in chosen if s is not None]
        if len({s.pk for s in chosen}) != len(chosen):
            raise forms.ValidationError("Each child appears once; choose their main part.")

    def entries(self):
        return [
            (f.cleaned_data["student"], f.cleaned_data["part"])
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("student")
        ]


# The buttons of the child search that send the form back to itself (without script): each
# keeps everything typed, and none sends the concern.
FIND, ADD, REMOVE = "find", "add", "remove"
MAX_CHILDREN = 20


def round_trip(data) -> str:
    """Which of the child search's buttons sent the form, or "" when it is being sent."""
    return next((name for name in (FIND, ADD, REMOVE) if name in data), "")


def children_posted(data):
    """The form's data with the children as one list of rows: the rows already chosen (less the
    one whose "Remove" was pressed) and then every match ticked in the search results, each
    child once. Every other field is kept as typed."""
    data = data.copy()
    try:
        # Rows removed in the browser leave gaps in the numbering: read a little further.
        total = min(int(data.get("students-TOTAL_FORMS") or 0), 5 * MAX_CHILDREN)
    except ValueError:
        total = 0
    removed = data.get(REMOVE) if REMOVE in data else None
    rows, seen = [], set()
    for index in range(total):
        child = (data.get(f"students-{index}-student") or "").strip()
        if child and child not in seen and str(index) != removed:
            seen.add(child)
            rows.append((child, data.get(f"students-{index}-part") or ConcernSubject.Part.SUBJECT))
    for child in data.getlist("add_child"):
        if child and child not in seen:
            seen.add(child)
            rows.append((child, ConcernSubject.Part.SUBJECT))
    for key in [k for k in data if k.startswith("students-")] + ["add_child", REMOVE]:
        data.pop(key, None)
    rows = rows[:MAX_CHILDREN]
    for index, (child, part) in enumerate(rows):
        data[f"students-{index}-student"] = child
        data[f"students-{index}-part"] = part
    data.update(
        {
            "students-TOTAL_FORMS": str(len(rows)),
            "students-INITIAL_FORMS": "0",
            "students-MIN_NUM_FORMS": "0",
            "students-MAX_NUM_FORMS": str(MAX_CHILDREN),
        }
    )
    return data


class MarkForm(forms.Form):
    region = forms.ChoiceField(
        choices=[("", "Choose where")] + body_map.REGIONS,
        required=False,
        label="Where",
        widget=PlainSelect,
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
    default_error_messages = {"missing_management_form": NOT_SENT_IN_FULL}

    def marks(self) -> list[dict]:
        return [
            {"region": f.cleaned_data["region"], "note": f.cleaned_data.get("note", "")}
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("region")
        ]


def subject_formset(data=None, initial=None, user=None):
    """The children chosen, one row each. Someone who may not search for children has none:
    they write who the child is. A row whose child this person may not choose is left out."""
    may_choose = offers_child_search(user)
    findable = findable_children(user) if may_choose else Student.objects.none()
    initial = list(initial or []) if may_choose else []
    if initial:
        allowed = {
            str(pk)
            for pk in findable.filter(pk__in=_uuids(row["student"] for row in initial)).values_list(
                "pk", flat=True
            )
        }
        initial = [row for row in initial if str(row["student"]) in allowed]
    cls = formset_factory(
        ChosenChildForm,
        formset=BaseChosenChildrenFormSet,
        extra=0,
        max_num=MAX_CHILDREN,
        absolute_max=100,
    )
    cls.findable = findable
    cls.may_choose = may_choose
    if data is not None and not may_choose:
        data = {k: v for k, v in data.items() if not k.startswith("students-")} | {
            "students-TOTAL_FORMS": "0",
            "students-INITIAL_FORMS": "0",
        }
    return cls(data, initial=initial or None, prefix="students")


def _uuids(values) -> list:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def mark_formset(data=None, initial=None):
    initial = initial or []
    cls = formset_factory(MarkForm, formset=BaseMarkFormSet, extra=max(1, 3 - len(initial)))
    return cls(data, initial=initial or None, prefix="marks")


@says_what_is_missing(
    idempotency_key=NOT_SENT_IN_FULL,
)
class ConcernForm(forms.Form):
    """What a member of staff records. Required: the child (chosen, or named in words), the
    category, what they saw or heard, when, and the P1 answer; each has a true answer in every
    situation. The child's own words never are (P20): everything else helps, nothing else
    blocks (P3)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # The child search's box: never saved with the concern, only used to find the child.
    child_search = forms.CharField(
        required=False,
        max_length=60,
        label="Type the child's name, class or year",
        help_text="At least 2 letters, e.g. “Maya”, “Oak” or “Year 3”.",
    )
    category = forms.ChoiceField(
        choices=[("", "Choose a category")] + Category.choices,
        widget=PlainSelect,
        label="Main category",
        help_text="The one that fits best. You can add others below.",
        error_messages={"required": "Choose a category"},
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
        error_messages={"required": "Say how urgent it is"},
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
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What you saw or heard",
        help_text="What happened, who was there, and what was said and by whom, as you "
        "remember it. Facts, not opinions.",
        error_messages={"required": "Say what you saw or heard"},
    )
    # P20: the child's words are welcome, never required.
    child_words = bounded(
        ACCOUNT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The child's own words",
        help_text="Only if the child said something. Write their words exactly, even if they "
        "are rude or unclear. Do not ask leading questions or press the child to say more.",
    )
    happened_at = forms.DateTimeField(
        label="When it was seen or said",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Give the date and time it was seen or said",
            "invalid": "Give the date and time it was seen or said, e.g. 23/11/2026 10:30",
        },
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
        help_text="When and where you gave the child a private moment to talk, or plan to.",
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
        label="Attach photos or documents",
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
        "people who can help. If you have not had the chance yet, say so and tell them when "
        "you next speak.",
        error_messages={
            "required": "Choose one answer about what the child was told. If the child "
            "said nothing, choose “Nothing was disclosed”; if you have not told them "
            "yet, choose “Not yet”."
        },
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone who may not search for children names the child in words instead; someone
        # who may can still write who the child is when the search does not find them.
        self.may_choose_child = offers_child_search(user)
        if self.may_choose_child:
            self.fields["child_named"].label = "Or, if you cannot find the child: who they are"
            # Needed when no child is chosen with the search: never a plain "(optional)".
            self.fields["child_named"].needed_when = "needed if you choose no child above"
        else:
            del self.fields["child_search"]
            self.fields["child_named"].required = True
            self.fields["child_named"].error_messages["required"] = (
                "Write who the child is: their name and class, or describe them if you do not "
                "know their name (e.g. “a girl in Year 2”)"
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
        words = (data.get("child_words") or "").strip()
        if words and "account" in data:
            # The concern keeps one account: the child's words follow what was seen, marked.
            data["account"] = f"{data['account']}\n\nThe child's own words: “{words}”"
        named = (data.get("child_named") or "").strip()
        if named and "account" in data:
            # No field of the concern holds a child who is not linked: the name goes at the top
            # of the account, encrypted with it, for the team to link the right record.
            prefix = f"Child named by the person raising this concern: {named}"
            data["account"] = f"{prefix}\n\n{data['account']}".strip()
        return data

    def check_children(self, subjects) -> None:
        """The concern is about someone: a child chosen with the search or named in words."""
        if not self.may_choose_child or "child_named" in self.errors:
            return  # the required "who is the child" box says it
        chosen = [f for f in subjects.forms if getattr(f, "cleaned_data", {}).get("student")]
        if subjects.is_valid() and not chosen and not self.cleaned_data.get("child_named"):
            self.add_error(
                "child_search",
                "Choose the child this is about, or write who they are if you cannot find them",
            )

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

    payload = _as_lists(children_posted(_as_query(payload)))

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
    for index in range(MAX_CHILDREN):
        student, part = one(f"students-{index}-student"), one(f"students-{index}-part")
        if student:
            students.append({"student": student, "part": part or ConcernSubject.Part.SUBJECT})
        region, note = one(f"marks-{index}-region"), one(f"marks-{index}-note")
        if region or note:
            marks.append({"region": region or "", "note": note or ""})
    return form_initial, students, marks


def _as_query(payload: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in payload.items():
        query.setlist(key, [str(v) for v in (values if isinstance(values, list) else [values])])
    return query


def _as_lists(query: QueryDict) -> dict:
    return {key: query.getlist(key) for key in query}
