"""One chronology per child (P3): on screen, as a print view and as a PDF for a case conference.

The safeguarding team only: the child is opened through the door with the child-protection
permission (second factor, 404 for anyone else) and each look is audited once, as "view",
"print" or "export". The kinds of entry, dates and category chosen on the page narrow all three
alike; a choice that is wrong (an end date before the start) shows the page again with the
message and what was typed, never a PDF of something else.
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


def _form(request):
    return ChronologyFilter(request.GET or None)


# A long file opens at its latest entries: a child with ten years of concerns has thousands, and
# a page of all of them took half a second to write. The rest is one link away; the print view
# and the PDF always hold every entry chosen.
LATEST_SHOWN = 200


def _page(request, student, form, status=200):
    """The chronology on screen, narrowed by the form when it is right (else in full, with the
    form's messages): its latest ``LATEST_SHOWN`` entries unless the whole was asked for."""
    if request.GET.get("whole") == "1":
        entries = chronology.apply_filters(chronology.entries_for(student), **form.chosen())
        total = len(entries)
    else:
        entries, total = chronology.latest_entries(student, LATEST_SHOWN, **form.chosen())
    asked = request.GET.copy()
    asked.pop("whole", None)
    with_whole = asked.copy()
    with_whole["whole"] = "1"
    return render(
        request,
        "safeguarding/chronology.html",
        {
            "student": student,
            "form": form,
            "entries": entries,
            "earlier": total - len(entries),
            "total": total,
            "whole_query": with_whole.urlencode(),
            "query": asked.urlencode(),
        },
        status=status,
    )


def _wrong(form) -> bool:
    return form.is_bound and not form.is_valid()


@access.requires(is_safeguarding_team)
def chronology_page(request, pk):
    form = _form(request)
    return _page(request, _child(request, pk, "view"), form, status=400 if _wrong(form) else 200)


@access.requires(is_safeguarding_team)
def chronology_print(request, pk):
    """A page laid out for paper (the print stylesheet hides the navigation)."""
    form = _form(request)
    if _wrong(form):
        return _page(request, _child(request, pk, "view"), form, status=400)
    student = _child(request, pk, "print")
    entries = chronology.apply_filters(chronology.entries_for(student), **form.chosen())
    response = render(
        request,
        "safeguarding/chronology_print.html",
        {"student": student, "entries": entries, "filters": form.describe(), "today": date.today()},
    )
    add_never_cache_headers(response)
    return response


@access.requires(is_safeguarding_team)
def chronology_export(request, pk):
    """The PDF for a case conference: a cover (the child, the family, who is involved, the
    statuses, what the export holds), the chronology and the body maps; a download that is
    never cached (``download``)."""
    form = _form(request)
    if _wrong(form):
        return _page(request, _child(request, pk, "view"), form, status=400)
    student = _child(request, pk, "export")
    chosen = form.chosen()
    entries = chronology.apply_filters(chronology.entries_for(student), **chosen)
    cover = chronology.cover_for(student, request.user, **chosen)
    pdf = chronology_pdf.render(student, entries, request.user, form.describe(), cover=cover)
    return download(pdf, content_type="application/pdf", filename=f"chronology-{student.upn}.pdf")
