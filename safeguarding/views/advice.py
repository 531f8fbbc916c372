"""Asking the safeguarding team for advice (P22): ask, read your answers, and the team's queue,
answer and conversion into a concern."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import advice as advice_service
from ..models import AdviceRequest
from ..policy import ADVICE_ANSWER, ADVICE_READ, is_safeguarding_team, may_log_concern
from ..sharing_forms import AdviceAnswerForm, AdviceRequestForm, ConvertAdviceForm


@login_required
def ask(request):
    """Anyone who may log a concern may ask; only sign-in is needed, like logging a concern."""
    if not may_log_concern(request.user):
        raise Http404
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
    return render(request, "safeguarding/advice_ask.html", {"form": form})


@login_required
def my_requests(request):
    if not may_log_concern(request.user):
        raise Http404
    requests = (
        access.visible(request, AdviceRequest.objects.asked_by(request.user), ADVICE_READ)
        .select_related("answered_by", "concern")
        .with_students()
    )
    record_list_look(request, "my requests for advice")
    return render(request, "safeguarding/advice_mine.html", {"requests": requests})


@login_required
def my_request(request, pk):
    advice = access.open_object(
        request,
        AdviceRequest.objects.asked_by(request.user).select_related("answered_by"),
        ADVICE_READ,
        pk=pk,
    )
    return render(request, "safeguarding/advice_my_detail.html", {"advice": advice})


@login_required
def team_list(request):
    if not is_safeguarding_team(request.user):
        raise Http404
    requests = access.visible(request, AdviceRequest.objects.all(), ADVICE_ANSWER)
    # The children named and the questions asked: a look at this list is audited (P5).
    record_list_look(request, "requests for advice")
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


@login_required
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


@login_required
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
