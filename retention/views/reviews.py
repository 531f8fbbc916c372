from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from confidentiality.audit import record_list_look

from ..audit_words import AREA
from ..forms import ReviewForm
from ..models import RetentionReview
from ..models.rules import Action
from ..registry import kinds, years_after
from ..schedule import Schedule
from . import retention_page


@retention_page
def review(request, kind, reference):
    """The decision on a record due for review: keep it for some more years, with the reason.
    Only a record due for review now, of a kind this person sees by name; anything else 404s."""
    kind = kinds.get(kind)
    if kind is None or not kind.shown_to(request.user):
        raise Http404
    schedule = Schedule()
    record = next((r for r in schedule.due_of(kind) if r.reference.endswith(f"#{reference}")), None)
    if record is None or record.held or record.rule.action != Action.REVIEW:
        raise Http404
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        until = years_after(schedule.today, form.cleaned_data["years"])
        RetentionReview.objects.create(
            kind=kind.key,
            reference=record.reference,
            keep_until=until,
            reason=form.cleaned_data["reason"],
            decided_by=request.user,
        )
        messages.success(request, f"Kept until {until:%-d %B %Y}; it is due for review then.")
        return redirect(reverse("retention:report"))
    if request.method == "GET":
        record_list_look(request, "retention review", area=AREA)
    return render(
        request,
        "retention/review_form.html",
        {"form": form, "record": record},
        status=400 if form.is_bound and form.errors else 200,
    )
