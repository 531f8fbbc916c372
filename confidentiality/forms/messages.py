"""What a form says when something it needs is missing: in words about the thing itself ("Choose
the child"), never Django's generic "This field is required."."""

from django import forms
from django.db.models.fields import BLANK_CHOICE_LABEL

# A form's hidden key (e.g. the concern form's, which stops a double send) missing: the page was
# not sent as the school's form sends it.
NOT_SENT_IN_FULL = "The form was not sent in full, so nothing was saved. Please send it again."


def says_what_is_missing(**messages):
    """Class decorator: for each named field of the form, the words shown when it is left
    empty. Applied to the class's own fields (``base_fields``), so every instance has them."""

    def decorate(form_class):
        for name, message in messages.items():
            field = form_class.base_fields[name]
            field.error_messages = {**field.error_messages, "required": message}
            _blank_choice_in_words(field, message)
        return form_class

    return decorate


# What Django offers as the empty choice of a list: framework words, never a school's.
_FRAMEWORK_BLANKS = {str(BLANK_CHOICE_LABEL), "---------"}


def _blank_choice_in_words(field, message: str) -> None:
    """A list's empty choice says what to do ("Choose the subject"), not "- Select an option -"."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None and str(field.empty_label) in _FRAMEWORK_BLANKS:
            field.empty_label = message
        return
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and str(choices[0][1]) in _FRAMEWORK_BLANKS:
            field.choices = [("", message), *choices[1:]]
