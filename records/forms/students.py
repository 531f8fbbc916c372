"""Finding a pupil on the student list by NHS number (P6)."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing


@says_what_is_missing(
    nhs_number="Enter the NHS number, ten digits, e.g. 943 476 5919",
)
class NHSNumberForm(forms.Form):
    nhs_number = forms.RegexField(
        label="NHS number",
        regex=r"^\s*\d{3}\s*\d{3}\s*\d{4}\s*$",
        error_messages={"invalid": "An NHS number is ten digits, e.g. 943 476 5919."},
    )
