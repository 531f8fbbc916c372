"""A lesson observation: filled in by its observer while a draft, then part of the file.

The observer opens it through their own relation (``record_observation``) and sees only the
observation, never the rest of the file; the file's readers open it through theirs.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from confidentiality import access
from confidentiality.uploads import download

from .. import policy
from ..forms.observations import ObservationForm
from ..models import ObservationSheet
from .door import open_observation, performance_page


def observation_url(observation) -> str:
    return reverse("performance:observation", kwargs={"pk": observation.pk})


@performance_page
def observation_page(request, pk):
    observation = open_observation(request, pk, policy.OBSERVATION_READ)
    may_record = access.has_permission(request.user, policy.OBSERVATION_RECORD, observation)
    form = None
    status = 200
    if may_record:
        form = ObservationForm(request.POST or None, request.FILES or None, observation=observation)
        if request.method == "POST":
            submitting = request.POST.get("action") == "submit"
            if form.is_valid() and (not submitting or form.check_complete()):
                _save(request, observation, form)
                if submitting:
                    observation.submit()
                    messages.success(request, "Observation submitted to the file. Thank you.")
                    return redirect(reverse("performance:home"))
                messages.success(request, "Draft saved. You can come back to it.")
                return redirect(observation_url(observation))
            status = 400
    elif request.method == "POST":
        raise Http404  # a reader who is not its observer (or no longer) changes nothing
    file = observation.file
    return render(
        request,
        "performance/observation.html",
        {
            "observation": observation,
            "form": form,
            "sheets": observation.sheets.all(),
            "file_reader": access.has_permission(request.user, policy.READ, file),
        },
        status=status,
    )


def _save(request, observation, form) -> None:
    form.apply_to(observation)
    observation.save()
    sheet = form.cleaned_data.get("sheet")
    if sheet:
        ObservationSheet(
            observation=observation,
            filename=sheet["name"],
            content_type=sheet["content_type"],
            size=len(sheet["data"]),
            content=sheet["data"],
            uploaded_by=request.user,
        ).save()


@performance_page
def download_sheet(request, pk, sheet_pk):
    observation = open_observation(request, pk, policy.OBSERVATION_READ, how="download")
    sheet = get_object_or_404(observation.sheets, pk=sheet_pk)
    return download(sheet.content, content_type=sheet.content_type, filename=sheet.filename)
