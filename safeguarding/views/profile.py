"""A child's safeguarding profile (P3, P5): statuses with their dates, the adults and agencies
involved, the household, meetings and referrals awaiting an outcome.

The safeguarding team only: every page opens the child through the door with the
child-protection permission (404 for anyone else, the same answer for every child, whether or
not they have a profile), behind the second factor, and each look is one audit entry, naming the
child by reference only and marked as safeguarding work (hidden from the head teacher's trail).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import mark_area
from records.models import Student

from .. import profile
from ..forms.profile import EndStatusForm, KeyContactForm, StatusForm
from ..models import KeyContact, Referral, SafeguardingStatus
from ..policy import CHRONOLOGY, is_safeguarding_team
from ..trail import AREA


def open_child_file(request, pk, how="view"):
    """The child, opened for their safeguarding file: a blind, safeguarding-area audit entry."""
    mark_area(request, AREA)
    return access.open_object(
        request, Student.objects.all(), CHRONOLOGY, how=how, blind=True, pk=pk
    )


def profile_url(student, anchor=""):
    return reverse("safeguarding:profile", args=[student.pk]) + anchor


def render_profile(request, student, status=200, end_forms=None):
    end_forms = end_forms or {}
    context = {"student": student, **profile.profile_of(student)}
    context["current"] = [
        (s, end_forms.get(s.pk) or EndStatusForm(prefix=f"end-{s.pk}")) for s in context["current"]
    ]
    return render(request, "safeguarding/profile.html", context, status=status)


@access.requires(is_safeguarding_team)
def profile_page(request, pk):
    return render_profile(request, open_child_file(request, pk))


@access.requires(is_safeguarding_team)
def add_status(request, pk):
    """A status with its dates (a plan, child in need, an Operation Encompass notification...).
    ``?kind=`` preselects one: the prompt after a referral's outcome is recorded."""
    student = open_child_file(request, pk)
    if request.method == "POST":
        form = StatusForm(request.POST)
        status = form.status(student, request.user) if form.is_valid() else None
        if status is not None:
            status.save()
            # Not naming the child: a message waits in the session (a database table) until
            # the next page, and a child's name beside a plan must not sit there in plain.
            messages.success(request, f"{status.label} recorded.")
            return redirect(profile_url(student, "#statuses"))
    else:
        kind = request.GET.get("kind", "")
        form = StatusForm(initial={"kind": kind} if kind in SafeguardingStatus.Kind.values else {})
    return render(
        request,
        "safeguarding/profile_status_form.html",
        {"student": student, "form": form},
        status=400 if form.is_bound else 200,
    )


@access.requires(is_safeguarding_team)
@require_POST
def end_status(request, pk, status_pk):
    student = open_child_file(request, pk)
    status = get_object_or_404(SafeguardingStatus.objects.about(student).current(), pk=status_pk)
    form = EndStatusForm(request.POST, prefix=f"end-{status.pk}")
    if form.is_valid():
        try:
            status.end(form.cleaned_data["ended_on"])
        except ValidationError as error:
            form.add_error("ended_on", error)
        else:
            messages.success(request, f"{status.label}: recorded as ended.")
            return redirect(profile_url(student, "#statuses"))
    return render_profile(request, student, status=400, end_forms={status.pk: form})


@access.requires(is_safeguarding_team)
def add_contact(request, pk):
    """An adult or agency involved with the child, and how to reach them."""
    student = open_child_file(request, pk)
    form = KeyContactForm(request.POST or None)
    if form.is_valid():
        contact = KeyContact(student=student, recorded_by=request.user, **form.cleaned_data)
        contact.save()
        messages.success(request, f"{contact.get_role_display()} added.")
        return redirect(profile_url(student, "#contacts"))
    return render(
        request,
        "safeguarding/profile_contact_form.html",
        {"student": student, "form": form},
        status=400 if form.is_bound else 200,
    )


@access.requires(is_safeguarding_team)
@require_POST
def end_contact(request, pk, contact_pk):
    """No longer involved: kept in the profile's history, no longer among those to call."""
    student = open_child_file(request, pk)
    contact = get_object_or_404(KeyContact.objects.about(student).involved(), pk=contact_pk)
    contact.ended_on = timezone.localdate()
    contact.save()
    messages.success(request, f"{contact.name} is no longer listed as involved.")
    return redirect(profile_url(student, "#contacts"))


def offer_status_update(request, referral) -> None:
    """A referral to children's social care has its outcome: offer to update the status of
    each child it is about (child in need, a child protection plan...) on their profile."""
    if referral.agency != Referral.Agency.CHILDRENS_SOCIAL_CARE or not referral.outcome:
        return
    concern = referral.concern
    if concern.is_about_adult:
        return
    named = concern.named_children
    children = [n.student for n in named if n.part == "subject"] or [n.student for n in named]
    if not children:
        return
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("safeguarding:add_status", args=[child.pk]), child) for child in children),
    )
    messages.info(
        request,
        format_html(
            "Children's social care's outcome is recorded. Update the child's safeguarding "
            "status (child in need, child protection plan, early help…) on their profile: {}.",
            links,
        ),
    )
