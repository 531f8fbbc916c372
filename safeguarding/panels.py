"""Dashboard panels: the safeguarding team's queue, the author's concerns, each person's tasks,
everyone's alerts.

Panels show counts and who/when only: no concern's content appears outside the door (a task's
line shows the start of what the team chose to tell its person, as their task page does). The team's
panel counts concerns through ``access.visible``: without a confirmed second factor it is left
out (the dashboard says how to confirm it), as the safeguarding dashboard it leads to would be.
"""

from django.urls import reverse
from django.utils import timezone

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.extensions import dashboard_panel

from .dates import short_day
from .models import Action, Alert, Concern, Notification, Referral
from .policy import (
    ADULT_CASEWORK,
    CASEWORK,
    TASK,
    is_safeguarding_team,
    may_handle_adult_concerns,
    may_have_tasks,
    may_log_concern,
)
from .trail import AREA

TASKS_ON_PANEL = 5
BRIEF_ON_PANEL = 60  # characters of a task's brief on its line


@dashboard_panel(order=5)
def safeguarding_team(request):
    user = request.user
    if not is_safeguarding_team(user):
        return None
    concerns = access.visible(request, Concern.objects.about_children().open(), CASEWORK)
    counts = yield {
        "urgent": concerns.urgent_unacknowledged(),
        "new": concerns.awaiting_dsl(),
        "late actions": Action.objects.overdue().filter(concern__in=concerns),
        "late referrals": Referral.objects.overdue().filter(concern__in=concerns),
        "failed": Notification.objects.visible_to(user).failed(),  # L1: only their concerns
        "unread": Alert.objects.for_user(user).unread(),
    }
    urgent, new, failed, unread = (counts[k] for k in ("urgent", "new", "failed", "unread"))
    overdue = counts["late actions"] + counts["late referrals"]
    items = [
        f"{urgent} urgent concern{'s' if urgent != 1 else ''} not yet acknowledged",
        f"{new} new concern{'s' if new != 1 else ''} awaiting the team",
        f"{overdue} overdue item{'s' if overdue != 1 else ''} (actions and referrals)",
        f"{unread} unread alert{'s' if unread != 1 else ''}",
    ]
    if failed:
        items.append(f"{failed} email{'s' if failed != 1 else ''} could not be delivered")
    return {
        "title": "Safeguarding",
        "body": "Concerns go straight to the DSL and deputies.",
        "items": items,
        "links": [
            {"label": "Open the safeguarding dashboard", "url": reverse("safeguarding:dashboard")},
            {"label": f"Alerts ({unread} unread)", "url": reverse("safeguarding:alerts")},
        ],
    }


@dashboard_panel(order=5)
def concerns_about_adults(request):
    """For whoever a concern about an adult is routed to (the DSL, the head teacher, the chair):
    how many wait on them, new ones first, and the way to the list. Counts only: who a concern
    names is read on the list, behind the second factor. Through the door, like the team's
    panel: left out for the team and the head until their second factor is confirmed; never a
    concern naming the reader (``not_about``)."""
    user = request.user
    if not may_handle_adult_concerns(user):
        return None
    concerns = access.visible(
        request, Concern.objects.about_adults().not_about(user).open(), ADULT_CASEWORK
    )
    counts = yield {
        "new": concerns.filter(status=Concern.Status.NEW),
        "other": concerns.exclude(status=Concern.Status.NEW),
    }
    new, other = counts["new"], counts["other"]
    if not (new or other):
        return None
    items = []
    if new:
        items.append(f"{new} new concern{'s' if new != 1 else ''} about an adult awaiting you")
    if other:
        items.append(
            f"{other} concern{'s' if other != 1 else ''} about an adult still open "
            f"(acknowledged or in progress)"
        )
    return {
        "title": "Concerns about adults",
        "items": items,
        "links": [
            {
                "label": "Open the concerns about adults",
                "url": reverse("safeguarding:adult_concerns"),
            }
        ],
    }


@dashboard_panel(order=6)
def my_concerns(request):
    user = request.user
    if not may_log_concern(user):
        return None
    mine = Concern.objects.raised_by(user)
    counts = yield {"total": mine, "open": mine.open()}
    total, open_ = counts["total"], counts["open"]
    links = [
        {"label": "Log a concern", "url": reverse("safeguarding:log_concern")},
        {"label": "My concerns", "url": reverse("safeguarding:my_concerns")},
        {
            "label": "Ask the safeguarding team for advice",
            "url": reverse("safeguarding:ask_advice"),
        },
    ]
    body = "Worried about a child? Log it now: it reaches the DSL and deputies at once."
    if total:
        still = f"{open_} still open" if open_ else "none still open"
        body += f" You have logged {total} concern{'s' if total != 1 else ''}; {still}."
    return {"title": "Concerns about children", "body": body, "links": links}


