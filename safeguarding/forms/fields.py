"""Pieces every safeguarding form uses: the length of a box, the date of an event, the child
chooser (and who may see the list of children at all), and the date widgets."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# What one box may hold (M3): far more than anyone writes about one event, small enough that
# nothing typed can make a page, an email or the chronology PDF slow.
ACCOUNT_MAX = 20_000  # what was seen or said
TEXT_MAX = 5_000  # follow-up, actions, notes, questions, answers, reasons
SHORT_MAX = 200  # a place, a name, a reference
# The earliest date anyone may give for an event: before it, the date is a slip of the keyboard.
EARLIEST_YEARS_AGO = 20
# A concern about an adult may describe something long past (a non-recent allegation).
EARLIEST_ADULT_YEAR = 1950
FUTURE_GRACE = timedelta(minutes=5)


def _length_check(limit: int):
    def check(value):
        if value and len(value) > limit:
            raise forms.ValidationError(
                f"This is {len(value):,} characters long; this box takes up to {limit:,}. "
                "Everything you typed is still here: please shorten it, then send again.",
                code="max_length",
            )

    return check


def limit_length(field, limit: int):
    """Give a text field a length limit with a clear message. Not the browser's ``maxlength``,
    which would silently cut a long paste: the server says what is wrong and keeps the text."""
    field.validators.append(_length_check(limit))
    field.widget.attrs.pop("maxlength", None)
    return field


def bounded(limit: int, **kwargs) -> forms.CharField:
    """A free-text field with a length limit (see ``limit_length``)."""
    return limit_length(forms.CharField(**kwargs), limit)


def check_when(value, earliest=None):
    """An event's date: not in the future (a few minutes' grace for clocks), not before
    ``earliest`` (by default twenty years ago). Raises a message in plain words."""
    if value is None:
        return value
    now = timezone.now()
    if value > now + FUTURE_GRACE:
        raise forms.ValidationError("This is in the future: when did it happen?")
    if earliest is None:
        earliest = now - timedelta(days=365 * EARLIEST_YEARS_AGO)
    if value < earliest:
        raise forms.ValidationError(
            f"This is before {timezone.localtime(earliest):%d %B %Y}: please check the date."
        )
    return value


def earliest_adult_concern():
    return timezone.make_aware(datetime(EARLIEST_ADULT_YEAR, 1, 1))


def may_choose_children(user) -> bool:
    """Whether the child chooser lists the school's children for this person: not for someone
    who has yet to sign the confidentiality agreement (a new volunteer or nurse), nor for a
    governor or the clerk who is not also on the staff (governors never see children's names,
    P16), who type the child's name instead. They can always report (P3); they just see no list
    of pupils."""
    from confidentiality.models.agreements import must_accept_agreement_now
    from confidentiality.roles import GOVERNANCE

    if user is None:
        return True
    if user.has_role(*GOVERNANCE) and not user.is_school_staff:
        return False
    return not must_accept_agreement_now(user)


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.last_name}, {student.first_name} (Year {student.year_group})"
