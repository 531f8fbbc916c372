"""The school's lesson-observation form: each criterion rated in words with a comment,
strengths, areas to develop and any scanned sheets. A draft may be saved half done; it is
submitted to the file only when every criterion is rated."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing
from confidentiality.uploads import MEGABYTE, check_upload

from ..models import CRITERIA, RATINGS
from .fields import DATE, line, text

SHEET_TYPES = ("application/pdf", "image/jpeg", "image/png")
SHEET_MAX = 10 * MEGABYTE


@says_what_is_missing(
    planned_for="Enter the date of the observation",
)
class ObservationForm(forms.Form):
    planned_for = forms.DateField(widget=DATE, label="Date of the observation")
    lesson = line(required=False, label="Lesson (class and subject)")

    def __init__(self, *args, observation, **kwargs):
        rated = {item["code"]: item for item in observation.rated()}
        ratings = observation.ratings if isinstance(observation.ratings, dict) else {}
        initial = {
            "planned_for": observation.planned_for,
            "lesson": observation.lesson or "",
            "strengths": observation.strengths or "",
            "areas_to_develop": observation.areas_to_develop or "",
        }
        for code, _ in CRITERIA:
            initial[f"{code}_rating"] = (ratings.get(code) or {}).get("rating", "")
            initial[f"{code}_comment"] = rated[code]["comment"]
        super().__init__(*args, initial=initial, **kwargs)
        for code, label in CRITERIA:
            self.fields[f"{code}_rating"] = forms.ChoiceField(
                choices=RATINGS, widget=forms.RadioSelect, required=False, label=label
            )
            self.fields[f"{code}_comment"] = text(
                rows=2, required=False, label=f"Comment on {label[:1].lower() + label[1:]}"
            )
        self.fields["strengths"] = text(required=False, label="Strengths")
        self.fields["areas_to_develop"] = text(required=False, label="Areas to develop")
        self.fields["sheet"] = forms.FileField(
            required=False,
            label="Add an observation sheet",
            help_text="A scan or photo of a paper sheet: PDF, JPEG or PNG, up to 10 MB.",
        )

    def clean_sheet(self):
        sheet = self.cleaned_data.get("sheet")
        if not sheet:
            return None
        data = sheet.read(SHEET_MAX + 1)
        content_type = check_upload(
            data, allowed=SHEET_TYPES, max_bytes=SHEET_MAX, name="The observation sheet"
        )
        return {"name": sheet.name[:200], "content_type": content_type, "data": data}

    def check_complete(self) -> bool:
        """Before submitting: every criterion rated, and strengths and areas to develop said."""
        for code, label in CRITERIA:
            if not self.cleaned_data.get(f"{code}_rating"):
                self.add_error(f"{code}_rating", f"Choose a rating for {label.lower()}.")
        for name, what in (("strengths", "strengths"), ("areas_to_develop", "areas to develop")):
            if not (self.cleaned_data.get(name) or "").strip():
                self.add_error(name, f"Write the {what} before you submit.")
        return not self.errors

    def apply_to(self, observation) -> None:
        data = self.cleaned_data
        observation.planned_for = data["planned_for"]
        observation.lesson = data.get("lesson", "")
        observation.ratings = {
            code: {
                "rating": data.get(f"{code}_rating", ""),
                "comment": data.get(f"{code}_comment", ""),
            }
            for code, _ in CRITERIA
        }
        observation.strengths = data.get("strengths", "")
        observation.areas_to_develop = data.get("areas_to_develop", "")
