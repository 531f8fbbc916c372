"""Finding a pupil on the student list by NHS number (P6)."""

from django import forms


class NHSNumberForm(forms.Form):
    nhs_number = forms.RegexField(
        label="NHS number",
        regex=r"^\s*\d{3}\s*\d{3}\s*\d{4}\s*$",
        error_messages={"invalid": "An NHS number is ten digits, e.g. 943 476 5919."},
    )
