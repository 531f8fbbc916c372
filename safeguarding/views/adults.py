"""Concerns about adults: anyone who may log a concern may raise one (sign-in only: reporting is
never delayed, P3); only the people it is routed to (DSL and head teacher, see models/adults.py)
see the list and open them, always with a verified second factor, and each look at the list is
audited."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import adults
from ..forms.adults import AdultConcernForm
from ..models import Concern
from ..policy import ADULT_CASEWORK, may_handle_adult_concerns, may_log_concern
from ..trail import AREA


@access.requires(may_log_concern, second_factor=False)
def log_adult_concern(request):
    if request.method == "POST":
        form = AdultConcernForm(request.POST, author=request.user)
        if form.is_valid():
            try:
                concern, created = adults.raise_adult_concern(request.user, form.cleaned_data)
            except PermissionError as refusal:
                messages.error(request, str(refusal))
                return redirect("safeguarding:log_adult_concern")
            _confirm(request, concern)
            return redirect("safeguarding:my_concern", pk=concern.pk)
    else:
        form = AdultConcernForm(
            author=request.user,
            initial={
                "idempotency_key": uuid.uuid4(),
                "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        )
    return render(
        request,
        "safeguarding/adult_concern_form.html",
        {"form": form, "lado_contact": adults.lado_contact()},
        status=400 if form.errors else 200,
    )


def _confirm(request, concern) -> None:
    """Say truthfully where the concern went: never "sent" when nobody received it."""
    lado = adults.lado_contact()
    if adults.holders(concern):
        messages.success(
            request,
            f"Thank you. Concern {concern.reference} has gone to the people who handle "
            "concerns about adults. Do not discuss it with the person concerned. You may also "
            f"contact the LADO directly: {lado}.",
        )
    else:
        messages.warning(
            request,
            f"Concern {concern.reference} is saved, but nobody in the school could be sent it "
            "now (no DSL, head teacher or chair of governors is set up to receive it). Please "
            f"contact the LADO today, yourself: {lado}. Do not discuss it with the person "
            "concerned.",
        )


# Whoever handles them (a governor too): only with a verified second factor (M5).
@access.requires(may_handle_adult_concerns, second_factor=True)
def adult_concerns(request):
    """The concerns about adults routed to this person; never one that names them."""
    record_list_look(request, "list of concerns about adults", area=AREA)
    concerns = (
        access.visible(
            request, Concern.objects.about_adults().not_about(request.user), ADULT_CASEWORK
        )
        .with_people_named()
        .select_related("raised_by")
    )
    return render(request, "safeguarding/adult_concerns.html", {"concerns": concerns})
