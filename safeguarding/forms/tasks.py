"""The form the person a task is set for fills in when it is done: a short note for the DSL."""

from django import forms

from ..models import Action
from .fields import bounded


class TaskDoneForm(forms.Form):
    note = bounded(
        Action.DONE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What you did",
        help_text="A sentence or two for the safeguarding team: what you did, and anything "
        "they should know. Only the safeguarding team reads it.",
        error_messages={"required": "Write a short note of what you did."},
    )
