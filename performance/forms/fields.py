"""The pieces every performance form uses: a box with a length limit that says what is wrong
and keeps the text (never the browser's silent cut), and a date that is not in the future."""

from django import forms
from django.utils import timezone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_MAX = 5_000  # an objective, a note, an outcome, a comment
LONG_MAX = 20_000  # performance data, the notes of a meeting
SHORT_MAX = 200  # a lesson's name


def _length_check(limit: int):
    def check(value):
        if value and len(value) > limit:
            raise forms.ValidationError(
                f"This is {len(value):,} characters long; this box takes up to {limit:,}. "
                "Everything you typed is still here: please shorten it, then save again.",
                code="max_length",
            )

    return check


def text(limit: int = TEXT_MAX, rows: int = 4, **kwargs) -> forms.CharField:
    field = forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)
    field.validators.append(_length_check(limit))
    return field


def line(limit: int = SHORT_MAX, **kwargs) -> forms.CharField:
    field = forms.CharField(**kwargs)
    field.validators.append(_length_check(limit))
    return field


def not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("This date is in the future: when was it held?")
    return value
