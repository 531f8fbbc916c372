"""Recording an external information share, a step of a concern's casework (P2): its own page,
and back to the concern once recorded."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from confidentiality import access

from .. import information_sharing
from ..forms.information_sharing import InformationShareForm
from ..policy import may_handle_concerns
from .team import render_step, team_concern


@access.requires(may_handle_concerns)
def add_share(request, pk):
    concern = team_concern(request, pk)
    if concern.is_about_adult:
        # It names no child to have shared about: the LADO agrees what the family is told.
        raise Http404
    sent = request.method == "POST"
    form = InformationShareForm(request.POST if sent else None, concern=concern, prefix="share")
    if sent and form.is_valid():  # runs the model's clean: the P2 rule lands on its field
        try:
            share = information_sharing.record_share(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            told = " The parents have a notice in their portal." if share.parents_told else ""
            messages.success(
                request,
                f"Information share recorded. A support action for {share.student} is on the "
                f"concern.{told}",
            )
            return redirect(reverse("safeguarding:concern", kwargs={"pk": concern.pk}) + "#shares")
    return render_step(
        request,
        concern,
        "share",
        form,
        title="Record an information share",
        status=400 if sent else 200,
    )
