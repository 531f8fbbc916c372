"""The safeguarding team's pages: the dashboard, and one concern: its record with what to do
next, each step of its casework on a page of its own (``render_step``; the verbs are in
``casework``) (P3).

Every concern comes through the access policy's door: only the people who handle it (the team,
or those a concern about an adult was routed to), with a verified second factor, one audit entry
per request.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import body_map
from ..forms.concern_list import About, StatusChoice, start_of
from ..models import Action, AdviceRequest, Category, Concern, Notification, Referral
from ..policy import (
    ADULT_CASEWORK,
    ADVICE_ANSWER,
    CASEWORK,
    is_safeguarding_team,
    may_handle_concerns,
)
from ..trail import AREA

TEAM_VIEW = ("safeguarding.view_concern",)


def team_concern(request, pk, how="view"):
    """One concern for the people who handle it, through the door (404 for anyone else).

    A concern about a child: the safeguarding team. A concern about an adult: only the people
    it was routed to (their object grant), and never the adult it names, whatever their role.
    """
    concerns = Concern.objects.select_related(
        "raised_by", "assigned_to", "acknowledged_by", "adult"
    )
    if Concern.objects.about_adults().filter(pk=pk).exists():
        return access.open_object(
            request,
            concerns.about_adults().not_about(request.user),
            ADULT_CASEWORK,
            how=how,
            second_factor=True,
            pk=pk,
        )
    return access.open_object(
        request, concerns.about_children(), CASEWORK, how=how, second_factor=True, pk=pk
    )


def _with_children(queryset):
    return queryset.select_related("raised_by", "assigned_to").with_children()


def filtered_list(**filters) -> str:
    """The address of the concern list narrowed to what a count on the dashboard counts."""
    return reverse("safeguarding:concern_list") + "?" + urlencode(filters)


CHILDREN_ONLY = {"about": About.CHILDREN}


@access.requires(is_safeguarding_team)
def dashboard(request):
    """New, urgent and overdue first; then open cases; counts by main category and month. Each
    list and count links to the concern list narrowed to the same concerns."""
    concerns = access.visible(request, Concern.objects.about_children(), TEAM_VIEW)
    record_list_look(request, "safeguarding dashboard", area=AREA)
    now = timezone.now()
    # Whole days, as the concern list filters by: a count and the list it links to agree.
    since = timezone.localdate() - timezone.timedelta(days=365)
    last_year = concerns.filter(created_at__gte=start_of(since))
    by_category = dict(
        last_year.values_list("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    by_month = (
        last_year.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-month")
    )
    open_concerns = concerns.open()
    # L1: a failed email names a concern; only those who may open that concern see it.
    emails = Notification.objects.visible_to(request.user)
    return render(
        request,
        "safeguarding/dashboard.html",
        {
            "urgent": _with_children(open_concerns.urgent_unacknowledged()),
            "new": _with_children(
                open_concerns.awaiting_dsl().exclude(urgency=Concern.Urgency.URGENT)
            ),
            "overdue_actions": Action.objects.overdue()
            .filter(concern__in=open_concerns)
            .select_related("concern", "owner"),
            "overdue_referrals": Referral.objects.overdue(now)
            .filter(concern__in=open_concerns)
            .select_related("concern"),
            # P3: raised by someone yet to sign the agreement, the child named only in words.
            "naming_no_child": concerns.naming_no_child()
            .select_related("raised_by")
            .order_by("created_at"),
            "in_progress": _with_children(
                open_concerns.exclude(status=Concern.Status.NEW).order_by("-updated_at")
            ),
            "recently_closed": _with_children(
                concerns.filter(status=Concern.Status.CLOSED).order_by("-closed_at")[:10]
            ),
            "lists": {
                "urgent": filtered_list(
                    status=Concern.Status.NEW, urgency=Concern.Urgency.URGENT, **CHILDREN_ONLY
                ),
                "new": filtered_list(
                    status=Concern.Status.NEW, urgency=Concern.Urgency.ROUTINE, **CHILDREN_ONLY
                ),
                "overdue": filtered_list(overdue="on", **CHILDREN_ONLY),
                "in_progress": filtered_list(status=StatusChoice.UNDER_WAY, **CHILDREN_ONLY),
                "closed": filtered_list(status=Concern.Status.CLOSED, **CHILDREN_ONLY),
                "last_year": filtered_list(since=since.isoformat(), **CHILDREN_ONLY),
            },
            "failed_emails": emails.failed().select_related("recipient", "concern")[:20],
            "retrying_emails": emails.filter(status=Notification.Status.RETRYING).count(),
            "by_category": [
                (
                    label,
                    by_category.get(value, 0),
                    # Counted by main category only (the others are sealed: never counted
                    # in SQL); the list it links to is narrowed the same way.
                    filtered_list(
                        category=value, main_only="on", since=since.isoformat(), **CHILDREN_ONLY
                    ),
                )
                for value, label in Category.choices
            ],
            "by_month": [{**row, "list": _month_list(row["month"], since)} for row in by_month],
            "adult_concerns": access.visible(
                request,
                Concern.objects.about_adults().open().not_about(request.user),
                ADULT_CASEWORK,
            )
            .with_people_named()
            .select_related("raised_by"),
            "advice_waiting": access.visible(
                request, AdviceRequest.objects.unanswered(), ADVICE_ANSWER
            ).select_related("asked_by"),
        },
    )


def _month_list(month, since) -> str:
    """The list of one month's concerns (from ``since`` if the month began before it)."""
    first = month.date() if hasattr(month, "date") else month
    last = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    last -= timezone.timedelta(days=1)
    return filtered_list(
        since=max(first, since).isoformat(), until=last.isoformat(), **CHILDREN_ONLY
    )


