"""The requests: the list with their deadlines, logging a new one, a request's page (who asked,
identity, deadline, status, who handles it), extending its deadline, and moving it on."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import casework, policy
from ..case_file import items_of
from ..forms import DetailsForm, ExtensionForm, RequestForm
from ..models import SubjectAccessRequest
from .door import open_request, requires_team


@requires_team
def home(request):
    record_list_look(request, "subject-access requests")
    requests = access.visible(
        request,
        SubjectAccessRequest.objects.select_related("student", "handled_by"),
        policy.HANDLE,
    )
    today = timezone.localdate()
    open_ones = [r for r in requests if r.is_open]
    answered = [r for r in requests if not r.is_open]
    return render(
        request,
        "subject_access/home.html",
        {"open_requests": open_ones, "answered": answered, "today": today},
    )


@requires_team
def log_request(request):
    form = RequestForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sar = SubjectAccessRequest(
            student=data["student"],
            relation=data["relation"],
            requester_name=data["requester_name"],
            received_on=data["received_on"],
            what_was_asked=data["what_was_asked"],
            identity_checked=data["identity_checked"],
            identity_how=data["identity_how"],
            handled_by=data["handled_by"],
            logged_by=request.user,
        )
        sar.save()
        open_request(request, sar.pk, how="log")
        messages.success(request, f"Request logged. It must be answered by {sar.due_on:%-d %B %Y}.")
        return redirect("subject_access:request", pk=sar.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subject_access/log.html", {"form": form}, status=status)


# A child can usually make their own request from about this age (the ICO's guidance for
# Scotland says 12, and is the usual rule of thumb in England and Wales).
CHILD_REQUESTS_FROM = 12


def _age(student, today):
    born = student.date_of_birth
    if not born or getattr(born, "unreadable", False):
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _page(request, sar, status=200):
    """The request; beside who asked, what helps check they may: the child's age when the child
    asked, and the people the school holds with parental responsibility when a parent did."""
    from safeguarding.profile import parents_and_carers

    items = items_of(sar)
    today = timezone.localdate()
    age = _age(sar.student, today)
    responsible = []
    if sar.relation == SubjectAccessRequest.Relation.PARENT:
        responsible = [
            link for link in parents_and_carers(sar.student) if link.parental_responsibility
        ]
    return render(
        request,
        "subject_access/request.html",
        {
            "sar": sar,
            "today": today,
            "items_count": len(items),
            "withheld_count": sum(1 for i in items if not i.included),
            "young_child": sar.relation == SubjectAccessRequest.Relation.CHILD
            and age is not None
            and age < CHILD_REQUESTS_FROM,
            "age": age,
            "responsible": responsible,
        },
        status=status,
    )


@requires_team
def request_page(request, pk):
    return _page(request, open_request(request, pk))


DETAILS = (
    "relation",
    "requester_name",
    "received_on",
    "what_was_asked",
    "identity_checked",
    "identity_how",
    "handled_by",
)


@requires_team
def edit(request, pk):
    """Change the request's details (the identity check, who handles it); a changed date
    received moves the deadline with it."""
    sar = open_request(request, pk, how="edit")
    initial = {name: getattr(sar, name) for name in DETAILS}
    initial["identity_checked"] = "yes" if sar.identity_checked else "no"
    initial["handled_by"] = sar.handled_by_id
    form = DetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for name in DETAILS:
            setattr(sar, name, form.cleaned_data[name])
        sar.save()
        messages.success(request, f"Details saved. The deadline is {sar.due_on:%-d %B %Y}.")
        return redirect("subject_access:request", pk=sar.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subject_access/edit.html", {"sar": sar, "form": form}, status=status)


@requires_team
def extend(request, pk):
    sar = open_request(request, pk, how="extend" if request.method == "POST" else "view")
    form = ExtensionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            casework.extend(
                sar, form.cleaned_data["months"], form.cleaned_data["reason"], request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sar.refresh_from_db()
            messages.success(
                request,
                f"Deadline extended to {sar.due_on:%-d %B %Y}. Tell the requester why, within "
                "the first month.",
            )
            return redirect("subject_access:request", pk=sar.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "subject_access/extend.html", {"sar": sar, "form": form}, status=status)


@requires_team
@require_POST
def move_on(request, pk):
    sar = open_request(request, pk, how="status")
    wanted = request.POST.get("status", "")
    try:
        sar = casework.set_status(sar, wanted, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The request is now: {sar.get_status_display().lower()}.")
    return redirect(reverse("subject_access:request", kwargs={"pk": sar.pk}))
