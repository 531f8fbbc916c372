"""The forms of the transfer pages: preparing a child's file, recording a partner school's keys,
importing a file, recording a receipt, and collecting a file through a one-time link."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing
from records.models import Student

from .. import envelope
from ..models import PartnerSchool

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_FILE_BYTES = 60 * 1024 * 1024  # a file with its attachments; the upload's own limit


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.last_name}, {obj.preferred_name or obj.first_name} (year {obj.year_group})"


@says_what_is_missing(
    child="Choose the child who is leaving",
    starts_on="Enter the day the child starts at the new school",
)
class PrepareForm(forms.Form):
    child = ChildChoiceField(
        queryset=Student.objects.order_by("last_name", "first_name"),
        empty_label="Choose the child",
        label="Child who is leaving",
    )
    partner = forms.ModelChoiceField(
        queryset=PartnerSchool.objects.all(),
        required=False,
        empty_label="A school without this software (send a link and a passphrase)",
        label="The child's new school",
        help_text="Schools on this software are listed once their keys are recorded on the "
        "partner schools page.",
    )
    school_name = forms.CharField(
        required=False,
        max_length=200,
        label="Name of the new school, if it is not listed",
    )
    school_urn = forms.CharField(
        required=False,
        max_length=20,
        label="Its unique reference number (URN), if you know it",
    )
    starts_on = forms.DateField(
        widget=DATE,
        label="The day the child starts at the new school (or the first day of the new term)",
        help_text="The file must reach the new school within 5 school days of this day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One of the two is needed: say so on each label rather than "optional".
        self.fields["partner"].needed_when = "or type its name below"
        self.fields["school_name"].needed_when = "needed if the school is not in the list"

    def clean(self):
        data = super().clean()
        if not data.get("partner") and not (data.get("school_name") or "").strip():
            self.add_error(
                "school_name",
                "Choose the new school from the list, or type its name if it is not listed.",
            )
        return data


@says_what_is_missing(
    child="Choose the child who is leaving",
    starts_on="Enter the day the child left this school",
)
class RecordPrepareForm(PrepareForm):
    """The same choices for a child's main pupil record: its clock starts the day the child
    leaves, and it has 15 school days."""

    child = ChildChoiceField(
        queryset=Student.objects.order_by("last_name", "first_name"),
        empty_label="Choose the child",
        label="Child who is leaving",
    )
    starts_on = forms.DateField(
        widget=DATE,
        label="The day the child left this school (came off roll)",
        help_text="The record must reach the new school within 15 school days of this day.",
    )


def _normal_fingerprint(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


@says_what_is_missing(
    keys="Paste the public keys the other school sent you",
    fingerprint="Enter the fingerprint the school read to you by phone",
)
class PartnerForm(forms.Form):
    keys = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2_000,
        label="The school's public keys",
        help_text="Paste the whole of the public-keys file the other school sent you (from their "
        "“This school's keys” page).",
    )
    fingerprint = forms.CharField(
        max_length=80,
        label="The fingerprint the school read to you by phone",
        help_text="Ring the school on a number you already know (not one in their email) and "
        "ask their DSL to read it out: 32 letters and digits.",
    )

    def clean(self):
        data = super().clean()
        if "keys" not in data or "fingerprint" not in data:
            return data
        try:
            keys = envelope.read_public_keys(data["keys"])
        except envelope.Refused as refused:
            self.add_error("keys", str(refused))
            return data
        if _normal_fingerprint(keys["fingerprint"]) != _normal_fingerprint(data["fingerprint"]):
            self.add_error(
                "fingerprint",
                "This fingerprint does not match the keys you pasted. Do not record them: the "
                "keys may not be the school's. Ring the school again to check.",
            )
        elif PartnerSchool.objects.filter(fingerprint=keys["fingerprint"]).exists():
            self.add_error("keys", "These keys are already recorded.")
        data["school"] = keys
        return data

    def save(self, by=None) -> PartnerSchool:
        """Record the school whose keys and fingerprint were checked."""
        school = self.cleaned_data["school"]
        return PartnerSchool.objects.create(
            name=school["school"] or "A school",
            urn=school["urn"],
            signing_key=envelope.b64(school["signing_key"]),
            encryption_key=envelope.b64(school["encryption_key"]),
            fingerprint=school["fingerprint"],
            recorded_by=by,
        )


def _read(upload) -> bytes:
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError("This file is too large to be a child-protection file.")
    return b"".join(upload.chunks())


@says_what_is_missing(file="Choose the file the other school sent")
class ImportForm(forms.Form):
    file = forms.FileField(
        label="The file the other school sent",
        help_text="The .json file of the transfer, as you received it.",
    )

    def clean_file(self):
        return _read(self.cleaned_data["file"])


@says_what_is_missing(receipt="Choose the receipt the new school sent back")
class ReceiptForm(forms.Form):
    receipt = forms.FileField(
        label="The receipt the new school sent back",
        help_text="The receipt file their software made when they imported the child's file.",
    )

    def clean_receipt(self):
        return _read(self.cleaned_data["receipt"])


@says_what_is_missing(passphrase="Enter the passphrase the school read to you")  # noqa: S106
class CollectForm(forms.Form):
    passphrase = forms.CharField(
        max_length=60,
        label="Passphrase",
        help_text="The school that sent this link will have read it to you by phone.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
