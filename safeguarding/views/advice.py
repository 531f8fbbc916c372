"""Asking the safeguarding team for advice (P22): ask, read your answers, and the team's queue,
answer and conversion into a concern.

Asking and reading one's own answers are reporting: never behind a second factor at the door
(P3). The team's pages are the team's alone."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import advice as advice_service
from ..forms.advice import AdviceAnswerForm, AdviceRequestForm, ConvertAdviceForm
from ..models import AdviceRequest
from ..policy import ADVICE_ANSWER, ADVICE_READ, is_safeguarding_team, may_log_concern
from ..trail import AREA


@access.requires(may_log_concern, second_factor=False)
def ask(request):
    """Anyone who may log a concern may ask; only sign-in is needed, like logging a concern."""
    form = AdviceRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        advice = advice_service.ask(
            request.user, form.cleaned_data["question"], form.cleaned_data.get("student")
        )
        messages.success(
            request,
            f"Your question ({advice.reference}) has gone to the safeguarding team. "
            "You will see their answer under My requests.",
        )
        return redirect("safeguarding:my_advice_list")
    return render(
        request, "safeguarding/advice_ask.html", {"form": form}, status=400 if form.errors else 200
    )


@access.requires(may_log_concern, second_factor=False)
def my_requests(request):
    requests = (
        access.visible(request, AdviceRequest.objects.asked_by(request.user), ADVICE_READ)
        .select_related("answered_by", "concern")
        .with_students()
    )
    record_list_look(request, "my requests for advice", area=AREA)
    return render(request, "safeguarding/advice_mine.html", {"requests": requests})


# Whoever asked, even after their role has changed: their own grant on the request decides.
@access.requires(access.signed_in, second_factor=False)
def my_request(request, pk):
    advice = access.open_object(
        request,
        AdviceRequest.objects.asked_by(request.user).select_related("answered_by"),
        ADVICE_READ,
        pk=pk,
    )
    return render(request, "safeguarding/advice_my_detail.html", {"advice": advice})


@access.requires(is_safeguarding_team)
def team_list(request):
    requests = access.visible(request, AdviceRequest.objects.all(), ADVICE_ANSWER)
    # The children named and the questions asked: a look at this list is audited (P5).
    record_list_look(request, "requests for advice", area=AREA)
    return render(
        request,
        "safeguarding/advice_team.html",
        {"requests": requests.select_related("asked_by", "concern").with_students()[:200]},
    )


def _team_request(request, pk):
    return access.open_object(
        request,
        AdviceRequest.objects.select_related("asked_by", "answered_by", "concern"),
        ADVICE_ANSWER,
        pk=pk,
    )


@access.requires(is_safeguarding_team)
def answer(request, pk):
    advice = _team_request(request, pk)
    form = AdviceAnswerForm(request.POST or None, initial={"answer": advice.answer})
    if request.method == "POST" and form.is_valid():
        advice_service.answer(advice, request.user, form.cleaned_data["answer"])
        messages.success(request, f"Answer sent to {advice.asked_by}.")
        return redirect("safeguarding:advice_answer", pk=advice.pk)
    return render(
        request,
        "safeguarding/advice_answer.html",
        {
            "advice": advice,
            "form": form,
            "convert_form": ConvertAdviceForm(initial=advice_service.convert_initial(advice)),
        },
        status=400 if form.errors else 200,
    )


@access.requires(is_safeguarding_team)
@require_POST
def convert(request, pk):
    advice = _team_request(request, pk)
    form = ConvertAdviceForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "safeguarding/advice_answer.html",
            {"advice": advice, "form": AdviceAnswerForm(), "convert_form": form},
            status=400,
        )
    concern = advice_service.convert_to_concern(advice, request.user, form.cleaned_data)
    messages.success(request, f"Logged as concern {concern.reference}.")
    return redirect("safeguarding:concern", pk=concern.pk)
