"""The safeguarding team's pages: the dashboard and one concern with all its casework (P3).

Every concern comes through the access policy's door: only the people who handle it (the team,
or those a concern about an adult was routed to), with a verified second factor, one audit entry
per request.
"""

from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import body_map
from ..forms.casework import (
    ActionForm,
    CloseForm,
    NoteForm,
    ReferralForm,
    ReferralUpdateForm,
    TriageForm,
    link_children_formset,
)
from ..forms.concern_list import About, StatusChoice, start_of
from ..forms.information_sharing import InformationShareForm
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


def render_concern(request, concern, status=200, **forms):
    """The concern page with its forms; a form passed in (with errors) replaces the blank one."""
    referrals = list(concern.referrals.select_related("made_by"))
    share_form = forms.pop("share", None)
    context = {
        "concern": concern,
        "subjects": concern.named_children,
        "marks": body_map.describe(concern.body_map or []),
        "attachments": concern.attachments.only(
            "id", "content_type", "size", "created_at", "concern_id", "filename"
        ),
        "notes": concern.notes.select_related("author"),
        "actions": concern.actions.select_related("owner", "done_by"),
        "referrals": [
            (r, forms.get(f"update_{r.pk}") or ReferralUpdateForm(prefix=f"ref-{r.pk}"))
            for r in referrals
        ],
        "linked": concern.linked_concerns.all(),
        "related": concern.related_concerns().exclude(pk__in=concern.linked_concerns.values("pk"))[
            :20
        ],
        "link_form": None
        if concern.is_about_adult
        else forms.get("link") or link_children_formset(concern=concern),
        "triage_form": forms.get("triage") or TriageForm(concern=concern, prefix="triage"),
        "note_form": forms.get("note") or NoteForm(prefix="note"),
        "action_form": forms.get("action") or ActionForm(prefix="action"),
        "referral_form": forms.get("referral") or ReferralForm(prefix="referral"),
        "close_form": forms.get("close") or CloseForm(prefix="close"),
        "may_read_audit_trail": access.may_read_audit_trail(request.user),
        "shares": concern.shares.select_related("shared_by").with_students(),
        "share_form": share_form or InformationShareForm(concern=concern, prefix="share"),
        "advice_request": AdviceRequest.objects.filter(concern=concern).first(),
    }
    return render(request, "safeguarding/concern_detail.html", context, status=status)


@access.requires(may_handle_concerns)
def concern_detail(request, pk):
    return render_concern(request, team_concern(request, pk))