@dashboard_panel(order=4)
def my_tasks(request):
    """The tasks the safeguarding team set for this person, overdue first, each with the start
    of what they were told to do (as their task page shows it), its due date and a link to it;
    nothing of the concern itself."""
    if not may_have_tasks(request.user):
        return None
    outstanding = access.visible(request, Action.objects.all(), TASK).outstanding()
    total = (yield {"total": outstanding})["total"]
    if not total:
        return None
    tasks = list(outstanding.select_related("created_by").most_urgent_first()[:TASKS_ON_PANEL])
    today = timezone.localdate()
    items = [
        {
            "label": (
                f"{'Overdue: ' if task.due_on < today else ''}{_what_to_do(task)} – task due "
                f"{short_day(task.due_on)}, set by {task.created_by}"
            ),
            "url": reverse("safeguarding:task", kwargs={"pk": task.pk}),
        }
        for task in tasks
    ]
    # The panel shows the start of what the team chose to tell each person: a look at their
    # tasks, kept in the trail like the list of their tasks.
    record_list_look(request, "my safeguarding tasks (on the dashboard)", area=AREA)
    more = total - len(tasks)
    return {
        "title": "Your safeguarding tasks",
        "body": f"{total} task{'s' if total != 1 else ''} to do, overdue first. Open one to see "
        "what is needed and to record it done."
        + (f" {more} more on the list of your tasks." if more > 0 else ""),
        "items": items,
        "links": [
            {"label": "All your safeguarding tasks", "url": reverse("safeguarding:my_tasks")}
        ],
    }


def _what_to_do(task) -> str:
    """What the person reads of the task first, as on their task page: the start of what the
    team chose to tell them (``brief``), never the team's own record of it."""
    brief = " ".join((task.brief or "").split())
    if not brief:
        return f"Speak to {task.created_by}"
    return brief if len(brief) <= BRIEF_ON_PANEL else brief[: BRIEF_ON_PANEL - 1].rstrip() + "…"


@dashboard_panel(order=7)
def alerts(request):
    user = request.user
    if is_safeguarding_team(user):
        return None  # the team's panel already shows their alerts
    unread = (yield {"unread": Alert.objects.for_user(user).unread()})["unread"]
    if not unread:
        return None
    return {
        "title": "Safeguarding alerts",
        "body": f"You have {unread} unread safeguarding alert{'s' if unread != 1 else ''}.",
        "links": [{"label": "Read your alerts", "url": reverse("safeguarding:alerts")}],
    }


def _training_questions(user) -> dict:
    """The latest course and readings of ``user``, as values the dashboard asks with its counts
    (its one shared query) instead of two queries of its own: the same latest ones
    ``training.requirements`` reads (the course that runs out last, the last reading)."""
    from confidentiality.counting import First

    from .models.training import Policy, PolicyReading, TrainingRecord, course_for

    done = TrainingRecord.objects.filter(person=user, course=course_for(user))
    done = done.order_by("-expires_on", "-pk")
    asked = {
        "course expires": First(done, "expires_on"),
        "course completed": First(done, "completed_on"),
    }
    for policy in Policy:
        read = PolicyReading.objects.filter(person=user, policy=policy).order_by("-read_on")
        asked[f"policy:{policy}"] = First(read, "read_on")
    return asked


def _training_requirements(user, answers: dict) -> list:
    """``user``'s requirements from the answers, built as the register builds them."""
    from .models.training import Policy, course_for, requirements_of

    read_on = {policy: answers[f"policy:{policy}"] for policy in Policy}
    read_on = {policy: day for policy, day in read_on.items() if day is not None}
    return requirements_of(
        user,
        course_for(user),
        answers["course completed"],
        answers["course expires"],
        read_on,
    )


@dashboard_panel(order=8)
def my_training(request):
    """P9: each person sees when their own training or policy reading needs attention."""
    user = request.user
    if not may_log_concern(user):
        return None
    today = timezone.localdate()
    answers = yield _training_questions(user)
    needs = [n for n in _training_requirements(user, answers) if n.state(today) != "ok"]
    if not needs:
        return None
    return {
        "title": "Your safeguarding training",
        "body": "Child-protection training and reading the policies are renewed every year.",
        "items": [f"{n.label}: {n.state_label(today).lower()}" for n in needs],
        "links": [{"label": "See your training", "url": reverse("safeguarding:my_training")}],
    }
