"""One chronology per child (P3): on screen, as a print view and as a PDF for a case conference.

The safeguarding team only: the child is opened through the door with the child-protection
permission (second factor, 404 for anyone else) and each look is audited once, as "view",
"print" or "export".
"""

from datetime import date

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from confidentiality import access
from confidentiality.audit import mark_area
from confidentiality.uploads import download
from records.models import Student

from .. import chronology, chronology_pdf
from ..forms.chronology import ChronologyFilter
from ..policy import CHRONOLOGY, is_safeguarding_team
from ..trail import AREA


def _child(request, pk, how):
    # The entry is about the child (a records object): it says it is safeguarding work, so the
    # trail hides it from whoever may not know the child has a safeguarding file.
    mark_area(request, AREA)
    # Blind: that the team opened a child's chronology must not be readable from the log.
    return access.open_object(
        request, Student.objects.all(), CHRONOLOGY, how=how, blind=True, pk=pk
    )


def _entries(request, student):
    form = ChronologyFilter(request.GET or None)
    entries = chronology.entries_for(student)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        entries = chronology.apply_filters(
            entries, data["kind"], data["since"], data["until"], data["category"]
        )
    return form, entries


@access.requires(is_safeguarding_team)
def chronology_page(request, pk):
    student = _child(request, pk, "view")
    form, entries = _entries(request, student)
    return render(
        request,
        "safeguarding/chronology.html",
        {"student": student, "form": form, "entries": entries, "query": request.GET.urlencode()},
    )


@access.requires(is_safeguarding_team)
def chronology_print(request, pk):
    """A page laid out for paper (the print stylesheet hides the navigation)."""
    student = _child(request, pk, "print")
    form, entries = _entries(request, student)
    response = render(
        request,
        "safeguarding/chronology_print.html",
        {"student": student, "entries": entries, "filters": form.describe(), "today": date.today()},
    )
    add_never_cache_headers(response)
    return response


@access.requires(is_safeguarding_team)
def chronology_export(request, pk):
    """The PDF for a case conference: a download that is never cached (``download``)."""
    student = _child(request, pk, "export")
    form, entries = _entries(request, student)
    pdf = chronology_pdf.render(student, entries, request.user, form.describe())
    return download(pdf, content_type="application/pdf", filename=f"chronology-{student.upn}.pdf")
