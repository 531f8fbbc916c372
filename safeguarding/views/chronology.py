"""One chronology per child (P3): on screen, as a print view and as a PDF for a case conference.

The safeguarding team only: the child is opened through the door with the child-protection
permission (second factor, 404 for anyone else) and each look is audited once, as "view",
"print" or "export".
"""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from confidentiality import access
from records.models import Student

from .. import chronology, chronology_pdf
from ..models import Category
from ..policy import CHRONOLOGY, is_safeguarding_team

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChronologyFilter(forms.Form):
    kind = forms.MultipleChoiceField(
        choices=chronology.Kind.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Show only",
    )
    since = forms.DateField(required=False, widget=DATE, label="From")
    until = forms.DateField(required=False, widget=DATE, label="To")
    category = forms.ChoiceField(choices=[("", "Any category")] + Category.choices, required=False)

    def describe(self) -> str:
        if not self.is_valid():
            return ""
        data, parts = self.cleaned_data, []
        if data["kind"]:
            parts.append("only " + ", ".join(chronology.Kind.LABELS[k] for k in data["kind"]))
        if data["since"]:
            parts.append(f"from {data['since']:%d %b %Y}")
        if data["until"]:
            parts.append(f"to {data['until']:%d %b %Y}")
        if data["category"]:
            parts.append(str(dict(Category.choices)[data["category"]]))
        return "; ".join(parts)


def _child(request, pk, how):
    if not is_safeguarding_team(request.user):
        raise Http404
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


@login_required
def chronology_page(request, pk):
    student = _child(request, pk, "view")
    form, entries = _entries(request, student)
    return render(
        request,
        "safeguarding/chronology.html",
        {"student": student, "form": form, "entries": entries, "query": request.GET.urlencode()},
    )


@login_required
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


@login_required
def chronology_export(request, pk):
    """The PDF for a case conference: a download that is never cached."""
    student = _child(request, pk, "export")
    form, entries = _entries(request, student)
    pdf = chronology_pdf.render(student, entries, request.user, form.describe())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{student.upn}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