@dataclass(frozen=True)
class Step:
    """One thing to do next on a concern: a link to its own page, or (``button``) a one-click
    verb posted from the concern page itself."""

    label: str
    url: str
    button: bool = False
    style: str = "secondary"  # "": the filled button, for a step to take before the others


def _step_url(name, concern) -> str:
    return reverse(f"safeguarding:{name}", kwargs={"pk": concern.pk})


def next_steps(concern, subjects) -> list[Step]:
    """What makes sense to do next, given where the concern is: acknowledge only while it is
    not; a closed concern is reopened (or noted), not triaged or closed again."""
    steps = []
    about_child = not concern.is_about_adult
    if not concern.acknowledged_at and not concern.is_closed:
        steps.append(Step("Acknowledge", _step_url("acknowledge", concern), button=True, style=""))
    if about_child and not subjects:
        # Named only in words: until linked it is in no child's chronology (P3).
        steps.append(Step("Link the child's record", _step_url("link_children", concern), style=""))
    if not concern.is_closed:
        steps += [
            Step("Triage", _step_url("triage", concern)),
            Step("Add an action", _step_url("add_action", concern)),
            Step("Record a referral", _step_url("add_referral", concern)),
        ]
        if about_child:
            steps.append(Step("Record an information share", _step_url("add_share", concern)))
    steps.append(Step("Add a note", _step_url("add_note", concern)))
    if about_child and subjects and not concern.is_closed:
        steps.append(Step("Link another child", _step_url("link_children", concern)))
    if concern.is_closed:
        steps.append(Step("Reopen", _step_url("reopen", concern), button=True))
    else:
        steps.append(Step("Close the concern", _step_url("close", concern)))
    return steps


def render_concern(request, concern):
    """The concern page: the record, read-only, and what to do next (each step its own page,
    ``render_step``)."""
    subjects = [] if concern.is_about_adult else concern.named_children
    context = {
        "concern": concern,
        "subjects": subjects,
        "marks": body_map.describe(concern.body_map or []),
        "attachments": concern.attachments.only(
            "id", "content_type", "size", "created_at", "concern_id", "filename"
        ),
        "notes": concern.notes.select_related("author"),
        "actions": concern.actions.select_related("owner", "done_by"),
        "referrals": concern.referrals.select_related("made_by").prefetch_related("shares"),
        "linked": concern.linked_concerns.all(),
        "related": concern.related_concerns().exclude(pk__in=concern.linked_concerns.values("pk"))[
            :20
        ],
        "next_steps": next_steps(concern, subjects),
        "may_read_audit_trail": access.may_read_audit_trail(request.user),
        "shares": concern.shares.select_related("shared_by").with_students(),
        "advice_request": AdviceRequest.objects.filter(concern=concern).first(),
    }
    return render(request, "safeguarding/concern_detail.html", context)


def render_step(request, concern, step, form, *, title, status=200, **extra):
    """One step on a concern, on its own page: a short summary of the concern, the step's form
    (``templates/safeguarding/steps/<step>.html``), a way back. Sent with errors (status 400),
    the error summary at the top takes focus and links to each field; what was typed is kept."""
    context = {
        "concern": concern,
        "subjects": [] if concern.is_about_adult else concern.named_children,
        "form": form,
        "title": title,
        **extra,
    }
    return render(request, f"safeguarding/steps/{step}.html", context, status=status)


@access.requires(may_handle_concerns)
def concern_detail(request, pk):
    return render_concern(request, team_concern(request, pk))
