from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality.audit import record_list_look
from records.models import Student

from ..audit_words import AREA
from ..forms import HoldForm
from ..models import LegalHold
from ..registry import kinds
from . import retention_page


def _describe(holds) -> list[dict]:
    """Each hold with what it covers in words; the children held, in one query."""
    pks = {LegalHold.child.pk_of(hold) for hold in holds} - {None}
    children = {child.pk: child for child in Student.objects.filter(pk__in=pks)}
    rows = []
    for hold in holds:
        if hold.scope == LegalHold.Scope.KIND:
            kind = kinds.get(hold.kind)
            covers = f"{kind.label if kind else 'A kind of record no longer kept'}"
        elif hold.scope == LegalHold.Scope.CHILD:
            child = children.get(LegalHold.child.pk_of(hold))
            covers = f"Every record about {child}" if child else "Every record about a child"
        else:
            covers = hold.get_scope_display()
        rows.append({"hold": hold, "covers": covers})
    return rows


@retention_page
def hold_list(request):
    holds = list(LegalHold.objects.select_related("placed_by", "lifted_by"))
    rows = _describe(holds)
    record_list_look(request, "legal holds", area=AREA)
    return render(
        request,
        "retention/holds.html",
        {
            "in_force": [row for row in rows if row["hold"].lifted_at is None],
            "lifted": [row for row in rows if row["hold"].lifted_at is not None],
        },
    )


@retention_page
def place_hold(request):
    form = HoldForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        hold = LegalHold(scope=data["scope"], reason=data["reason"], placed_by=request.user)
        if data["scope"] == LegalHold.Scope.KIND:
            hold.kind = data["kind"]
        if data["scope"] == LegalHold.Scope.CHILD:
            hold.child = data["child"]
        hold.save()
        messages.success(request, f"Legal hold {hold.reference} is placed.")
        return redirect(reverse("retention:holds"))
    if request.method == "GET":
        record_list_look(request, "place legal hold", area=AREA)
    return render(
        request,
        "retention/hold_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@retention_page
@require_POST
def lift_hold(request, pk):
    """End a hold: its records fall under their rules again. The hold stays, lifted, with who
    lifted it and when (and the change is in the change log)."""
    hold = get_object_or_404(LegalHold.objects.in_force(), pk=pk)
    hold.lifted_at = timezone.now()
    hold.lifted_by = request.user
    hold.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
    messages.success(request, f"Legal hold {hold.reference} is lifted.")
    return redirect(reverse("retention:holds"))
