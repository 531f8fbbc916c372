"""Recording an external information share from the concern page (P2)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from confidentiality import access

from .. import information_sharing
from ..forms.information_sharing import InformationShareForm
from ..policy import may_handle_concerns
from .team import render_concern, team_concern


@access.requires(may_handle_concerns)
@require_POST
def add_share(request, pk):
    concern = team_concern(request, pk)
    form = InformationShareForm(request.POST, concern=concern, prefix="share")
    if form.is_valid():  # runs the model's clean: the P2 rule lands on its field
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
    return render_concern(request, concern, status=400, share=form)
