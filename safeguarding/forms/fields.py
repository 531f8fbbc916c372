"""Pieces every safeguarding form uses: the length of a box, the date of an event, the child
chooser (who may search for children at all, and whom a search may find), and the date
widgets."""

from datetime import datetime, timedelta

from django import forms
from django.db.models import Q
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


# "Why telling them would put the child at risk" is needed unless the student and the parents
# were both told first (``check_told_first``): its label says when, never a plain "(optional)"
# that is untrue once a box is left unticked. ``includes/field.html`` reads the two marks.
NEEDED_UNLESS_BOTH_TOLD = "needed unless the student and the parents were both told first"


def mark_reason_not_told(form, applies, *, when=NEEDED_UNLESS_BOTH_TOLD) -> None:
    """Mark the label of ``form``'s "why not told" box truthfully. On a form not yet sent it
    says ``when`` the reason is needed (or "(optional)" if the rule does not apply to this
    form: ``applies`` False); on a form sent back with errors, as the answers stand: needed
    (no "(optional)") if the rule ``applies`` and a box was left unticked, else optional.
    Only the label changes: the rule itself stays with ``check_told_first``."""
    field = form.fields.get("reason_not_told")
    if field is None:
        return
    if not form.is_bound:
        field.needed_when = "" if applies is False else when
        return
    both_told = form["student_told"].value() and form["parents_told"].value()
    field.needed_now = bool(applies) and not both_told


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


def may_search_for_children(user) -> bool:
    """The door of the child search: someone who may log a concern and may choose children."""
    return user.is_authenticated and user.may_log_concern and may_choose_children(user)


def findable_children(user):
    """The children this person's search may find. A concern may be about any child, not only
    those someone teaches, so a member of the school's staff may find any child on roll. A
    volunteer or a health professional is not on the staff and never had the roll (P11, P25):
    they find only the children they work with (a nurse's own pupils, the pupils of a class a
    volunteer helps in), and name any other child in words. Finding a child opens nothing of
    their record. Nobody is ever shown the roll unprompted: see ``find_children``."""
    from records.models import Student

    if user is None or not may_choose_children(user):
        return Student.objects.none()
    if user.is_school_staff:
        return Student.objects.all()
    from confidentiality import access
    from records.policy import ANY_STUDENT_VIEW

    opened = access.visible(user, Student.objects.all(), ANY_STUDENT_VIEW).values("pk")
    in_their_classes = Student.objects.filter(teaching_groups__staff=user).values("pk")
    return Student.objects.filter(Q(pk__in=opened) | Q(pk__in=in_their_classes))


def offers_child_search(user) -> bool:
    """Whether the concern form offers the child search, or only the box to write who the child
    is: the search is offered to whoever may search and could find someone with it."""
    if user is None:
        return True
    if not may_search_for_children(user):
        return False
    return user.is_school_staff or findable_children(user).exists()


# A search must say something about the child before it lists anyone, and lists only a few:
# enough to pick the right child, never a way to read the roll.
SEARCH_MIN_LETTERS = 2
SEARCH_MAX_RESULTS = 10
SEARCH_MAX_WORDS = 4
# "year 3", "Y3", "yr 3", "class oak": the words a school types around a year or class.
_FILLER_WORDS = {"year", "yr", "class", "form"}


def search_words(text: str) -> str:
    """What was typed, without control characters, at most 60 characters."""
    text = (text or "")[:60]
    return " ".join("".join(c for c in text if c.isprintable()).split())


def _year(word: str):
    word = word.lower().removeprefix("yr").removeprefix("y")
    return int(word) if word.isdigit() and len(word) <= 2 else None


def find_children(user, text: str) -> tuple[list, bool]:
    """The children ``user`` may find whose name, class or year matches every word typed:
    ``(children, more)``, at most ``SEARCH_MAX_RESULTS``, ``more`` when others match too.
    Nothing at all for fewer than ``SEARCH_MIN_LETTERS`` letters or digits."""
    text = search_words(text)
    if sum(c.isalnum() for c in text) < SEARCH_MIN_LETTERS:
        return [], False
    children = findable_children(user)
    words = [w for w in text.split() if w.lower() not in _FILLER_WORDS][:SEARCH_MAX_WORDS]
    if not words:
        return [], False
    for word in words:
        match = (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(teaching_groups__name__icontains=word)
        )
        if (year := _year(word)) is not None:
            match |= Q(year_group=year)
        children = children.filter(match)
    found = list(
        children.distinct()
        .order_by("last_name", "first_name", "id")
        .prefetch_related("teaching_groups")[: SEARCH_MAX_RESULTS + 1]
    )
    return found[:SEARCH_MAX_RESULTS], len(found) > SEARCH_MAX_RESULTS


def child_class(student) -> str:
    """The child's class or classes, as the school names them."""
    return ", ".join(group.name for group in student.teaching_groups.all())


def child_label(student) -> str:
    """How a child is named in the chooser: name, class and year; nothing more (no date of
    birth, no UPN)."""
    where = child_class(student)
    year = f"Year {student.year_group}"
    return f"{student.first_name} {student.last_name} ({f'{where}, {year}' if where else year})"


def child_summary(student) -> dict:
    """What the search sends a browser about one child: never the date of birth or the UPN."""
    return {
        "id": str(student.pk),
        "first_name": student.first_name,
        "last_name": student.last_name,
        "class": child_class(student),
        "year": student.year_group,
        "label": child_label(student),
    }


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.last_name}, {student.first_name} (Year {student.year_group})"
