"""Tasks for staff: the actions the safeguarding team set for a person, as that person sees them.

Each task is opened through the door with the person's own grant on that action (``policy.TASK``,
kept by ``grants.py`` to follow whom the action is set for): anyone else, and any unknown id, gets
the same 404, and each look is audited once. A task page shows what the DSL chose to tell them
(``Action.brief``), who set it, the due date and, only if the DSL said so, which child
(``Action.children_for_assignee``): never the concern's account, its category, the other actions
or the concern page. Whoever raised the concern keeps their own "My concern" page, linked from the
task; someone who handles the concern (the team) is linked to it, through its own door.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from confidentiality import access
from confidentiality.audit import record_list_look

from .. import routing
from ..forms.tasks import TaskDoneForm
from ..models import Action
from ..policy import ADULT_CASEWORK, CASEWORK, TASK, may_have_tasks
from ..trail import AREA

TASKS = Action.objects.select_related("concern", "owner", "created_by", "done_by")
RECENTLY_DONE = 20


# School staff only (``may_have_tasks``); then their own grant on each action decides (404 else).
@access.requires(may_have_tasks)
def my_tasks(request):
    tasks = access.visible(request, TASKS, TASK)
    record_list_look(request, "my safeguarding tasks", area=AREA)
    return render(
        request,
        "safeguarding/task_list.html",
        {
            "to_do": tasks.outstanding().most_urgent_first(),
            "done": tasks.done().order_by("-done_at")[:RECENTLY_DONE],
        },
    )


def _open_task(request, pk, how="view"):
    return access.open_object(request, TASKS, TASK, how=how, pk=pk)


def _render_task(request, action, form, status=200):
    concern = action.concern
    casework = ADULT_CASEWORK if concern.is_about_adult else CASEWORK
    return render(
        request,
        "safeguarding/task_detail.html",
        {
            "action": action,
            "form": form,
            "children": action.children_for_assignee(),
            "raised_it": action.raised_by_assignee,
            # The team (or a handler of a concern about an adult) may go on to the concern.
            "may_open_concern": access.has_permission(request.user, casework, concern),
        },
        status=status,
    )


@access.requires(may_have_tasks)
def task(request, pk):
    return _render_task(request, _open_task(request, pk), TaskDoneForm())


@access.requires(may_have_tasks)
@require_POST
def task_done(request, pk):
    """Record the task done with a short note: the DSL (and whoever set it) is told at once and
    the note joins the child's chronology. Errors show next to the note, with what was typed."""
    action = _open_task(request, pk, how="record done")
    if action.is_done:
        messages.info(request, "This task was already recorded as done.")
        return redirect("safeguarding:my_tasks")
    form = TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                recorded = action.complete(by=request.user, note=form.cleaned_data["note"])
                if recorded:
                    routing.tell_task_done(action)
        except ValidationError as error:
            form.add_error("note", error.message_dict.get("note", error.messages))
        else:
            if recorded:
                messages.success(
                    request, "Task recorded as done. The safeguarding team has been told."
                )
            else:
                messages.info(request, "This task was already recorded as done.")
            return redirect("safeguarding:my_tasks")
    return _render_task(request, action, form, status=400)
