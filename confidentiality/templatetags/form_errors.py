"""Where an error summary's link for a field leads: the control that takes focus (GOV.UK: the
first radio or tick box of a group, the first box of a date and time), never an id that is on no
element, so following the link moves focus to where the answer is given."""

from django import template
from django.forms.widgets import ChoiceWidget

register = template.Library()


@register.filter
def error_target(field) -> str:
    """The id of the first element a person answers ``field`` with."""
    widget = field.field.widget
    if isinstance(widget, ChoiceWidget):
        return widget.id_for_label(field.auto_id, "0") or field.auto_id
    return widget.id_for_label(field.auto_id) or field.auto_id
