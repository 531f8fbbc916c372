"""The safeguarding team's pages: the dashboard, and one concern: its record with what to do
next, each step of its casework on a page of its own (``render_step``; the verbs are in
``casework``) (P3).

Every concern comes through the access policy's door: only the people who handle it (the team,
or those a concern about an adult was routed to), with a verified second factor, one audit entry
per request.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case, Count, DateTimeField, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.page_lists import read_together

from ..forms.concern_list import About, StatusChoice, start_of
from ..models import Action, AdviceRequest, Category, Concern, Notification, Referral, tally
from ..models.concerns import load_children, load_people_named
from ..policy import (
    ADULT_CASEWORK,
    ADVICE_ANSWER,
    CASEWORK,
    is_safeguarding_team,
    may_handle_concerns,
)
from ..trail import AREA
from .concern_list import NOT_IN_LISTS

TEAM_VIEW = ("safeguarding.view_concern",)


def team_concern(request, pk, how="view"):
    """One concern for the people who handle it, through the door (404 for anyone else).

    A concern about a child: the safeguarding team. A concern about an adult: only the people
    it was routed to (their object grant), and never the adult it names, whatever their role.
    """
    concerns = Concern.objects.select_related(
        "raised_by", "assigned_to", "acknowledged_by", "closed_by", "adult"
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
    by_category, months = {}, {}
    for category, month, n in _by_category_and_month(request.user, last_year, since):
        by_category[category] = by_category.get(category, 0) + n
        months[month] = months.get(month, 0) + n
    by_month = [{"month": month, "n": months[month]} for month in sorted(months, reverse=True)]
    open_concerns = concerns.open()
    # L1: a failed email names a concern; only those who may open that concern see it.
    emails = Notification.objects.visible_to(request.user)
    places, counts = open_queues(open_concerns)
    # The queues' rows and the short lists below them, each cut to what is shown, in one query.
    lists = read_together(
        queued=concerns.filter(pk__in=list(places))
        .select_related("raised_by", "assigned_to")
        .defer(*NOT_IN_LISTS),
        recently_closed=concerns.filter(status=Concern.Status.CLOSED)
        .select_related("raised_by", "assigned_to")
        .defer(*NOT_IN_LISTS)
        .order_by("-closed_at")[:10],
        overdue_actions=Action.objects.overdue()
        .filter(concern__in=open_concerns)
        .select_related("concern", "owner")[:MOST_SHOWN],
        overdue_referrals=Referral.objects.overdue(now)
        .filter(concern__in=open_concerns)
        .select_related("concern")[:MOST_SHOWN],
        # P3: raised by someone yet to sign the agreement, the child named only in words.
        naming_no_child=concerns.naming_no_child()
        .select_related("raised_by", "assigned_to")
        .defer(*NOT_IN_LISTS)
        .order_by("created_at")[:MOST_SHOWN],
        advice_waiting=access.visible(
            request, AdviceRequest.objects.unanswered(), ADVICE_ANSWER
        ).select_related("asked_by")[:MOST_SHOWN],
        adult_concerns=access.visible(
            request,
            Concern.objects.about_adults().open().not_about(request.user),
            ADULT_CASEWORK,
        ).select_related("raised_by", "adult")[:MOST_SHOWN],
    )
    load_people_named(lists["adult_concerns"])
    queues = in_queues(places, lists.pop("queued"))
    # The children of every concern shown above, opened in one query for all the lists.
    load_children(
        [row for rows in queues.values() for row in rows]
        + lists["recently_closed"]
        + lists["naming_no_child"]
    )
    return render(
        request,
        "safeguarding/dashboard.html",
        {
            **queues,
            "counts": counts,
            "most_shown": MOST_SHOWN,
            **lists,
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
            **emails_to_follow(emails),
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
        },
    )


def _by_category_and_month(user, last_year, since):
    """Both tables from one count, by category and month (a dozen categories, thirteen months):
    from the database's own count of each day (``tally``) for those who see every concern about
    a child, or by counting the concerns this person may see."""
    if TEAM_VIEW[0] in access.role_permissions(user) and tally.kept():
        return tally.by_category_and_month(since)
    return (
        last_year.annotate(month=TruncMonth("created_at"))
        .values("category", "month")
        .annotate(n=Count("*"))  # rows, not ids: read from the index alone
        .order_by()
        .values_list("category", "month", "n")
    )


# Each list on the dashboard shows at most this many rows (the oldest waiting first for the
# queues the team must empty); its count and its link to the concern list cover every one. A
# screenful each: at fifty, a large school's dashboard was over three hundred rows long, and
# working through a queue is the concern list's job (filtered, sorted, paged, exported).
MOST_SHOWN = 20

# The queues by number: sorting thousands of open concerns on a text key compared them by
# the database's collation, slower than the rest of the query together.
QUEUES = ("urgent", "new", "in_progress")
_QUEUE = Case(
    When(status=Concern.Status.NEW, urgency=Concern.Urgency.URGENT, then=Value(0)),
    When(status=Concern.Status.NEW, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
# New concerns newest first, as they arrive; open cases by their latest change.
_QUEUE_ORDER = Case(
    When(status=Concern.Status.NEW, then=F("created_at")),
    default=F("updated_at"),
    output_field=DateTimeField(),
)


def open_queues(open_concerns):
    """Where the first ``MOST_SHOWN`` concerns of each queue of open concerns stand (urgent and
    new, not yet acknowledged; under way), and how many each queue holds, from one query
    whatever the number of open concerns: ``({pk: (queue, place)}, counts)``.

    Only the columns the queues are worked out from are sorted (a school's open caseload runs to
    thousands: sorting whole rows went to disk); the rows shown are read afterwards by key."""
    rows = (
        open_concerns.annotate(
            queue=_QUEUE,
            place=Window(
                RowNumber(), partition_by=[_QUEUE], order_by=[_QUEUE_ORDER.desc(), F("pk").desc()]
            ),
            in_queue=Window(Count("pk"), partition_by=[_QUEUE]),
        )
        .filter(place__lte=MOST_SHOWN)
        .values_list("pk", "queue", "place", "in_queue")
    )
    places, counts = {}, {"urgent": 0, "new": 0, "in_progress": 0}
    for pk, queue, place, in_queue in rows:
        places[pk] = (QUEUES[queue], place)
        counts[QUEUES[queue]] = in_queue
    return places, counts


def in_queues(places, rows) -> dict:
    """``rows`` (the concerns ``open_queues`` placed) in their queues, each in its order."""
    queues = {"urgent": [], "new": [], "in_progress": []}
    for row in sorted(rows, key=lambda row: places[row.pk][1]):
        queues[places[row.pk][0]].append(row)
    return queues


def emails_to_follow(emails) -> dict:
    """The latest emails that could not be delivered (twenty at most) and how many are waiting
    to be tried again, from one query."""
    failed, retrying = Notification.Status.FAILED, Notification.Status.RETRYING
    rows = (
        emails.filter(status__in=[failed, retrying])
        .select_related("recipient", "concern")
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("status")], order_by=[F("created_at").desc()]
            ),
            of_status=Window(Count("pk"), partition_by=[F("status")]),
        )
        .filter(place__lte=20)
        .order_by("place")
    )
    found = {"failed_emails": [], "retrying_emails": 0}
    for row in rows:
        if row.status == failed:
            found["failed_emails"].append(row)
        else:
            found["retrying_emails"] = row.of_status
    return found


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
    from .casework import render_concern  # casework imports this module

    return render_concern(request, team_concern(request, pk))
