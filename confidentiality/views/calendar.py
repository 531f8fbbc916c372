"""The school calendar page: the terms and the closures, kept by the school office, the head
teacher and the DSL (``school_calendar.may_keep_the_calendar``); a 404 for anyone else. The
calendar is about nobody, so nothing here is confidential; every change is in the audit trail
(the models are registered with the change log), and every clock the school keeps reads it at
once."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from confidentiality import access, school_calendar
from confidentiality.forms.calendar import ClosureForm, TermForm
from confidentiality.models import Closure, Term

keeps_the_calendar = access.requires(school_calendar.may_keep_the_calendar)

# Each kind of entry on the page, and its form.
KINDS = {"term": (Term, TermForm), "closure": (Closure, ClosureForm)}


@keeps_the_calendar
def calendar_page(request):
    today = timezone.localdate()
    return render(
        request,
        "calendar/calendar.html",
        {
            "terms": Term.objects.all(),
            "closures": Closure.objects.all(),
            "today": today,
            "is_school_day": school_calendar.is_school_day(today),
            "nation": dict(NATIONS).get(school_calendar.current().nation, ""),
            "bank_holidays": _coming_bank_holidays(today),
        },
    )


NATIONS = (
    ("england-and-wales", "England and Wales"),
    ("scotland", "Scotland"),
    ("northern-ireland", "Northern Ireland"),
)


def _coming_bank_holidays(today, how_many: int = 6) -> list:
    holidays = school_calendar.bank_holidays(school_calendar.current().nation)
    return [(day, holidays[day]) for day in sorted(holidays) if day >= today][:how_many]


def _edit(request, kind: str, pk=None):
    model, form_class = KINDS[kind]
    entry = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved {saved} in the calendar.")
        return redirect("calendar:page")
    return render(
        request,
        "calendar/entry_form.html",
        {"form": form, "entry": entry, "noun": kind},
    )


@keeps_the_calendar
def add_term(request):
    return _edit(request, "term")


@keeps_the_calendar
def edit_term(request, pk):
    return _edit(request, "term", pk)


@keeps_the_calendar
def add_closure(request):
    return _edit(request, "closure")


@keeps_the_calendar
def edit_closure(request, pk):
    return _edit(request, "closure", pk)


def _delete(request, kind: str, pk):
    """Deleting a term or a closure moves the safeguarding clocks, so it is asked first: the
    page says which school days it changes; only the button on that page deletes."""
    model, _ = KINDS[kind]
    entry = get_object_or_404(model, pk=pk)
    if request.method == "POST":
        described = str(entry)
        entry.delete()
        messages.success(request, f"Deleted {described} from the calendar.")
        return redirect("calendar:page")
    return render(
        request,
        "calendar/confirm_delete.html",
        {
            "entry": entry,
            "noun": kind,
            "changes": school_calendar.what_deleting_changes(entry),
        },
    )


@keeps_the_calendar
@require_http_methods(["GET", "POST"])
def delete_term(request, pk):
    return _delete(request, "term", pk)


@keeps_the_calendar
@require_http_methods(["GET", "POST"])
def delete_closure(request, pk):
    return _delete(request, "closure", pk)
